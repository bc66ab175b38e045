"""One project, one writer: the `.aiwf.lock` file in the project folder.

The app (and `aiwf render`, while it writes) holds an exclusive `flock` on
`PROJECT/.aiwf.lock`, whose text names the holder (pid, host, since when). A
second `aiwf` finds the lock held and says who holds it. The kernel drops the
`flock` when its process dies, however it dies (SIGKILL, a dropped SSH session,
a power cut), so a lock left behind is stale and simply taken over. Where
`flock` is not available the pid is checked instead: a lock whose pid is not
alive on this host is stale. A lock written on another host cannot be checked
from here and is respected.

Pure standard library: no Textual, so the headless verbs use it too.
"""

from __future__ import annotations

import errno
import os
import stat
from datetime import UTC, datetime
from pathlib import Path
from typing import NamedTuple

from aiwf_tui.errors import AiwfError, Problem
from aiwf_tui.layout import LOCK_NAME
from aiwf_tui.safetext import clean_text

try:  # POSIX only; elsewhere the pid check is all there is.
    import fcntl
except ImportError:  # pragma: no cover
    fcntl = None  # type: ignore[assignment]

READ_ONLY_HINT = "open read-only with --read-only, or close the other aiwf"


class Holder(NamedTuple):
    """Who holds (or held) a project's lock."""

    pid: int | None
    host: str
    since: str = ""

    def describe(self) -> str:
        """ "pid N on HOST, since WHEN": the file's text made terminal-safe and short."""
        who = f"pid {self.pid}" if self.pid is not None else "an unknown process"
        text = f"{who} on {self.host_shown or 'an unknown host'}"
        if self.since:
            text += f", since {clean_text(self.since, 40)}"
        return text

    @property
    def host_shown(self) -> str:
        """The host as a message may quote it (the lock file is outside text)."""
        return " ".join(clean_text(self.host, 80).split())

    @property
    def complete(self) -> bool:
        """Whether the file names a holder the way aiwf writes it (a pid and a host)."""
        return self.pid is not None and bool(self.host_shown)

    @property
    def here(self) -> bool:
        """Whether the holder runs on this host (so its pid can be checked)."""
        return self.host == _hostname()


class LockedError(AiwfError):
    """The project is open in another aiwf: an `AiwfError` that also names the holder."""

    def __init__(self, root: Path, holder: Holder, live: bool = True) -> None:
        self.holder = holder
        self.clear_hint = "" if live else clear_hint(holder)
        fix = READ_ONLY_HINT + (f" ({self.clear_hint})" if self.clear_hint else "")
        super().__init__(Problem(str(root), f"is already open in another aiwf ({holder.describe()})", fix))


def clear_hint(holder: Holder) -> str:
    """How to clear a lock this host cannot prove live or stale."""
    if holder.complete and not holder.here:
        return f"delete {LOCK_NAME} if no aiwf runs on {holder.host_shown}"
    return f"delete {LOCK_NAME} if no aiwf runs on this project"


def _hostname() -> str:
    # uname's node name is what gethostname() returns on POSIX, without importing socket
    # (~3 ms of every `aiwf render`).
    uname = getattr(os, "uname", None)
    if uname is not None:
        return uname().nodename or "localhost"
    import socket  # pragma: no cover - not POSIX

    return socket.gethostname() or "localhost"  # pragma: no cover


def pid_alive(pid: int) -> bool:
    """Whether a process with this pid exists on this host."""
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # it exists, it is someone else's
    except OSError:
        return False
    return True


def _parse(text: str) -> Holder | None:
    fields: dict[str, str] = {}
    for line in text.splitlines():
        key, sep, value = line.partition("=")
        if sep:
            fields[key.strip()] = value.strip()
    if not fields:
        return None
    try:
        pid: int | None = int(fields.get("pid", ""))
    except ValueError:
        pid = None
    return Holder(pid, fields.get("host", ""), fields.get("since", ""))


def _read_holder(fd: int) -> Holder | None:
    try:
        data = os.pread(fd, 4096, 0)
    except OSError:
        return None
    return _parse(data.decode("utf-8", "replace"))


def _flock(fd: int, flags: int) -> bool | None:
    """True: got it; False: someone holds it; None: flock is not available here."""
    if fcntl is None:
        return None
    try:
        fcntl.flock(fd, flags | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    except OSError as exc:
        if exc.errno in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
            return False
        return None  # ENOLCK, EINVAL, ENOTSUP: a filesystem without flock
    return True


class Lock:
    """A held project lock. `release()` it (or use it as a context manager)."""

    def __init__(self, root: Path, path: Path, fd: int, flocked: bool) -> None:
        self.root = root
        self.path = path
        self._fd: int | None = fd
        self._flocked = flocked

    @property
    def held(self) -> bool:
        return self._fd is not None

    def release(self) -> None:
        """Remove the lock file (if it is still ours) and drop the lock. Safe to call twice."""
        fd, self._fd = self._fd, None
        if fd is None:
            return
        try:
            _unlink_if_same(self.path, fd)
        finally:
            os.close(fd)

    def __enter__(self) -> Lock:
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


#: The lock is a plain file in the project: never follow a link (its target would be
#: truncated and rewritten), never block on a FIFO put in its place.
_OPEN_FLAGS = getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)


