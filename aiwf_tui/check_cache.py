"""Results of outside tools, remembered in the user cache folder (never in the project).

A result is stored under a SHA-256 of everything it depends on (the files' bytes, the
tool's binary and version, the command line), so any change to any of them is a miss
and an unchanged project is answered without running anything. The folder is
`platformdirs.user_cache_path("aiwf") / "checks"` (`$XDG_CACHE_HOME/aiwf/checks` on
Linux). A cache that cannot be read or written is simply not used.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any

FORMAT = 1
MAX_ENTRIES = 512  # results are a few kB; beyond this the oldest go


def default_folder() -> Path:
    from platformdirs import user_cache_path

    return user_cache_path("aiwf", appauthor=False) / "checks"


def digest(*parts: object) -> str:
    """A stable SHA-256 of JSON-able parts."""
    blob = json.dumps([FORMAT, *parts], sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def folder_digest(folder: Path) -> dict[str, str]:
    """name -> SHA-256 of every regular file directly in `folder` (what the tools read)."""
    found = {}
    for path in sorted(folder.iterdir()):
        if path.is_file():
            found[path.name] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


class CheckCache:
    """`get(key)` / `put(key, value)` where key is any JSON-able tuple and value a dict."""

    def __init__(self, folder: Path | None = None) -> None:
        self.folder = Path(folder) if folder is not None else default_folder()

    def _path(self, key: tuple[object, ...]) -> Path:
        return self.folder / f"{digest(*key)}.json"

    def get(self, key: tuple[object, ...]) -> dict[str, Any] | None:
        try:
            value = json.loads(self._path(key).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return value if isinstance(value, dict) else None

    def put(self, key: tuple[object, ...], value: dict[str, Any]) -> None:
        """Store `value` (temp file + rename: a reader sees the old entry or the new one).

        Not through `files.write_all`: that is the project writer (links, newlines, fsync), and
        importing it pulls in the whole model; a lost cache entry only costs one more run."""
        import tempfile

        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            fd, temp = tempfile.mkstemp(prefix=".tmp-", suffix=".json", dir=self.folder)
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as handle:
                    json.dump(value, handle)
                os.replace(temp, self._path(key))
            except BaseException:
                os.unlink(temp)
                raise
            self._prune()
        except OSError:
            pass

    def _prune(self) -> None:
        entries = [e for e in os.scandir(self.folder) if e.name.endswith(".json")]
        if len(entries) <= MAX_ENTRIES:
            return
        entries.sort(key=lambda e: e.stat().st_mtime_ns)
        for entry in entries[: len(entries) - MAX_ENTRIES]:
            try:
                os.unlink(entry.path)
            except OSError:
                pass
