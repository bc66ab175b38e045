"""Knowledge items as the app sees them, whatever their origin (server or embedded).

Items are normalised on the way in: text is cleaned with ``clean_text`` (no escape sequences,
bounded length), ``null`` lists become empty lists, and ``degraded`` records that the server
returned the item without its content (its enrichment failed: empty ``steps``, null fields,
source "Unknown").
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from aiwf_tui.safetext import clean_text

__all__ = [
    "ENDPOINT_KIND",
    "Endpoint",
    "ItemKind",
    "KnowledgeItem",
    "KnowledgeRef",
    "Origin",
    "item_from_raw",
    "knowledge_ref",
    "slugify",
]

Endpoint = Literal["get_methodologies", "get_warnings", "search_knowledge"]
ItemKind = Literal["methodology", "warning"]
Origin = Literal["server", "embedded"]

#: The kind of item each endpoint returns (search hits are shown as methodologies unless they
#: look like warnings).
ENDPOINT_KIND: dict[str, ItemKind] = {
    "get_methodologies": "methodology",
    "get_warnings": "warning",
    "search_knowledge": "methodology",
}

#: A citation of a knowledge query, as decisions record it: ``get_methodologies:drift-detection``.
KnowledgeRef = Annotated[str, StringConstraints(pattern=r"^[a-z_]+:[a-z0-9]+(?:-[a-z0-9]+)*$", max_length=200)]

# Length bounds for text shown in the app (server text is untrusted and may be huge).
MAX_TITLE = 200
MAX_TEXT = 2000
MAX_LINE = 1000
MAX_LIST = 30
MAX_TOPICS = 20
MAX_ID = 100
UNKNOWN_SOURCE = "Unknown source"


def slugify(topic: str) -> str:
    """``"MLOps monitoring"`` -> ``"mlops-monitoring"`` (lower case, runs of other chars -> "-")."""
    return re.sub(r"[^a-z0-9]+", "-", topic.lower()).strip("-")


def knowledge_ref(endpoint: str, topic: str) -> str:
    """The citation string for a query: ``knowledge_ref("get_methodologies", "drift detection")``
    is ``"get_methodologies:drift-detection"``."""
    return f"{endpoint}:{slugify(topic)}"


class KnowledgeItem(BaseModel):
    """One methodology or warning, with where it came from.

    ``summary`` holds a warning's description (``description`` is an alias property) or a
    methodology's one-paragraph summary when the source has one. Lists are never None.
    """

    model_config = ConfigDict(frozen=True)

    kind: ItemKind
    id: str
    title: str
    summary: str = ""
    steps: list[str] = Field(default_factory=list)
    prerequisites: list[str] = Field(default_factory=list)
    outputs: list[str] = Field(default_factory=list)
    symptoms: list[str] = Field(default_factory=list)
    consequences: list[str] = Field(default_factory=list)
    prevention: str = ""
    topics: list[str] = Field(default_factory=list)
    source_title: str
    origin: Origin
    degraded: bool = False

    @property
    def description(self) -> str:
        """A warning's description (same as ``summary``)."""
        return self.summary

    @property
    def origin_label(self) -> str:
        """``"server"`` or ``"embedded"``, for display next to the source title."""
        return self.origin

    @property
    def attribution(self) -> str:
        """One line saying where the item came from, e.g. ``server · LLMs in Production``."""
        return f"{self.origin} · {self.source_title}"


def _text(value: Any, max_len: int) -> str:
    if value is None or isinstance(value, (dict, list)):
        return ""
    return clean_text(value, max_len).strip()


def _one_line(value: Any, max_len: int) -> str:
    """Cleaned text on one line (titles, source names): runs of whitespace become one space."""
    return clean_text(" ".join(_text(value, max_len * 4).split()), max_len)


def _lines(value: Any, max_len: int = MAX_LINE, max_items: int = MAX_LIST) -> list[str]:
    """A list of cleaned strings; a single string becomes a one-item list; None -> []."""
    if value is None:
        return []
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        return []
    out: list[str] = []
    for entry in value[:max_items]:
        text = _text(entry, max_len)
        if text:
            out.append(text)
    return out


def item_from_raw(raw: Any, *, kind: ItemKind, origin: Origin, index: int = 0) -> KnowledgeItem | None:
    """Build a KnowledgeItem from one entry of a ``results`` list, or None if it is unusable.

    Accepts the methodology shape (``name``, ``steps``, ``prerequisites``, ``outputs``), the
    warning shape (``title``, ``description``, ``symptoms``, ``consequences``, ``prevention``)
    and loose search hits (``title``/``name`` and ``content``/``text``/``summary``). Every
    string is cleaned and bounded; nothing here raises on odd input.
    """
    if not isinstance(raw, dict):
        return None
    # A search hit that has the warning shape is a warning whatever was asked.
    if (
        kind == "methodology"
        and "steps" not in raw
        and ("symptoms" in raw or "consequences" in raw or "prevention" in raw)
    ):
        kind = "warning"

    summary = ""
    for key in ("description", "summary", "content", "text"):
        summary = _text(raw.get(key), MAX_TEXT)
        if summary:
            break
    title = _one_line(raw.get("name"), MAX_TITLE) or _one_line(raw.get("title"), MAX_TITLE)
    if not title and summary:
        title = _one_line(summary.splitlines()[0], 80)
    if not title:
        return None

    source = _one_line(raw.get("source_title"), MAX_TITLE)
    steps = _lines(raw.get("steps"))
    prerequisites = _lines(raw.get("prerequisites"))
    outputs = _lines(raw.get("outputs"))
    symptoms = _lines(raw.get("symptoms"))
    consequences = _lines(raw.get("consequences"))
    prevention = _text(raw.get("prevention"), MAX_TEXT)

    if kind == "methodology":
        # Enrichment failure: steps empty and the detail fields null/absent.
        degraded = not steps and not summary
    else:
        degraded = not summary and not symptoms and not prevention
    if source.lower() in {"", "unknown"}:
        source = UNKNOWN_SOURCE

    item_id = _text(raw.get("id"), MAX_ID) or f"{slugify(title)[:60] or 'item'}-{index}"
    return KnowledgeItem(
        kind=kind,
        id=item_id,
        title=title,
        summary=summary,
        steps=steps,
        prerequisites=prerequisites,
        outputs=outputs,
        symptoms=symptoms,
        consequences=consequences,
        prevention=prevention,
        topics=_lines(raw.get("topics"), MAX_TITLE, MAX_TOPICS),
        source_title=source,
        origin=origin,
        degraded=degraded,
    )
