"""What the app and the CLI call: the Phase 5 knowledge queries with their fallbacks.

Fallback chain for one query (all within ``TOTAL_BUDGET`` seconds):

1. the endpoint itself (``get_methodologies`` / ``get_warnings``), one retry on 429/5xx;
2. if it answers with no results: ``search_knowledge`` with the topic as the query;
3. if that is empty too, or anything failed (refused, timed out, error status after the
   retry, unparseable answer): the embedded knowledge base.

With no URL configured no network call is made at all. Nothing here raises for server
problems; the outcome is in ``QueryResult.status`` / ``reason``.
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal
from urllib.parse import urlsplit, urlunsplit

from pydantic import BaseModel, ConfigDict, Field

from aiwf_tui.knowledge import embedded
from aiwf_tui.knowledge.client import (
    TOTAL_BUDGET,
    Deadline,
    KnowledgeClient,
    KnowledgeServerError,
)
from aiwf_tui.knowledge.models import (
    ENDPOINT_KIND,
    Endpoint,
    KnowledgeItem,
    Origin,
    item_from_raw,
    knowledge_ref,
)
from aiwf_tui.safetext import clean_text

if TYPE_CHECKING:
    import httpx

__all__ = [
    "DEFAULT_LIMIT",
    "ENDPOINTS",
    "PHASE5_QUERIES",
    "KnowledgeBundle",
    "Phase5Query",
    "QueryResult",
    "QueryStatus",
    "display_url",
    "load_phase5_knowledge",
    "query",
]

log = logging.getLogger(__name__)

DEFAULT_LIMIT = 10
MAX_LIMIT = 50
ENDPOINTS: tuple[Endpoint, ...] = ("get_methodologies", "get_warnings", "search_knowledge")

QueryStatus = Literal["live", "embedded", "failed"]
"""``live``: items from the server. ``embedded``: no server configured, or the server had no
results. ``failed``: the server failed and the items come from the embedded knowledge base."""


@dataclass(frozen=True)
class Phase5Query:
    """One of the workflow's fixed Phase 5 knowledge queries."""

    endpoint: Endpoint
    topic: str
    ref: str  # what decisions cite as knowledge_ref


_PHASE5_TOPICS: tuple[tuple[Endpoint, str], ...] = (
    ("get_methodologies", "drift detection"),
    ("get_methodologies", "MLOps monitoring"),
    ("get_methodologies", "data drift"),
    ("get_warnings", "production ML"),
)
PHASE5_QUERIES: tuple[Phase5Query, ...] = tuple(
    Phase5Query(endpoint, topic, knowledge_ref(endpoint, topic)) for endpoint, topic in _PHASE5_TOPICS
)
"""The four queries the workflow makes in Phase 5, with their ``knowledge_ref`` slugs:
``get_methodologies:drift-detection``, ``get_methodologies:mlops-monitoring``,
``get_methodologies:data-drift``, ``get_warnings:production-ml``."""


def display_url(url: str | None) -> str:
    """The URL for display: without user:password, query or fragment, cleaned and bounded."""
    if not url:
        return ""
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        if ":" in host:
            host = f"[{host}]"
        netloc = f"{host}:{parts.port}" if parts.port else host
        shown = urlunsplit((parts.scheme, netloc, parts.path, "", ""))
    except ValueError:
        shown = url.split("@")[-1] if "@" in url else url
    return clean_text(shown, 120).replace("\n", "")


class QueryResult(BaseModel):
    """The answer to one knowledge query, with its provenance."""

    model_config = ConfigDict(frozen=True)

    endpoint: Endpoint
    topic: str
    ref: str
    items: list[KnowledgeItem] = Field(default_factory=list)
    origin: Origin
    status: QueryStatus
    reason: str = ""
    via: str = ""  # endpoint that produced the items, or "embedded"
    server: str = ""  # display form of the server URL, "" when none configured
    elapsed_ms: int = 0

    @property
    def degraded_count(self) -> int:
        """How many items the server returned without their content."""
        return sum(item.degraded for item in self.items)

    def status_line(self) -> str:
        """One line for the user, e.g. ``Knowledge: live (http://kb:8000)``."""
        if self.status == "live":
            via = f" via {self.via}" if self.via and self.via != self.endpoint else ""
            return f"Knowledge: live{via} ({self.server})"
        if self.status == "failed":
            return f"Knowledge: embedded — server failed: {self.reason}"
        if not self.server:
            return "Knowledge: embedded (no server configured)"
        return f"Knowledge: embedded — {self.reason} ({self.server})"


class KnowledgeBundle(BaseModel):
    """The results of all Phase 5 queries, in ``PHASE5_QUERIES`` order."""

    model_config = ConfigDict(frozen=True)

    server: str = ""
    results: list[QueryResult] = Field(default_factory=list)

    def get(self, ref: str) -> QueryResult | None:
        """The result for a ``knowledge_ref`` such as ``get_methodologies:drift-detection``."""
        return next((r for r in self.results if r.ref == ref), None)

    def items_for(self, ref: str) -> list[KnowledgeItem]:
        """Items for a ``knowledge_ref`` (empty list when unknown)."""
        result = self.get(ref)
        return list(result.items) if result else []

    @property
    def status(self) -> QueryStatus:
        """``live`` if any result is live, else ``failed`` if any failed, else ``embedded``."""
        statuses = {r.status for r in self.results}
        if "live" in statuses:
            return "live"
        return "failed" if "failed" in statuses else "embedded"

    def status_line(self) -> str:
        """One line summarising where the knowledge came from."""
        if not self.server:
            return "Knowledge: embedded (no server configured)"
        live = [r for r in self.results if r.status == "live"]
        failed = [r for r in self.results if r.status == "failed"]
        fallback = [r for r in self.results if r.status != "live"]
        if not fallback:
            return f"Knowledge: live ({self.server})"
        if not live:
            if failed:
                return f"Knowledge: embedded — server failed: {failed[0].reason}"
            return f"Knowledge: embedded — server had no results ({self.server})"
        why = f"server failed: {failed[0].reason}" if failed else "no server results"
        return f"Knowledge: live ({self.server}) — {len(fallback)} of {len(self.results)} topics from embedded ({why})"


