"""Every write to disk happens here, atomically.

A file is written to a temp file in the same folder, fsynced, and renamed over
the old one, so a crash or a dropped SSH session leaves either the old bytes or
the new ones, never half of each. `write_all` renders nothing itself: it is
handed finished texts and only renames once every temp file is safely on disk.
"""

from __future__ import annotations

import errno
import os
import tempfile
from pathlib import Path

from aiwf_tui.errors import AiwfError, Problem

#: Autosave and writer temp files start with this, so export can leave them out.
TEMP_PREFIX = ".aiwf-tmp-"


def _explain(exc: OSError, shown: str) -> AiwfError:
    if exc.errno == errno.ENOSPC:
        return AiwfError.at(shown, "could not be written: the disk is full", "free some space and try again; nothing was changed")
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return AiwfError.at(shown, "could not be written: permission denied (read-only folder?)",
                            "make the project folder writable or save elsewhere; nothing was changed")
    return AiwfError.at(shown, f"could not be written ({exc.strerror or exc})", "check the disk; nothing was changed")


def _fsync_dir(folder: Path) -> None:
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

    Returns the paths whose content actually changed (unchanged files are not touched).
    """
    changed = {p: t for p, t in files.items() if not (p.is_file() and _same(p, t))}
    temps: list[tuple[Path, Path]] = []
    try:
        for path, text in changed.items():
            shown = str(path.relative_to(root)) if root and path.is_relative_to(root) else str(path)
            try:
                temps.append((_write_temp(path, text.encode("utf-8")), path))
            except OSError as exc:
                raise _explain(exc, shown) from None
    except BaseException:
        for temp, _ in temps:
            try:
                temp.unlink()
            except OSError:
                pass
        raise
    folders = set()
    for temp, path in temps:
        os.replace(temp, path)
        folders.add(path.parent)
    for folder in folders:
        _fsync_dir(folder)
    return list(changed)


def _same(path: Path, text: str) -> bool:
    try:
        return path.read_bytes() == text.encode("utf-8")
    except OSError:
        return False


def check_writable(paths: list[Path], root: Path) -> list[Problem]:
    """Problems that would stop a write, found before anything is written."""
    problems = []
    for path in paths:
        folder = path.parent
        while not folder.exists() and folder != root:
            folder = folder.parent
        if not os.access(folder, os.W_OK):
            problems.append(Problem(str(path.relative_to(root)), "cannot be written: the folder is read-only",
                                    "make the project folder writable; nothing was changed"))
    return problems
