"""Reading project files as text, with every failure turned into an `AiwfError`.

Project files come from people and from interrupted SSH sessions: they may be
missing, folders, unreadable, binary, not UTF-8, or absurdly large.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from aiwf_tui.errors import AiwfError, Problem

#: Larger than any real sidecar, spec or decision log by two orders of magnitude.
MAX_TEXT_BYTES = 20 * 1024 * 1024


def display_path(path: Path, root: Path | None = None) -> str:
    """A path as the user should see it: relative to the project where possible."""
    if root is not None:
        try:
            return str(path.relative_to(root))
        except ValueError:
            pass
    return str(path)


def kind_of(mode: int) -> str:
    """What a non-regular file is, in words a person recognises."""
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "not a regular file"


def resolve_inside(path: Path, root: Path | None, shown: str) -> Path:
    """`path` with every link resolved; raises a one-line `AiwfError` for a link that loops
    or (with `root`) anything that leads outside the project."""
    try:
        target = path.resolve()
    except (OSError, RuntimeError):
        raise AiwfError.at(shown, "is a symbolic link that loops", "replace the link with the file itself") from None
    if root is not None and not target.is_relative_to(root.resolve()):
        link = first_link(path, root)
        if link is not None and link != path:
            raise AiwfError.at(
                display_path(link, root),
                link_leaves(link),
                "replace the link with a real folder inside the project (aiwf works only inside it)",
            )
        raise AiwfError.at(
            shown,
            f"is a symbolic link that leads outside the project ({target})",
            "replace the link with the file itself",
        )
    return target


def first_link(path: Path, root: Path) -> Path | None:
    """The outermost path between `root` and `path` (inclusive) that is a symbolic link."""
    try:
        parts = path.absolute().relative_to(root.absolute()).parts
    except ValueError:
        return None
    current = root.absolute()
    for part in parts:
        current = current / part
        if current.is_symlink():
            return current
    return None


def link_leaves(link: Path) -> str:
    """ "is a symbolic link that leads outside the project (TARGET)", TARGET as the link says it."""
    try:
        target = os.readlink(link)
    except OSError:
        target = "?"
    return f"is a symbolic link that leads outside the project ({target})"


def read_bytes(path: Path, root: Path | None = None, *, max_bytes: int = MAX_TEXT_BYTES) -> bytes:
    """The bytes of a regular file, or a one-line `AiwfError`. Never blocks: a FIFO, device or
    folder in a file's place is refused before any open that could wait for a writer."""
    shown = display_path(path, root)
    target = resolve_inside(path, root, shown)
    try:
        st = os.stat(target)
    except FileNotFoundError:
        raise AiwfError.at(shown, "is missing", "restore it from the earlier phases or version control") from None
    except OSError as exc:
        raise AiwfError.at(shown, f"cannot be read ({exc.strerror or exc})", "check the disk and the file") from None
    if stat.S_ISDIR(st.st_mode):
        raise AiwfError.at(shown, "is a folder, not a file", "move the folder away and restore the file")
    if not stat.S_ISREG(st.st_mode):
        raise AiwfError.at(shown, f"is {kind_of(st.st_mode)}, not a file", "remove it and restore the file")
    if st.st_size > max_bytes:
        raise AiwfError.at(
            shown,
            f"is too large ({st.st_size // (1024 * 1024)} MB)",
            f"a project file must be under {max_bytes // (1024 * 1024)} MB; check it is the right file",
        )
    try:
        fd = os.open(target, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except PermissionError:
        raise AiwfError.at(shown, "cannot be read (permission denied)", "fix its permissions (chmod u+r)") from None
    except OSError as exc:
        raise AiwfError.at(shown, f"cannot be read ({exc.strerror or exc})", "check the disk and the file") from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):  # swapped for something else since the stat
            raise AiwfError.at(shown, f"is {kind_of(st.st_mode)}, not a file", "remove it and restore the file")
        with os.fdopen(fd, "rb", closefd=False) as handle:
            data = handle.read(max_bytes + 1)
    except OSError as exc:
        raise AiwfError.at(shown, f"cannot be read ({exc.strerror or exc})", "check the disk and the file") from None
    finally:
        os.close(fd)
    if len(data) > max_bytes:
        raise AiwfError.at(shown, "is too large", f"a project file must be under {max_bytes // (1024 * 1024)} MB")
    return data


