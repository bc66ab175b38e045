"""Every write to disk happens here, atomically.

A file is written to a temp file in the same folder, fsynced, and renamed over
the old one, so a crash or a dropped SSH session leaves either the old bytes or
the new ones, never half of each. `write_all` renders nothing itself: it is
handed finished texts and only renames once every temp file is safely on disk.
"""

from __future__ import annotations

import errno
import os
import stat
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path

from aiwf_tui.errors import AiwfError
from aiwf_tui.layout import TEMP_PREFIX
from aiwf_tui.model.textfile import outside_problems

BOM = b"\xef\xbb\xbf"


def _explain(exc: OSError, shown: str) -> AiwfError:
    if exc.errno == errno.ENOSPC:
        return AiwfError.at(
            shown, "could not be written: the disk is full", "free some space and try again; nothing was changed"
        )
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return AiwfError.at(
            shown,
            "could not be written: permission denied (read-only folder?)",
            "make the project folder writable or save elsewhere; nothing was changed",
        )
    return AiwfError.at(shown, f"could not be written ({exc.strerror or exc})", "check the disk; nothing was changed")


def fsync_dir(folder: Path) -> None:
    """Make a rename in `folder` durable (best effort: not every file system allows it)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _write_temp(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=TEMP_PREFIX + path.name + ".", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if path.exists():
            os.chmod(name, path.stat().st_mode & 0o7777)
        else:
            os.chmod(name, 0o644)
    except BaseException:
        try:
            os.unlink(name)
        except OSError:
            pass
        raise
    return Path(name)


def atomic_write(path: Path, text: str, *, root: Path | None = None) -> None:
    """Replace `path` with `text` atomically (temp file + fsync + rename)."""
    write_all({path: text}, root=root)


def write_all(files: dict[Path, str], *, root: Path | None = None) -> list[Path]:
    """Write several files all-or-nothing: every temp file is written and synced first;
    only then are they renamed into place. On any error, no file has changed.

    With `root`, every path (and every folder above it) must stay inside `root` once links
    are resolved, and must not be a folder, FIFO or device: otherwise nothing is written.
    Each file keeps the line endings (and BOM) it has on disk; new files get LF.

    Returns the paths whose content actually changed (unchanged files are not touched).
    """
    if root is not None:
        problems = outside_problems(list(files), root)
        if problems:
            raise AiwfError(*problems)
    olds = {p: existing_bytes(p) for p in files}
    encoded = {}
    for path, text in files.items():
        try:
            encoded[path] = encode_like(olds[path], text)
        except UnicodeEncodeError:
            raise AiwfError.at(
                _shown(path, root),
                "would hold a lone UTF-16 surrogate, which cannot be written as UTF-8",
                "remove the odd character from the text you typed or pasted; nothing was written",
            ) from None
    changed = {p: data for p, data in encoded.items() if olds[p] != data}
    pause = _test_pause(bool(changed))
    temps: list[tuple[Path, Path]] = []
    try:
        for path, data in changed.items():
            try:
                temps.append((_write_temp(path, data), path))
            except OSError as exc:
                raise _explain(exc, _shown(path, root)) from None
            pause()
    except BaseException:
        _discard(temps)
        raise
    folders = set()
    done: list[tuple[Path, bytes | None]] = []  # (path, its old bytes) for the files already renamed
    for index, (temp, path) in enumerate(temps):
        try:
            os.replace(temp, path)
        except OSError as exc:
            # A rename failed half-way (rare: renames need no space): put back what was
            # already replaced, so that the promise "nothing was changed" holds.
            _discard(temps[index:])
            _restore(done)
            raise _explain(exc, _shown(path, root)) from None
        done.append((path, olds[path]))
        folders.add(path.parent)
        pause()
    for folder in folders:
        fsync_dir(folder)
    _sweep(files)
    return list(changed)


def existing_bytes(path: Path) -> bytes | None:
    """The bytes a regular file has now (None: no such file, or not a regular one). Never
    opens a FIFO or device."""
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):
            return None
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError:
        return None
    try:
        with os.fdopen(fd, "rb", closefd=False) as handle:
            return handle.read()
    except OSError:
        return None
    finally:
        os.close(fd)


def encode_like(old: bytes | None, text: str) -> bytes:
    """`text` (LF line endings) as the bytes to write over a file holding `old`: CRLF when the
    file uses CRLF, a BOM when it starts with one, so an update never rewrites every line."""
    from aiwf_tui.model.textfile import newline_of, with_newline

    bom = b""
    if old:
        if old.startswith(BOM):
            bom = BOM
        text = with_newline(text, newline_of(old))
    return bom + text.encode("utf-8")


def _sweep(paths: Iterable[Path]) -> None:
    """Remove temp files a killed writer left next to these paths (one project has one writer:
    the `.aiwf.lock`; a temp file is only ever renamed once complete, so a leftover is garbage).
    Each folder is listed once, however many of its files were written."""
    prefixes: dict[Path, tuple[str, ...]] = {}
    for path in paths:
        prefixes[path.parent] = (*prefixes.get(path.parent, ()), f"{TEMP_PREFIX}{path.name}.")
    for folder, starts in prefixes.items():
        try:
            names = os.listdir(folder)
        except OSError:
            continue
        for name in names:
            if name.startswith(starts):
                try:
                    os.unlink(folder / name)
                except OSError:
                    pass


def _shown(path: Path, root: Path | None) -> str:
    return str(path.relative_to(root)) if root and path.is_relative_to(root) else str(path)


def _discard(temps: list[tuple[Path, Path]]) -> None:
    for temp, _ in temps:
        try:
            temp.unlink()
        except OSError:
            pass


def _restore(done: list[tuple[Path, bytes | None]]) -> None:
    """Best effort: give the files already renamed their old bytes back (new files are removed)."""
    for path, old in reversed(done):
        try:
            if old is None:
                path.unlink()
            else:
                os.replace(_write_temp(path, old), path)
        except OSError:
            pass


def _test_pause(active: bool) -> Callable[[], None]:
    """Test hook for the crash-safety tests: with AIWF_TEST_SLOW_WRITE=SECONDS set, say on
    stderr when the write starts and after every temp write and every rename (`step N`), and
    sleep that long after each, so a test can SIGKILL the process at any chosen point of the
    write. Unset (always, outside the tests): a no-op."""
    delay = os.environ.get("AIWF_TEST_SLOW_WRITE")
    if not delay or not active:
        return lambda: None
    import sys
    import time

    seconds = float(delay)
    sys.stderr.write("aiwf-test: write_all start\n")
    sys.stderr.flush()
    steps = iter(range(1, 1 << 30))

    def pause() -> None:
        sys.stderr.write(f"aiwf-test: step {next(steps)}\n")
        sys.stderr.flush()
        time.sleep(seconds)

    return pause


def _same(path: Path, text: str) -> bool:
    try:
        return path.read_bytes() == text.encode("utf-8")
    except OSError:
        return False
