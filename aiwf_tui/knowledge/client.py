"""Async HTTP client for the Knowledge server (httpx).

The server exposes its tools as plain HTTP routes::

    GET  /get_methodologies?topic=...&limit=...
    GET  /get_warnings?topic=...&limit=...
    POST /search_knowledge?query=...&limit=...     (query parameters, no body)
    GET  /health

Answers are ``{"results": [...], "metadata": {...}}``; errors are
``{"error": {"code", "message", "details", "retry_after"}}`` with HTTP 400 / 429 / 5xx.

Time is bounded everywhere, because the app must never hang on the server:

- connect timeout 2 s, whole request (connect + headers + body) 5 s, enforced with
  ``asyncio.timeout`` around the request, since httpx's read timeout is per chunk and a
  server dripping one byte a second would never trip it;
- one retry on 429 or 5xx, after ``retry_after`` (body, else the ``Retry-After`` header), but
  only when the wait plus a useful attempt fits in what is left of the caller's ``Deadline``;
  otherwise it fails at once so the caller can fall back;
- the body is streamed and reading stops at ``max_bytes`` (2 MB).

Every failure is a ``KnowledgeServerError`` with a short ``reason`` ("connection refused",
"timed out after 5 s", ...). The API key goes only into the ``X-API-Key`` header; it is never
logged and never part of an error message.
"""

from __future__ import annotations

import asyncio
import email.utils
import errno
import json
import logging
import math
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from types import ModuleType
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit, urlunsplit

from aiwf_tui.safetext import clean_text

if TYPE_CHECKING:
    import httpx

__all__ = [
    "CONNECT_TIMEOUT",
    "MAX_BYTES",
    "MIN_ATTEMPT",
    "REQUEST_TIMEOUT",
    "TOTAL_BUDGET",
    "Deadline",
    "KnowledgeClient",
    "KnowledgeServerError",
    "ServerAnswer",
]

log = logging.getLogger(__name__)


def _httpx() -> ModuleType:
    """Import httpx on first use.

    Why lazily: httpx 0.28 imports its optional CLI (click, pygments and *rich*) at import
    time whenever those are installed, which they are beside Textual. Importing it lazily
    keeps ``import aiwf_tui.knowledge`` free of Rich and fast; the cost is paid only when a
    server is actually configured.
    """
    import httpx

    return httpx


CONNECT_TIMEOUT = 2.0
REQUEST_TIMEOUT = 5.0
#: Longest a whole query (request, retry, search fallback) may take before the embedded
#: knowledge base is used instead.
TOTAL_BUDGET = 8.0
#: An attempt given less time than this is not worth starting.
MIN_ATTEMPT = 1.0
#: Retry wait when a 429/5xx carries no retry_after.
DEFAULT_RETRY_WAIT = 0.5
MAX_BYTES = 2_000_000
MAX_REASON = 160

_METHODS = {
    "get_methodologies": "GET",
    "get_warnings": "GET",
    "search_knowledge": "POST",
    "health": "GET",
}


class KnowledgeServerError(Exception):
    """The server could not give a usable answer. ``reason`` is one short line for users."""

    def __init__(self, reason: str, *, status: int | None = None) -> None:
        self.reason = clean_text(reason, MAX_REASON).replace("\n", " ")
        self.status = status
        super().__init__(self.reason)


class Deadline:
    """A point in time (monotonic clock) by which a whole operation must be finished."""

    def __init__(self, seconds: float) -> None:
        self.started = time.monotonic()
        self.at = self.started + seconds

    def remaining(self) -> float:
        """Seconds left, never negative."""
        return max(0.0, self.at - time.monotonic())

    def elapsed(self) -> float:
        """Seconds since the deadline was set."""
        return time.monotonic() - self.started


@dataclass(frozen=True)
class ServerAnswer:
    """A parsed 200 answer: the raw ``results`` entries (untrusted) and ``metadata``."""

    results: list[Any]
    metadata: dict[str, Any]


@dataclass(frozen=True)
class _Response:
    status: int
    headers: httpx.Headers
    body: Any  # parsed JSON, or _INVALID
    body_error: str


_INVALID = object()


