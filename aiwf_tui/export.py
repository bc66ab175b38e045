"""Export a project folder: an archive with a SHA-256 manifest, or just its Prometheus files.

Pure logic (no Textual): `aiwf export` and the app's [E] screen both call it.

- `plan_export(root)`: the files that go in, sorted by their path in the project. Autosave
  temp files (`TEMP_PREFIX*`), lock files (`.aiwf.lock`) and a stale top-level
  `MANIFEST.sha256` stay out. A symbolic link is followed only when it leads to a file inside
  the project (it is archived as that file's content); a link to a folder inside the project
  is not followed (the folder is archived where it really is); a link that leads outside the
  project, or nowhere, is refused with an `AiwfError`.
- `write_archive(root, out, force=False)`: `.tar.gz`/`.tgz` or `.zip` by `out`'s extension,
  every entry under `<project folder name>/`, plus `<name>/MANIFEST.sha256` (sha256sum format,
  paths relative to the project folder, so `cd <name> && sha256sum -c MANIFEST.sha256`
  checks it). Written to a temp file next to `out`, synced, then renamed; an existing `out`
  is never replaced without `force`. When `out` lies inside the project it is left out of
  the archive.
- `export_prometheus(root, out_dir, force=False)`: copy `phase-5-operations/prometheus/*.yml`.
"""

from __future__ import annotations

import errno
import hashlib
import io
import os
import stat
import tarfile
import tempfile
import time
import zipfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import BinaryIO

from aiwf_tui.errors import AiwfError, Problem
from aiwf_tui.files import fsync_dir
from aiwf_tui.layout import DASHBOARD_FILE, LOCK_NAME, PROMETHEUS_DIR, PROMETHEUS_RULE_FILE, TEMP_PREFIX

#: The manifest's name inside the archive (next to sidecar.yaml).
MANIFEST_NAME = "MANIFEST.sha256"
#: Archive formats by file extension.
ARCHIVE_SUFFIXES = {".tar.gz": "tar", ".tgz": "tar", ".zip": "zip"}

_CHUNK = 1024 * 1024
_ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)


def archive_format(out: str | Path) -> str:
    """'tar' or 'zip' from the file name, or an AiwfError naming the accepted extensions."""
    name = Path(out).name.lower()
    for suffix, kind in ARCHIVE_SUFFIXES.items():
        if name.endswith(suffix) and len(name) > len(suffix):
            return kind
    raise AiwfError.at(out, "has no archive extension", "name it .tar.gz, .tgz or .zip")


def default_archive_path(root: str | Path, today: str | date | None = None) -> Path:
    """`<project_dir>/../<name>-phase5-<YYYYMMDD>.tar.gz` (beside the project, never in it)."""
    root = Path(root).absolute()
    if today is None:
        today = date.today()
    stamp = today.isoformat() if isinstance(today, date) else str(today)
    return root.parent / f"{root.name}-phase5-{stamp.replace('-', '')}.tar.gz"


def _is_excluded(name: str) -> bool:
    return name.startswith(TEMP_PREFIX) or name == LOCK_NAME


def _check_root(root: Path) -> Path:
    if not root.exists():
        raise AiwfError.at(root, "does not exist", "pass the path of a project folder")
    if not root.is_dir():
        raise AiwfError.at(root, "is not a folder", "pass the project folder, not a file inside it")
    return root


def plan_export(root: str | Path, *, exclude: tuple[Path, ...] = ()) -> list[Path]:
    """Every file that goes into the archive (absolute paths under `root`), sorted by relative path.

    `exclude` lists more paths to leave out (the archive itself when it is written inside the
    project). Raises `AiwfError` (one problem per link) for symbolic links that lead outside
    the project or to nothing.
    """
    root = _check_root(Path(root).absolute())
    real_root = root.resolve()
    excluded = {Path(p).absolute().resolve() for p in exclude}
    files: list[tuple[str, Path]] = []
    problems: list[Problem] = []

    def walk_error(exc: OSError) -> None:
        shown = os.path.relpath(exc.filename, root) if exc.filename else str(root)
        problems.append(Problem(shown, f"cannot be read ({exc.strerror or exc})", "fix its permissions (chmod u+rx)"))

    for folder, dirs, names in os.walk(root, onerror=walk_error, followlinks=False):
        base = Path(folder)
        kept_dirs = []
        for name in sorted(dirs):
            path = base / name
            if _is_excluded(name):
                continue
            if path.is_symlink():
                problem = _link_problem(path, root, real_root)
                if problem is not None:
                    problems.append(problem)
                continue  # a link to a folder inside the project: that folder is archived where it is
            kept_dirs.append(name)
        dirs[:] = kept_dirs
        for name in names:
            path = base / name
            rel = path.relative_to(root).as_posix()
            if _is_excluded(name) or (rel == MANIFEST_NAME):
                continue
            if path.is_symlink():
                problem = _link_problem(path, root, real_root)
                if problem is not None:
                    problems.append(problem)
                    continue
                if path.resolve().is_dir():
                    continue
            if path.resolve() in excluded:
                continue
            try:
                mode = path.stat().st_mode
            except OSError as exc:
                problems.append(Problem(rel, f"cannot be read ({exc.strerror or exc})", "check the file"))
                continue
            if not stat.S_ISREG(mode):
                continue  # sockets, pipes, devices: not project content
            files.append((rel, path))
    if problems:
        raise AiwfError(*problems)
    files.sort(key=lambda item: item[0])
    return [path for _, path in files]


