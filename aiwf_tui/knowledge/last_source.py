"""Which knowledge source answered last, and why, for `aiwf config show`.

The app and `aiwf knowledge` each record their last answer (live from a server, or the
embedded knowledge base and the reason) in a small JSON file in the user state folder
(`platformdirs.user_state_path("aiwf")`, `~/.local/state/aiwf` on Linux; tests point
XDG_STATE_HOME elsewhere). Recording is best effort: a folder that cannot be written never
gets in the way of a query. No Textual or Rich imports.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

STATE_NAME = "knowledge-source.json"


@dataclass(frozen=True)
class LastSource:
    """The last knowledge answer: when, by which command, its status and its one-line explanation."""

    at: str  # ISO 8601, UTC
    command: str  # "aiwf (app)" or "aiwf knowledge"
    status: str  # live | embedded | failed
    server: str  # display form of the server URL ("" when none was configured)
    line: str  # the status line the user saw, e.g. "Knowledge: embedded — server failed: connection refused"
    configured: str = ""  # the URL as configured, when aiwf used another (an /mcp URL's REST base)
    note: str = ""  # why it used another URL


def state_path() -> Path:
    """Where the last answer is kept (it need not exist)."""
    import platformdirs

    return platformdirs.user_state_path("aiwf", appauthor=False) / STATE_NAME


def remember(
    command: str,
    status: str,
    server: str,
    line: str,
    *,
    configured: str = "",
    note: str = "",
    now: datetime | None = None,
) -> None:
    """Record the answer just shown; never raises."""
    from aiwf_tui.errors import AiwfError
    from aiwf_tui.files import atomic_write

    stamp = (now or datetime.now(UTC)).isoformat(timespec="seconds")
    record = LastSource(stamp, command, status, server, line, configured, note)
    path = state_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(path, json.dumps(asdict(record), indent=2) + "\n", root=path.parent)
    except (OSError, AiwfError):
        pass


def last() -> LastSource | None:
    """The last answer recorded, or None (never recorded, or the file is unreadable)."""
    try:
        data = json.loads(state_path().read_text(encoding="utf-8"))
        return LastSource(**{key: str(data[key]) for key in LastSource.__dataclass_fields__ if key in data})
    except (OSError, ValueError, TypeError):
        return None