class KnowledgeClient:
    """Talks to one Knowledge server. Use as ``async with KnowledgeClient(url, key) as c:``.

    ``transport`` is passed to httpx (tests use ``httpx.MockTransport``). Redirects are not
    followed, so the API key is never sent anywhere but the configured server.
    """

    def __init__(
        self,
        base_url: str,
        api_key: str | None = None,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        connect_timeout: float = CONNECT_TIMEOUT,
        request_timeout: float = REQUEST_TIMEOUT,
        max_bytes: int = MAX_BYTES,
    ) -> None:
        self.request_timeout = request_timeout
        self.connect_timeout = connect_timeout
        self.max_bytes = max_bytes
        self.base_url = base_url.rstrip("/")
        self._probe_lock = asyncio.Lock()
        self._probed: bool | None = None
        lib = _httpx()
        headers = {"Accept": "application/json", "User-Agent": "aiwf-tui"}
        if api_key:
            headers["X-API-Key"] = api_key
        try:
            self._http: httpx.AsyncClient | None = lib.AsyncClient(
                base_url=base_url,
                headers=headers,
                transport=transport,
                follow_redirects=False,
                timeout=lib.Timeout(request_timeout, connect=connect_timeout),
            )
            self._url_error = ""
        except Exception as exc:  # invalid URL: fail each call, never at construction
            self._http = None
            self._url_error = f"invalid server URL ({type(exc).__name__})"

    async def __aenter__(self) -> KnowledgeClient:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close the connection pool."""
        if self._http is not None:
            await self._http.aclose()

    async def call(
        self,
        endpoint: str,
        *,
        topic: str | None = None,
        query: str | None = None,
        limit: int = 10,
        deadline: Deadline | None = None,
    ) -> ServerAnswer:
        """Call one endpoint (one retry on 429/5xx within ``deadline``); raise KnowledgeServerError."""
        method = _METHODS.get(endpoint)
        if method is None:
            raise KnowledgeServerError(f"unknown endpoint {endpoint!r}")
        params: dict[str, str | int] = {}
        if topic is not None:
            params["topic"] = topic
        if query is not None:
            params["query"] = query
        if endpoint != "health":
            params["limit"] = limit
        deadline = deadline or Deadline(TOTAL_BUDGET)

        response = await self._attempt(method, endpoint, params, deadline)
        if response.status != 200 or _looks_like_mcp(response):
            await self._refuse_mcp(response, deadline)
        if _retryable(response.status):
            wait = _retry_after(response)
            first_reason = _status_reason(response)
            if wait is None:
                wait = DEFAULT_RETRY_WAIT
            if wait + MIN_ATTEMPT > deadline.remaining():
                log.debug("%s: %s; retry_after %.1fs does not fit the budget", endpoint, first_reason, wait)
                raise KnowledgeServerError(first_reason, status=response.status)
            log.debug("%s: %s; retrying in %.1fs", endpoint, first_reason, wait)
            await asyncio.sleep(wait)
            response = await self._attempt(method, endpoint, params, deadline)
            if _retryable(response.status):
                raise KnowledgeServerError(_status_reason(response, " after retry"), status=response.status)
        if response.status != 200:
            raise KnowledgeServerError(_status_reason(response), status=response.status)
        return _parse_answer(response, endpoint)

    async def _refuse_mcp(self, response: _Response, deadline: Deadline) -> None:
        """Raise the one-line "use this URL instead" when the configured URL is an MCP endpoint.

        Recognised by the answer itself (JSON-RPC, an event stream, an MCP session header) or,
        when a route is not found there, by asking the URL itself, once per client."""
        if _looks_like_mcp(response) or (response.status in (404, 405, 406) and await self._base_is_mcp(deadline)):
            raise KnowledgeServerError(_mcp_reason(self.base_url), status=response.status)

    async def _base_is_mcp(self, deadline: Deadline) -> bool:
        async with self._probe_lock:
            if self._probed is None:
                self._probed = await self._probe(deadline)
            return self._probed

    async def _probe(self, deadline: Deadline) -> bool:
        """GET the configured URL as an MCP client would; True when it answers like MCP."""
        if self._http is None:
            return False
        httpx = _httpx()
        budget = min(self.connect_timeout, deadline.remaining())
        if budget <= 0:
            return False
        try:
            async with asyncio.timeout(budget):
                request = self._http.build_request(
                    "GET", self.base_url, headers={"Accept": "application/json, text/event-stream"}
                )
                answer = await self._http.send(request, stream=True)
                try:
                    body: Any = _INVALID
                    if "json" in answer.headers.get("content-type", ""):
                        data = b""
                        async for chunk in answer.aiter_bytes():
                            data += chunk
                            if len(data) > 65536:
                                break
                        try:
                            body = json.loads(data)
                        except ValueError:
                            pass
                finally:
                    await answer.aclose()
        except (TimeoutError, httpx.HTTPError, OSError):
            return False
        return _looks_like_mcp(_Response(answer.status_code, answer.headers, body, ""))

    async def _attempt(self, method: str, endpoint: str, params: dict[str, str | int], deadline: Deadline) -> _Response:
        if self._http is None:
            raise KnowledgeServerError(self._url_error)
        budget = min(self.request_timeout, deadline.remaining())
        if budget < min(MIN_ATTEMPT, self.request_timeout):
            raise KnowledgeServerError("out of time")
        log.debug("%s /%s %s (timeout %.1fs)", method, endpoint, params, budget)
        httpx = _httpx()
        try:
            async with asyncio.timeout(budget):
                return await self._send(method, endpoint, params)
        except KnowledgeServerError:
            raise
        except (TimeoutError, httpx.TimeoutException) as exc:
            if isinstance(exc, httpx.ConnectTimeout):
                raise KnowledgeServerError("connection timed out") from None
            raise KnowledgeServerError(f"timed out after {_secs(budget)} s") from None
        except httpx.ConnectError as exc:
            raise KnowledgeServerError(_connect_reason(exc)) from None
        except (httpx.UnsupportedProtocol, httpx.InvalidURL):
            raise KnowledgeServerError("invalid server URL") from None
        except httpx.HTTPError as exc:
            raise KnowledgeServerError(f"connection error ({type(exc).__name__})") from None
        except OSError as exc:
            raise KnowledgeServerError(f"network error ({exc.strerror or type(exc).__name__})") from None

    async def _send(self, method: str, endpoint: str, params: dict[str, str | int]) -> _Response:
        assert self._http is not None
        request = self._http.build_request(method, endpoint, params=params)
        response = await self._http.send(request, stream=True)
        try:
            declared = response.headers.get("content-length", "")
            if declared.isdigit() and int(declared) > self.max_bytes:
                raise KnowledgeServerError(f"answer too large (over {_mb(self.max_bytes)})")
            buf = bytearray()
            async for chunk in response.aiter_bytes():
                buf += chunk
                if len(buf) > self.max_bytes:
                    raise KnowledgeServerError(f"answer too large (over {_mb(self.max_bytes)})")
        finally:
            await response.aclose()
        try:
            body: Any = json.loads(bytes(buf))
            body_error = ""
        except (ValueError, RecursionError):
            body, body_error = _INVALID, "not JSON"
        return _Response(response.status_code, response.headers, body, body_error)


def _looks_like_mcp(response: _Response) -> bool:
    """An MCP (streamable HTTP) endpoint's answer: JSON-RPC, an event stream, or a session header."""
    if response.headers.get("content-type", "").startswith("text/event-stream"):
        return True
    if "mcp-session-id" in response.headers:
        return True
    body = response.body
    return isinstance(body, dict) and body.get("jsonrpc") == "2.0"