def _link_problem(path: Path, root: Path, real_root: Path) -> Problem | None:
    rel = path.relative_to(root).as_posix()
    try:
        target = path.resolve(strict=False)
    except (OSError, RuntimeError):
        return Problem(rel, "is a symbolic link that loops", "replace the link with the file itself")
    if not target.is_relative_to(real_root):
        return Problem(
            rel,
            f"is a symbolic link that leads outside the project ({os.readlink(path)})",
            "replace the link with the file itself, or remove it; nothing was exported",
        )
    if not target.exists():
        return Problem(
            rel,
            f"is a symbolic link to nothing ({os.readlink(path)})",
            "remove the link or restore its target; nothing was exported",
        )
    return None


def _escape_name(rel: str) -> tuple[str, str]:
    """sha256sum's escaping of names holding a backslash or a newline."""
    if "\\" in rel or "\n" in rel or "\r" in rel:
        return "\\", rel.replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r")
    return "", rel


def manifest_line(digest: str, rel: str) -> str:
    prefix, name = _escape_name(rel)
    return f"{prefix}{digest}  {name}\n"


def _rel(root: Path, path: Path) -> str:
    return Path(path).absolute().relative_to(root).as_posix()


def manifest(root: str | Path, files: list[Path]) -> str:
    """`sha256sum` output for `files`, paths relative to `root`, in the given order."""
    root = Path(root).absolute()
    lines = []
    for path in files:
        digest = hashlib.sha256()
        with _open(path, root) as handle:
            for chunk in iter(lambda: handle.read(_CHUNK), b""):
                digest.update(chunk)
        lines.append(manifest_line(digest.hexdigest(), _rel(root, path)))
    return "".join(lines)


def _open(path: Path, root: Path) -> BinaryIO:
    try:
        return open(path, "rb")
    except OSError as exc:
        raise AiwfError.at(
            _rel(root, path),
            f"cannot be read ({exc.strerror or exc})",
            "fix its permissions (chmod u+r); nothing was exported",
        ) from None


class _HashingReader:
    """Reads a file for tarfile while hashing exactly the bytes archived."""

    def __init__(self, handle: BinaryIO, digest: hashlib._Hash) -> None:
        self.handle = handle
        self.digest = digest

    def read(self, size: int = -1) -> bytes:
        data: bytes = self.handle.read(size)
        self.digest.update(data)
        return data


@dataclass
class ExportResult:
    """What `write_archive` wrote (the CLI and the app report it)."""

    path: Path
    files: list[Path]
    size: int
    manifest_sha256: str = ""  # sha256 of the MANIFEST.sha256 inside: one digest for the whole content


def write_archive(root: str | Path, out: str | Path, force: bool = False) -> Path:
    """Write the project as a `.tar.gz`/`.tgz`/`.zip` archive at `out` (atomically); return its path."""
    return export_archive(root, out, force).path