def read_text(path: Path, root: Path | None = None, *, max_bytes: int = MAX_TEXT_BYTES) -> str:
    """Read a UTF-8 text file (a BOM is accepted; line endings as they are) or raise a one-line `AiwfError`."""
    shown = display_path(path, root)
    data = read_bytes(path, root, max_bytes=max_bytes)
    if b"\x00" in data:
        raise AiwfError.at(shown, "is binary, not text", "restore the text file from version control")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise AiwfError.at(shown, "is not UTF-8 text", "re-save it as UTF-8", line=line) from None
    # CRLF files (edited on Windows) are valid; aiwf works on LF text and the writer puts each
    # file's own line ending back (`newline_of` / `with_newline`).
    return text.replace("\r\n", "\n")


def newline_of(data: str | bytes) -> str:
    """The line ending a file uses: CRLF when most of its lines end so, else LF."""
    if isinstance(data, bytes):
        crlf, lf = data.count(b"\r\n"), data.count(b"\n")
    else:
        crlf, lf = data.count("\r\n"), data.count("\n")
    return "\r\n" if crlf and crlf * 2 >= lf else "\n"


def with_newline(text: str, newline: str) -> str:
    """LF text with `newline` line endings (LF text is returned as is)."""
    if newline == "\n":
        return text
    return text.replace("\r\n", "\n").replace("\n", newline)


def outside_problems(paths: list[Path], root: Path) -> list[Problem]:
    """Why writing `paths` could leave the project or clobber something that is not a file:
    a path outside `root`, a folder above it that is a link leading outside (or looping), or a
    folder, FIFO or device where the file should be. Empty: safe to write."""
    real_root = Path(root).resolve()
    problems: list[Problem] = []
    for path in paths:
        path = Path(path) if Path(path).is_absolute() else Path(root) / path
        shown = display_path(path, Path(root))
        if not path.absolute().is_relative_to(Path(root).absolute()):
            problems.append(
                Problem(
                    shown, "is outside the project folder", "aiwf writes only inside the project; nothing was written"
                )
            )
            continue
        try:
            parent = path.parent.resolve()
        except (OSError, RuntimeError):
            problems.append(
                Problem(
                    shown,
                    "is in a folder whose symbolic link loops",
                    "replace the link with a real folder; nothing was written",
                )
            )
            continue
        if not parent.is_relative_to(real_root):
            link = first_link(path.parent, Path(root))
            problems.append(
                Problem(
                    display_path(link, Path(root)) if link else shown,
                    link_leaves(link) if link else "is outside the project folder",
                    "replace the link with a real folder inside the project (aiwf writes only inside it)",
                )
            )
            continue
        try:
            mode = os.stat(path).st_mode
        except FileNotFoundError:
            continue
        except OSError as exc:
            if exc.errno == errno.ELOOP:
                problems.append(
                    Problem(shown, "is a symbolic link that loops", "replace the link with the file itself")
                )
                continue
            problems.append(
                Problem(shown, f"cannot be checked ({exc.strerror or exc})", "check the file; nothing was written")
            )
            continue
        if not stat.S_ISREG(mode):
            problems.append(Problem(shown, f"is {kind_of(mode)}, not a file", "move it away; nothing was written"))
        elif path.is_symlink() and not path.resolve().is_relative_to(real_root):
            problems.append(
                Problem(
                    shown,
                    "is a symbolic link that leads outside the project",
                    "replace the link with the file itself; nothing was written",
                )
            )
    # One line per offending link, however many files lie under it.
    unique: dict[str, Problem] = {}
    for problem in problems:
        unique.setdefault(problem.path + problem.message, problem)
    return list(unique.values())
