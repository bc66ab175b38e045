"""Reading project files as text, with every failure turned into an `AiwfError`.

Project files come from people and from interrupted SSH sessions: they may be
missing, folders, unreadable, binary, not UTF-8, or absurdly large.
"""

from __future__ import annotations

from pathlib import Path

from aiwf_tui.errors import AiwfError

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


def read_text(path: Path, root: Path | None = None, *, max_bytes: int = MAX_TEXT_BYTES) -> str:
    """Read a UTF-8 text file (a BOM is accepted, CRLF becomes LF) or raise a one-line `AiwfError`."""
    shown = display_path(path, root)
    if path.is_symlink() and root is not None:
        target = path.resolve()
        if not target.is_relative_to(root.resolve()):
            raise AiwfError.at(
                shown,
                f"is a symbolic link that leads outside the project ({target})",
                "replace the link with the file itself",
            )
    if not path.exists():
        raise AiwfError.at(shown, "is missing", "restore it from the earlier phases or version control")
    if path.is_dir():
        raise AiwfError.at(shown, "is a folder, not a file", "move the folder away and restore the file")
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise AiwfError.at(
                shown,
                f"is too large ({size // (1024 * 1024)} MB)",
                f"a project file must be under {max_bytes // (1024 * 1024)} MB; check it is the right file",
            )
        data = path.read_bytes()
    except PermissionError:
        raise AiwfError.at(shown, "cannot be read (permission denied)", "fix its permissions (chmod u+r)") from None
    except OSError as exc:
        raise AiwfError.at(shown, f"cannot be read ({exc.strerror or exc})", "check the disk and the file") from None
    if b"\x00" in data:
        raise AiwfError.at(shown, "is binary, not text", "restore the text file from version control")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise AiwfError.at(shown, "is not UTF-8 text", "re-save it as UTF-8", line=line) from None
    # CRLF files (edited on Windows) are valid; aiwf works on, and writes, LF. Without this a
    # round-tripped sidecar came back with CRLF on kept lines and LF on new ones.
    return text.replace("\r\n", "\n")
