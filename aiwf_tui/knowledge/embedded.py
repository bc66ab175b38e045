"""The embedded knowledge base shipped with the package (``data/*.json``).

Same result shape as the server (``{"results": [...], "metadata": {...}}``), original text
written for aiwf-tui. It answers every Phase 5 query, so the app works fully offline.
Lookups are more forgiving than the server's exact tag match: tags match case-insensitively,
and a topic without a tag falls back to a keyword search.
"""

from __future__ import annotations

import functools
import json
import re
from importlib import resources

from aiwf_tui.knowledge.models import ENDPOINT_KIND, ItemKind, KnowledgeItem, item_from_raw

__all__ = ["EMBEDDED_SOURCE", "all_items", "lookup", "search"]

EMBEDDED_SOURCE = "aiwf embedded knowledge base"

_FILES: dict[ItemKind, str] = {"methodology": "methodologies.json", "warning": "warnings.json"}


@functools.cache
def _items(kind: ItemKind) -> tuple[KnowledgeItem, ...]:
    text = resources.files("aiwf_tui.knowledge").joinpath("data", _FILES[kind]).read_text("utf-8")
    raw = json.loads(text)["results"]
    items = (item_from_raw(r, kind=kind, origin="embedded", index=i) for i, r in enumerate(raw))
    return tuple(item for item in items if item is not None)


def all_items(kind: ItemKind | None = None) -> list[KnowledgeItem]:
    """Every embedded item, or every item of one kind."""
    kinds: tuple[ItemKind, ...] = (kind,) if kind else ("methodology", "warning")
    return [item for k in kinds for item in _items(k)]


def lookup(endpoint: str, topic: str, limit: int = 10) -> list[KnowledgeItem]:
    """Embedded answer to ``get_methodologies`` / ``get_warnings`` (or ``search_knowledge``)."""
    if endpoint == "search_knowledge":
        return search(topic, limit)
    kind = ENDPOINT_KIND.get(endpoint, "methodology")
    wanted = topic.strip().casefold()
    tagged = [i for i in _items(kind) if wanted in (t.casefold() for t in i.topics)]
    if tagged:
        return tagged[:limit]
    return search(topic, limit, kind=kind)


_WORD = re.compile(r"[a-z0-9]+")


def _words(text: str) -> set[str]:
    return {w for w in _WORD.findall(text.casefold()) if len(w) > 1}


def search(query: str, limit: int = 10, *, kind: ItemKind | None = None) -> list[KnowledgeItem]:
    """Keyword search: items ranked by query words found in tags, title, then body text."""
    words = _words(query)
    if not words:
        return []
    scored: list[tuple[int, int, KnowledgeItem]] = []
    for order, item in enumerate(all_items(kind)):
        tags = _words(" ".join(item.topics))
        title = _words(item.title)
        body = _words(" ".join([item.summary, item.prevention, *item.steps, *item.symptoms, *item.consequences]))
        score = sum(3 * (w in tags) + 3 * (w in title) + (w in body) for w in words)
        if score:
            scored.append((-score, order, item))
    scored.sort(key=lambda entry: entry[:2])
    return [item for _, _, item in scored[:limit]]