def export_archive(root: str | Path, out: str | Path, force: bool = False) -> ExportResult:
    """`write_archive`, also returning the files archived and the archive's size."""
    root = _check_root(Path(root).absolute())
    out = Path(out).expanduser().absolute()
    kind = archive_format(out)
    if out.is_dir():
        raise AiwfError.at(out, "is a folder", "pass the archive's file name, e.g. -o backup.tar.gz")
    if out.exists() and not force:
        raise AiwfError.at(out, "already exists", "pass --force to overwrite it, or choose another name")
    files = plan_export(root, exclude=(out,))
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        fd, temp_name = tempfile.mkstemp(prefix=TEMP_PREFIX + out.name + ".", dir=out.parent)
    except OSError as exc:
        raise _write_error(exc, out) from None
    temp = Path(temp_name)
    try:
        with os.fdopen(fd, "wb") as handle:
            if kind == "tar":
                manifest = _write_tar(handle, root, files)
            else:
                manifest = _write_zip(handle, root, files)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp, archive_mode(files))
        _place(temp, out, force)
    except BaseException as exc:
        try:
            temp.unlink()
        except OSError:
            pass
        if isinstance(exc, OSError) and not isinstance(exc, FileExistsError):
            raise _write_error(exc, out) from None
        if isinstance(exc, FileExistsError):
            raise AiwfError.at(out, "already exists", "pass --force to overwrite it, or choose another name") from None
        raise
    fsync_dir(out.parent)
    return ExportResult(out, files, out.stat().st_size, hashlib.sha256(manifest).hexdigest())


def archive_mode(files: list[Path]) -> int:
    """0644, or 0600 when any file archived is private (the archive must not expose it)."""
    for path in files:
        try:
            if not os.stat(path).st_mode & stat.S_IROTH:
                return 0o600
        except OSError:
            return 0o600
    return 0o644


def _place(temp: Path, out: Path, force: bool) -> None:
    """Rename the finished temp file to `out`; without `force`, never over an existing file."""
    if force:
        os.replace(temp, out)
        return
    try:
        os.link(temp, out)  # fails if `out` appeared meanwhile
    except FileExistsError:
        raise
    except OSError:  # no hard links here (some network and FAT file systems)
        if out.exists():
            raise FileExistsError(errno.EEXIST, "exists", str(out)) from None
        os.replace(temp, out)
        return
    temp.unlink()


def _write_error(exc: OSError, out: Path) -> AiwfError:
    if exc.errno == errno.ENOSPC:
        return AiwfError.at(out, "could not be written: the disk is full", "free some space or export elsewhere")
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return AiwfError.at(out, "could not be written: permission denied", "export to a folder you can write")
    return AiwfError.at(out, f"could not be written ({exc.strerror or exc})", "check the disk and the path")


def _write_tar(handle: BinaryIO, root: Path, files: list[Path]) -> bytes:
    """Write the archive; returns the MANIFEST.sha256 it holds."""
    lines = []
    with tarfile.open(fileobj=handle, mode="w:gz", format=tarfile.PAX_FORMAT) as tar:
        for path in files:
            rel = _rel(root, path)
            with _open(path, root) as source:
                st = os.fstat(source.fileno())
                info = tarfile.TarInfo(f"{root.name}/{rel}")
                info.size = st.st_size
                info.mtime = int(st.st_mtime)
                info.mode = stat.S_IMODE(st.st_mode)  # a 0600 file stays 0600 when unpacked
                digest = hashlib.sha256()
                try:
                    tar.addfile(info, _HashingReader(source, digest))
                except OSError as exc:
                    raise AiwfError.at(
                        rel,
                        f"changed while it was being archived ({exc})",
                        "export again once nothing is writing to the project",
                    ) from None
            lines.append(manifest_line(digest.hexdigest(), rel))
        data = "".join(lines).encode("utf-8")
        info = tarfile.TarInfo(f"{root.name}/{MANIFEST_NAME}")
        info.size = len(data)
        info.mtime = int(time.time())
        info.mode = 0o644
        tar.addfile(info, io.BytesIO(data))
    return data


def _zip_time(mtime: float) -> tuple[int, int, int, int, int, int]:
    stamp = time.localtime(mtime)[:6]
    return stamp if stamp[0] >= 1980 else _ZIP_EPOCH