def _mcp_reason(url: str) -> str:
    """One line: this URL is an MCP endpoint, and the URL to configure instead (credentials left out)."""
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        netloc = (f"[{host}]" if ":" in host else host) + (f":{parts.port}" if parts.port else "")
    except ValueError:
        return "the Knowledge URL is an MCP endpoint, not the REST API aiwf speaks - use the server's base URL"
    path = parts.path.rstrip("/")
    shown = urlunsplit((parts.scheme, netloc, path, "", ""))
    base = urlunsplit((parts.scheme, netloc, path.rsplit("/", 1)[0], "", ""))
    return f"{shown} is an MCP endpoint, not the REST API aiwf speaks - use {base}"


def _retryable(status: int) -> bool:
    return status == 429 or 500 <= status <= 599


def _error_message(response: _Response) -> str:
    body = response.body
    if isinstance(body, dict) and isinstance(body.get("error"), dict):
        message = body["error"].get("message")
        if isinstance(message, str):
            return clean_text(message, 100).replace("\n", " ").strip()
    return ""


def _status_reason(response: _Response, suffix: str = "") -> str:
    message = _error_message(response)
    if response.status == 429:
        reason = "rate limited (HTTP 429)"
    else:
        reason = f"HTTP {response.status}"
    reason += suffix
    return f"{reason}: {message}" if message else reason


def _retry_after(response: _Response) -> float | None:
    """Seconds to wait: ``error.retry_after`` from the body, else the Retry-After header."""
    body = response.body
    if isinstance(body, dict) and isinstance(body.get("error"), dict):
        value = body["error"].get("retry_after")
        if isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value):
            return max(0.0, float(value))
    header = response.headers.get("retry-after", "").strip()
    if not header:
        return None
    try:
        return max(0.0, float(header)) if math.isfinite(float(header)) else None
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(header)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def _parse_answer(response: _Response, endpoint: str) -> ServerAnswer:
    body = response.body
    if body is _INVALID:
        raise KnowledgeServerError(f"invalid answer ({response.body_error})")
    if endpoint == "health":
        return ServerAnswer([], body if isinstance(body, dict) else {})
    if not isinstance(body, dict):
        raise KnowledgeServerError("invalid answer (not a JSON object)")
    if isinstance(body.get("error"), dict) and "results" not in body:
        raise KnowledgeServerError(f"server error: {_error_message(response) or 'unknown'}")
    results = body.get("results")
    if not isinstance(results, list):
        raise KnowledgeServerError("invalid answer (no results list)")
    metadata = body.get("metadata")
    return ServerAnswer(results, metadata if isinstance(metadata, dict) else {})


def _connect_reason(exc: Exception) -> str:
    cause: BaseException | None = exc
    while cause is not None:
        if isinstance(cause, ConnectionRefusedError) or getattr(cause, "errno", None) == errno.ECONNREFUSED:
            return "connection refused"
        cause = cause.__cause__ or cause.__context__
    text = str(exc).lower()
    if "refused" in text:
        return "connection refused"
    if "name or service not known" in text or "nodename nor servname" in text or "getaddrinfo" in text:
        return "server name not found"
    return "cannot connect"


def _secs(value: float) -> str:
    return f"{value:.0f}" if value >= 1 else f"{value:.1f}"


def _mb(n: int) -> str:
    return f"{n / 1_000_000:g} MB"