def _server_items(results: list[object], endpoint: str, limit: int) -> list[KnowledgeItem]:
    kind = ENDPOINT_KIND[endpoint]
    items = []
    for index, raw in enumerate(results[:limit]):
        item = item_from_raw(raw, kind=kind, origin="server", index=index)
        if item is not None:
            items.append(item)
    return items


async def _run_query(
    client: KnowledgeClient | None,
    endpoint: Endpoint,
    topic: str,
    *,
    limit: int,
    server: str,
    budget: float,
) -> QueryResult:
    started = time.monotonic()
    ref = knowledge_ref(endpoint, topic)

    def done(items: list[KnowledgeItem], origin: Origin, status: QueryStatus, reason: str, via: str) -> QueryResult:
        return QueryResult(
            endpoint=endpoint,
            topic=topic,
            ref=ref,
            items=items,
            origin=origin,
            status=status,
            reason=reason,
            via=via,
            server=server,
            elapsed_ms=round((time.monotonic() - started) * 1000),
        )

    def fallback(status: QueryStatus, reason: str) -> QueryResult:
        return done(embedded.lookup(endpoint, topic, limit), "embedded", status, reason, "embedded")

    if client is None:
        return fallback("embedded", "no server configured")

    deadline = Deadline(budget)
    shown_topic = clean_text(topic, 60).replace("\n", " ")
    try:
        if endpoint == "search_knowledge":
            answer = await client.call(endpoint, query=topic, limit=limit, deadline=deadline)
        else:
            answer = await client.call(endpoint, topic=topic, limit=limit, deadline=deadline)
        items = _server_items(answer.results, endpoint, limit)
        if items:
            return done(items, "server", "live", "", endpoint)
        if endpoint == "search_knowledge":
            return fallback("embedded", f"server had no results for '{shown_topic}'")
        # The server's topic filter is an exact tag match: ask its search instead.
        try:
            answer = await client.call("search_knowledge", query=topic, limit=limit, deadline=deadline)
        except KnowledgeServerError as exc:
            return fallback("failed", f"no results for '{shown_topic}', then search failed: {exc.reason}")
        items = _server_items(answer.results, "search_knowledge", limit)
        if items:
            kind = ENDPOINT_KIND[endpoint]
            # Search hits answer the original question: show them as its kind unless they
            # are clearly the other shape.
            items = [
                i if i.kind == kind or i.steps or i.symptoms else i.model_copy(update={"kind": kind}) for i in items
            ]
            return done(items, "server", "live", "", "search_knowledge")
        return fallback("embedded", f"server had no results for '{shown_topic}'")
    except KnowledgeServerError as exc:
        log.info("knowledge %s %r: %s; using embedded", endpoint, topic, exc.reason)
        return fallback("failed", exc.reason)
    except Exception as exc:  # never let a server answer crash a screen or a command
        log.warning("knowledge %s %r: unexpected %s; using embedded", endpoint, topic, type(exc).__name__)
        return fallback("failed", f"unexpected error ({type(exc).__name__})")


def _client(url: str, api_key: str | None, transport: httpx.AsyncBaseTransport | None) -> KnowledgeClient:
    return KnowledgeClient(url, api_key, transport=transport)


async def query(
    endpoint: Endpoint,
    topic: str,
    *,
    url: str | None,
    api_key: str | None = None,
    limit: int = DEFAULT_LIMIT,
    transport: httpx.AsyncBaseTransport | None = None,
    budget: float = TOTAL_BUDGET,
) -> QueryResult:
    """Run one query (``topic`` is the search text for ``search_knowledge``) with fallbacks.

    Never raises for server problems and returns within about ``budget`` seconds.
    """
    if endpoint not in ENDPOINTS:
        raise ValueError(f"unknown endpoint {endpoint!r}")
    limit = max(1, min(int(limit), MAX_LIMIT))
    if not url:
        return await _run_query(None, endpoint, topic, limit=limit, server="", budget=budget)
    async with _client(url, api_key, transport) as client:
        return await _run_query(client, endpoint, topic, limit=limit, server=display_url(url), budget=budget)


async def load_phase5_knowledge(
    url: str | None,
    api_key: str | None = None,
    *,
    transport: httpx.AsyncBaseTransport | None = None,
    limit: int = DEFAULT_LIMIT,
    budget: float = TOTAL_BUDGET,
) -> KnowledgeBundle:
    """Run the four ``PHASE5_QUERIES`` concurrently; never raises for server problems.

    The queries share one connection pool and run in parallel, so the whole call is bounded
    by one query's budget (about 8 s), not four.
    """
    limit = max(1, min(int(limit), MAX_LIMIT))
    if not url:
        results = [
            await _run_query(None, q.endpoint, q.topic, limit=limit, server="", budget=budget) for q in PHASE5_QUERIES
        ]
        return KnowledgeBundle(server="", results=results)
    server = display_url(url)
    async with _client(url, api_key, transport) as client:
        results = await asyncio.gather(
            *(
                _run_query(client, q.endpoint, q.topic, limit=limit, server=server, budget=budget)
                for q in PHASE5_QUERIES
            )
        )
    return KnowledgeBundle(server=server, results=list(results))