def _write_zip(handle: BinaryIO, root: Path, files: list[Path]) -> bytes:
    """Write the archive; returns the MANIFEST.sha256 it holds."""
    lines = []
    with zipfile.ZipFile(handle, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for path in files:
            rel = _rel(root, path)
            with _open(path, root) as source:
                st = os.fstat(source.fileno())
                info = zipfile.ZipInfo(f"{root.name}/{rel}", date_time=_zip_time(st.st_mtime))
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = (stat.S_IFREG | stat.S_IMODE(st.st_mode)) << 16
                digest = hashlib.sha256()
                with archive.open(info, "w", force_zip64=st.st_size > zipfile.ZIP64_LIMIT // 2) as target:
                    for chunk in iter(lambda: source.read(_CHUNK), b""):
                        digest.update(chunk)
                        target.write(chunk)
            lines.append(manifest_line(digest.hexdigest(), rel))
        info = zipfile.ZipInfo(f"{root.name}/{MANIFEST_NAME}", date_time=_zip_time(time.time()))
        info.compress_type = zipfile.ZIP_DEFLATED
        info.external_attr = (stat.S_IFREG | 0o644) << 16
        data = "".join(lines).encode("utf-8")
        archive.writestr(info, data)
    return data


# -- Prometheus files for a monitoring repository -------------------------------------------------
def prometheus_files(root: str | Path) -> list[Path]:
    """`phase-5-operations/prometheus/*.yml`, sorted; AiwfError when there are none."""
    root = _check_root(Path(root).absolute())
    folder = root / PROMETHEUS_DIR
    found = (
        sorted(p for p in folder.glob("*.yml") if p.is_file() and not _is_excluded(p.name)) if folder.is_dir() else []
    )
    if not found:
        raise AiwfError.at(
            PROMETHEUS_DIR,
            "has no Prometheus files (*.yml)",
            "run aiwf render first (it writes the rules, their tests and the Alertmanager config)",
        )
    return found


def export_prometheus(root: str | Path, out_dir: str | Path, force: bool = False) -> list[Path]:
    """Copy the Prometheus rule, test and Alertmanager files into `out_dir`; return the paths written.

    All or nothing: if any target exists with other content and `force` is false, nothing is
    copied. Files already identical are left untouched (and still returned).
    """
    return copy_files(root, prometheus_files(root), out_dir, force)


#: What `aiwf export --format F` copies besides the Prometheus files: format -> (file, what it is,
#: what writes it).
SINGLE_FILE_FORMATS: dict[str, tuple[str, str]] = {
    "grafana": (DASHBOARD_FILE, "the Grafana dashboard"),
    "prometheus-operator": (PROMETHEUS_RULE_FILE, "the PrometheusRule resource"),
}


def format_files(root: str | Path, fmt: str) -> list[Path]:
    """The files `--format fmt` copies; AiwfError when aiwf render has not written them."""
    if fmt == "prometheus":
        return prometheus_files(root)
    root = _check_root(Path(root).absolute())
    rel, what = SINGLE_FILE_FORMATS[fmt]
    path = root / rel
    if not path.is_file():
        raise AiwfError.at(rel, f"is missing ({what})", "run aiwf render first (it writes it)")
    return [path]


def export_format(root: str | Path, fmt: str, out_dir: str | Path, force: bool = False) -> list[Path]:
    """Copy just the files of `fmt` (prometheus, grafana, prometheus-operator) into `out_dir`."""
    return copy_files(root, format_files(root, fmt), out_dir, force)


def copy_files(root: str | Path, sources: list[Path], out_dir: str | Path, force: bool = False) -> list[Path]:
    """Copy `sources` (files of the project) into `out_dir` by name, all or nothing."""
    from aiwf_tui.files import write_all
    from aiwf_tui.model.textfile import read_text

    root = Path(root).absolute()
    out_dir = Path(out_dir).expanduser().absolute()
    if out_dir.exists() and not out_dir.is_dir():
        raise AiwfError.at(out_dir, "is a file, not a folder", "pass the folder to copy the files into")
    if any(out_dir.resolve() == src.parent.resolve() for src in sources):
        raise AiwfError.at(out_dir, "is where the files already are", "pass another folder")
    texts = {out_dir / src.name: read_text(src, root) for src in sources}
    clashes = [
        p for p, text in texts.items() if p.exists() and not (p.is_file() and p.read_bytes() == text.encode("utf-8"))
    ]
    if clashes and not force:
        raise AiwfError(
            *(
                Problem(str(p), "already exists with other content", "pass --force to overwrite; nothing was copied")
                for p in clashes
            )
        )
    write_all(texts)
    return list(texts)


__all__ = [
    "ARCHIVE_SUFFIXES",
    "MANIFEST_NAME",
    "SINGLE_FILE_FORMATS",
    "ExportResult",
    "archive_format",
    "copy_files",
    "default_archive_path",
    "export_archive",
    "export_format",
    "export_prometheus",
    "format_files",
    "manifest",
    "manifest_line",
    "plan_export",
    "prometheus_files",
    "write_archive",
]