class LockUnusableError(AiwfError):
    """`.aiwf.lock` exists but is not a plain file (a link, a folder, a FIFO): nothing was written."""


def _not_a_file(root: Path) -> LockUnusableError:
    return LockUnusableError(
        Problem(
            str(root / LOCK_NAME),
            "is not a plain file (a symbolic link, folder or device)",
            f"delete {LOCK_NAME} (aiwf makes its own) if no aiwf runs on this project; nothing was written",
        )
    )


def _open_lock(path: Path, root: Path, flags: int) -> int:
    """Open the lock file itself (never what a link points to), or raise `LockUnusableError`."""
    try:
        fd = os.open(path, flags | _OPEN_FLAGS, 0o644)
    except OSError as exc:
        if exc.errno in (errno.ELOOP, errno.EISDIR, errno.ENXIO, errno.EMLINK) or path.is_symlink():
            raise _not_a_file(root) from None
        raise
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise _not_a_file(root)
    except BaseException:
        os.close(fd)
        raise
    return fd


_READ_ONLY = "cannot be created: the project folder is read-only"


def is_read_only_error(error: AiwfError) -> bool:
    """Whether `acquire` failed only because the folder cannot be written (a reader may go on)."""
    return any(p.message == _READ_ONLY for p in error.problems)


def _cannot_create(root: Path, exc: OSError) -> AiwfError:
    if exc.errno == errno.ENOSPC:
        return AiwfError.at(
            root / LOCK_NAME,
            "cannot be created: the disk is full",
            "free some space and try again; nothing was changed",
        )
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return AiwfError.at(
            root / LOCK_NAME, _READ_ONLY, "open it with --read-only, or make the project folder writable"
        )
    return AiwfError.at(
        root / LOCK_NAME,
        f"cannot be created ({exc.strerror or exc})",
        "check the project folder, or open it with --read-only",
    )


def acquire(root: str | Path) -> Lock:
    """Take the project's lock, taking over a stale one.

    Raises `LockedError` (an `AiwfError`) naming the holder when another live aiwf
    holds it, and `AiwfError` when the lock file cannot be created.
    """
    root = Path(root).absolute()
    path = root / LOCK_NAME
    for _attempt in range(10):
        try:
            fd = _open_lock(path, root, os.O_RDWR | os.O_CREAT)
        except OSError as exc:
            raise _cannot_create(root, exc) from None
        keep = False
        written = False
        try:
            got = _flock(fd, fcntl.LOCK_EX if fcntl else 0)
            current = _read_holder(fd)
            if got is False:
                raise LockedError(root, current or Holder(None, ""))
            try:
                same_file = os.stat(path, follow_symlinks=False).st_ino == os.fstat(fd).st_ino
            except FileNotFoundError:
                same_file = False
            if not same_file:
                continue  # released (unlinked) while we opened it: try again on the new file
            if current is not None and current.pid != os.getpid():
                if current.complete and not current.here:
                    raise LockedError(root, current, live=False)
                if got is None and (not current.complete or (current.pid is not None and pid_alive(current.pid))):
                    raise LockedError(root, current, live=current.complete)
                # Otherwise stale: no process holds the flock (or the pid is gone): take it over.
            since = datetime.now(UTC).astimezone().isoformat(timespec="seconds")
            text = f"pid={os.getpid()}\nhost={_hostname()}\nsince={since}\n".encode()
            written = True
            os.ftruncate(fd, 0)
            if os.pwrite(fd, text, 0) != len(text):
                raise OSError(errno.ENOSPC, "short write")
            keep = True
            return Lock(root, path, fd, got is True)
        except OSError as exc:
            raise _cannot_create(root, exc) from None
        finally:
            if not keep:
                if written:
                    _unlink_if_same(path, fd)  # never leave an empty or half-written lock behind
                os.close(fd)
    raise AiwfError.at(path, "could not be taken (it keeps changing)", "try again in a moment")


def _unlink_if_same(path: Path, fd: int) -> None:
    try:
        if os.stat(path, follow_symlinks=False).st_ino == os.fstat(fd).st_ino:
            os.unlink(path)
    except OSError:
        pass


def holder(root: str | Path) -> Holder | None:
    """The live holder of the project's lock, or None when it is free (or stale)."""
    root = Path(root).absolute()
    path = root / LOCK_NAME
    try:
        fd = _open_lock(path, root, os.O_RDONLY)
    except (OSError, LockUnusableError):
        return None
    try:
        current = _read_holder(fd)
        got = _flock(fd, fcntl.LOCK_SH if fcntl else 0)
        if got is False:
            return current or Holder(None, "")
        if current is None:
            return None
        if current.complete and not current.here:
            return current
        if got is None and (not current.complete or (current.pid is not None and pid_alive(current.pid))):
            return current
        return None
    finally:
        os.close(fd)


def release(lock: Lock | None) -> None:
    """Release `lock` (None is fine)."""
    if lock is not None:
        lock.release()
