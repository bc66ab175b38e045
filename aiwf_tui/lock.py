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
import socket
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from aiwf_tui.errors import AiwfError, Problem
from aiwf_tui.layout import LOCK_NAME

try:  # POSIX only; elsewhere the pid check is all there is.
    import fcntl
except ImportError:  # pragma: no cover
    fcntl = None  # type: ignore[assignment]

READ_ONLY_HINT = "open read-only with --read-only, or close the other aiwf"


@dataclass(frozen=True)
class Holder:
    """Who holds (or held) a project's lock."""

    pid: int | None
    host: str
    since: str = ""

    def describe(self) -> str:
        who = f"pid {self.pid}" if self.pid is not None else "an unknown process"
        text = f"{who} on {self.host or 'an unknown host'}"
        if self.since:
            text += f", since {self.since}"
        return text

    @property
    def here(self) -> bool:
        """Whether the holder runs on this host (so its pid can be checked)."""
        return self.host == _hostname()


class LockedError(AiwfError):
    """The project is open in another aiwf: an `AiwfError` that also names the holder."""

    def __init__(self, root: Path, holder: Holder) -> None:
        self.holder = holder
        fix = READ_ONLY_HINT
        if not holder.here:
            fix += f" (if no aiwf runs on {holder.host} any more, delete {LOCK_NAME})"
        super().__init__(Problem(str(root), f"is already open in another aiwf ({holder.describe()})", fix))


def _hostname() -> str:
    return socket.gethostname() or "localhost"


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
            if os.stat(self.path).st_ino == os.fstat(fd).st_ino:
                os.unlink(self.path)
        except OSError:
            pass
        finally:
            os.close(fd)

    def __enter__(self) -> "Lock":
        return self

    def __exit__(self, *exc) -> None:
        self.release()


def _cannot_create(root: Path, exc: OSError) -> AiwfError:
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return AiwfError.at(
            root / LOCK_NAME,
            "cannot be created: the project folder is read-only",
            "open it with --read-only, or make the project folder writable",
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
            fd = os.open(path, os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), 0o644)
        except OSError as exc:
            raise _cannot_create(root, exc) from None
        keep = False
        try:
            got = _flock(fd, fcntl.LOCK_EX if fcntl else 0)
            current = _read_holder(fd)
            if got is False:
                raise LockedError(root, current or Holder(None, ""))
            try:
                same_file = os.stat(path).st_ino == os.fstat(fd).st_ino
            except FileNotFoundError:
                same_file = False
            if not same_file:
                continue  # released (unlinked) while we opened it: try again on the new file
            if current is not None and current.pid != os.getpid():
                if not current.here:
                    raise LockedError(root, current)
                if got is None and current.pid is not None and pid_alive(current.pid):
                    raise LockedError(root, current)
                # Otherwise stale: no process holds the flock (or the pid is gone): take it over.
            since = datetime.now(timezone.utc).astimezone().isoformat(timespec="seconds")
            text = f"pid={os.getpid()}\nhost={_hostname()}\nsince={since}\n".encode()
            os.ftruncate(fd, 0)
            os.pwrite(fd, text, 0)
            keep = True
            return Lock(root, path, fd, got is True)
        except OSError as exc:
            raise _cannot_create(root, exc) from None
        finally:
            if not keep:
                os.close(fd)
    raise AiwfError.at(path, "could not be taken (it keeps changing)", "try again in a moment")


def holder(root: str | Path) -> Holder | None:
    """The live holder of the project's lock, or None when it is free (or stale)."""
    path = Path(root).absolute() / LOCK_NAME
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
    except OSError:
        return None
    try:
        current = _read_holder(fd)
        got = _flock(fd, fcntl.LOCK_SH if fcntl else 0)
        if got is False:
            return current or Holder(None, "")
        if current is None:
            return None
        if not current.here:
            return current
        if got is None and current.pid is not None and pid_alive(current.pid):
            return current
        return None
    finally:
        os.close(fd)


def release(lock: Lock | None) -> None:
    """Release `lock` (None is fine)."""
    if lock is not None:
        lock.release()
