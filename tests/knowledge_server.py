"""A real HTTP Knowledge server for tests, serving the canned answers in tests/fixtures/knowledge/.

Runs ``http.server.ThreadingHTTPServer`` on 127.0.0.1 (port 0) in a thread. It answers the
same routes as the real FastAPI server (``GET /get_methodologies``, ``GET /get_warnings``,
``POST /search_knowledge`` with query parameters, ``GET /health``) with the real server's
exact, case-sensitive tag filter on ``topic``, plus fault modes chosen per test::

    server.mode = "stall"          # see MODES
    server.retry_after = 1         # for the 429 modes

``refused_url()`` gives a URL on a port nothing listens on.
"""

from __future__ import annotations

import json
import re
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "knowledge"

MODES = {
    "normal": "fixture answers with the exact-tag topic filter; search matches words",
    "empty": "every endpoint (search too) answers with no results",
    "degraded": "every result as when enrichment fails (empty steps, null fields)",
    "500": "every request: HTTP 500 with an error body",
    "500_once": "the first request of each endpoint+topic: 500, then normal",
    "429": "every request: 429 with retry_after in the body and a Retry-After header",
    "429_once": "the first request of each endpoint+topic: 429, then normal",
    "429_header_once": "like 429_once, but retry_after only in the Retry-After header",
    "stall": "accept, then say nothing for 10 s",
    "drip": "send headers, then one byte of body every 0.5 s",
    "invalid_json": "HTTP 200 with a body that is not JSON",
    "wrong_shape": "HTTP 200 JSON, but results is not a list of objects",
    "odd_items": "HTTP 200, results mixing numbers, nulls, nested objects and huge strings",
    "huge": "50 MB body without Content-Length",
    "huge_declared": "50 MB body with Content-Length",
    "hostile": "fixture answers with markup and terminal escape sequences in the text",
}

HOSTILE = "[bold]loud[/bold] [@click=app.quit]quit[/] \x1b]52;c;aGFja2Vk\x07\x1b[2J\x1b[31mred\x1b[0m\r\x9b2J\x00"
HUGE_BYTES = 50 * 1024 * 1024


def _load(name: str) -> dict[str, Any]:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


def _results(prefix: str) -> list[dict[str, Any]]:
    seen: dict[str, dict[str, Any]] = {}
    for path in sorted(FIXTURES.glob(f"{prefix}__*.json")):
        for result in json.loads(path.read_text(encoding="utf-8"))["results"]:
            seen.setdefault(result["id"], result)
    return list(seen.values())


def _degrade(result: dict[str, Any]) -> dict[str, Any]:
    result = dict(result)
    if "steps" in result:
        result.update(steps=[], prerequisites=None, outputs=None)
    else:
        result.update(
            description="", symptoms=None, consequences=None, prevention=None, source_title="Unknown", chunk_id=None
        )
    return result


def _hostile(result: dict[str, Any]) -> dict[str, Any]:
    result = dict(result)
    for key in ("name", "title", "description", "prevention", "source_title"):
        if isinstance(result.get(key), str):
            result[key] = result[key] + " " + HOSTILE
    for key in ("steps", "symptoms"):
        if isinstance(result.get(key), list) and result[key]:
            result[key] = [HOSTILE + " " + result[key][0], *result[key][1:]]
    return result


class KnowledgeServer:
    """The fake server; ``start()``/``stop()`` or use as a context manager."""

    def __init__(self) -> None:
        self.mode = "normal"
        #: where the server's MCP endpoint answers (as the real server publishes it for MCP clients)
        self.mcp_path = "/mcp"
        self.retry_after: float = 3600
        self.requests: list[dict[str, Any]] = []
        self._seen: set[tuple[str, str]] = set()
        self._lock = threading.Lock()
        self.release = threading.Event()  # set on stop() so stalled handlers finish
        self.methodologies = _results("get_methodologies")
        self.warnings = _results("get_warnings")
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # lifecycle -------------------------------------------------------------------------
    def start(self) -> KnowledgeServer:
        server = self

        class Handler(_Handler):
            owner = server

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, name="knowledge-server", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self.release.set()
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> KnowledgeServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        assert self._httpd is not None
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}"

    def first_time(self, endpoint: str, text: str) -> bool:
        """True the first time this endpoint+topic is asked (for the *_once modes)."""
        with self._lock:
            key = (endpoint, text)
            if key in self._seen:
                return False
            self._seen.add(key)
            return True

    def calls(self, path: str | None = None) -> list[dict[str, Any]]:
        """Recorded requests, optionally only those to one path ("/get_warnings")."""
        with self._lock:
            return [r for r in self.requests if path is None or r["path"] == path]

    # answers --------------------------------------------------------------------------
    def answer(self, path: str, params: dict[str, str]) -> tuple[int, dict[str, Any]]:
        """Status and JSON body for a normal (non-fault) request."""
        if path == "/health":
            return 200, _load("health.json")["body"]
        limit_text = params.get("limit", "10")
        if not limit_text.isdigit() or not 1 <= int(limit_text) <= 500:
            return 400, _load("error__validation.json")["body"]
        limit = int(limit_text)
        if path in ("/get_methodologies", "/get_warnings"):
            topic = params.get("topic")
            if topic is None:
                return 400, _load("error__validation.json")["body"]
            pool = self.methodologies if path == "/get_methodologies" else self.warnings
            # The real server's filter: exact, case-sensitive tag match.
            results = [r for r in pool if topic in r.get("topics", [])]
            text = topic
        elif path == "/search_knowledge":
            text = params.get("query", "")
            words = {w for w in re.findall(r"\w+", text.lower()) if len(w) > 2}
            results = [
                r
                for r in self.methodologies + self.warnings
                if words
                & set(
                    re.findall(r"\w+", " ".join([r.get("name") or r.get("title") or "", *r.get("topics", [])]).lower())
                )
            ]
        else:
            return 404, {"error": {"code": "NOT_FOUND", "message": "Not found", "details": {}, "retry_after": None}}
        if self.mode == "empty":
            results = []
        elif self.mode == "degraded":
            results = [_degrade(r) for r in results]
        elif self.mode == "hostile":
            results = [_hostile(r) for r in results]
        results = results[:limit]
        sources = sorted({r["source_title"] for r in results})
        return 200, {
            "results": results,
            "metadata": {
                "query": text,
                "sources_cited": sources,
                "result_count": len(results),
                "search_type": "filtered",
                "latency_ms": 12,
            },
        }


class _Handler(BaseHTTPRequestHandler):
    owner: KnowledgeServer
    server_version = "FakeKnowledge/1.0"

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass

    def do_GET(self) -> None:
        self._handle("GET")

    def do_POST(self) -> None:
        self._handle("POST")

    def _handle(self, method: str) -> None:
        owner = self.owner
        parts = urlsplit(self.path)
        params = {k: v[-1] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        with owner._lock:
            owner.requests.append(
                {
                    "method": method,
                    "path": parts.path,
                    "params": params,
                    "headers": dict(self.headers.items()),
                    "body": body,
                }
            )
        if parts.path == owner.mcp_path:
            return self._mcp(method)
        if parts.path.startswith(owner.mcp_path + "/"):
            return self._raw(404, b"Not Found", "text/plain; charset=utf-8")
        expected = "POST" if parts.path == "/search_knowledge" else "GET"
        if method != expected:
            return self._json(
                405,
                {
                    "error": {
                        "code": "METHOD_NOT_ALLOWED",
                        "message": "Method not allowed",
                        "details": {},
                        "retry_after": None,
                    }
                },
            )
        try:
            self._dispatch(owner, parts.path, params)
        except (BrokenPipeError, ConnectionResetError, ConnectionAbortedError):
            pass  # the client gave up (timeout, size cap): expected in fault modes

    def _dispatch(self, owner: KnowledgeServer, path: str, params: dict[str, str]) -> None:
        mode = owner.mode
        key_text = params.get("topic", params.get("query", ""))
        if mode == "stall":
            owner.release.wait(10)
            return self._json(*owner.answer(path, params))
        if mode == "drip":
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            for byte in b'{"results": []}':
                if owner.release.wait(0.5):
                    return
                self.wfile.write(bytes([byte]))
                self.wfile.flush()
            return
        if mode == "500" or (mode == "500_once" and owner.first_time(path, key_text)):
            return self._json(
                500,
                {
                    "error": {
                        "code": "INTERNAL_ERROR",
                        "message": "Internal server error",
                        "details": {},
                        "retry_after": None,
                    }
                },
            )
        if mode == "429" or (mode in ("429_once", "429_header_once") and owner.first_time(path, key_text)):
            body = _load("error__rate-limited.json")["body"]
            body["error"]["retry_after"] = None if mode == "429_header_once" else owner.retry_after
            body["error"]["details"]["retry_after"] = owner.retry_after
            return self._json(429, body, {"Retry-After": f"{owner.retry_after:g}"})
        if mode == "invalid_json":
            return self._raw(200, b'{"results": [{"name": "unterminated', "application/json")
        if mode == "wrong_shape":
            return self._json(200, {"results": "not a list", "metadata": None})
        if mode == "odd_items":
            return self._json(
                200,
                {
                    "results": [
                        1,
                        None,
                        "text",
                        [],
                        {"name": None},
                        {"name": {"nested": True}},
                        {
                            "name": "x" * 100_000,
                            "steps": ["y" * 5_000] * 100,
                            "topics": "drift detection",
                            "source_title": 42,
                            "prerequisites": "single string",
                        },
                        {"title": "Only a title", "description": None},
                    ],
                    "metadata": [],
                },
            )
        if mode in ("huge", "huge_declared"):
            return self._huge(declared=mode == "huge_declared")
        return self._json(*owner.answer(path, params))

    def _mcp(self, method: str) -> None:
        """What an MCP streamable-HTTP endpoint answers a client without a session: JSON-RPC errors."""
        accept = self.headers.get("Accept", "")
        if "text/event-stream" not in accept:
            message = "Not Acceptable: Client must accept text/event-stream"
            return self._json(
                406, {"jsonrpc": "2.0", "id": "server-error", "error": {"code": -32600, "message": message}}
            )
        message = "Bad Request: Missing session ID" if method == "GET" else "Bad Request: No valid session ID provided"
        return self._json(400, {"jsonrpc": "2.0", "id": "server-error", "error": {"code": -32600, "message": message}})

    def _json(self, status: int, body: Any, headers: dict[str, str] | None = None) -> None:
        self._raw(status, json.dumps(body).encode("utf-8"), "application/json", headers)

    def _raw(self, status: int, data: bytes, content_type: str, headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def _huge(self, *, declared: bool) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        if declared:
            self.send_header("Content-Length", str(HUGE_BYTES))
        self.end_headers()
        item = (
            json.dumps(
                {"name": "Padding", "steps": ["z" * 1000], "topics": ["drift detection"], "source_title": "Big"}
            ).encode()
            + b","
        )
        chunk = item * (65536 // len(item))
        self.wfile.write(b'{"results": [')
        sent = 0
        while sent < HUGE_BYTES - len(chunk) - 100:
            self.wfile.write(chunk)
            sent += len(chunk)
        self.wfile.write(b'{}], "metadata": {}}')


def refused_url() -> str:
    """A URL on 127.0.0.1 whose port was just closed: connecting is refused."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"


if __name__ == "__main__":  # manual use: python tests/knowledge_server.py [mode]
    import sys

    with KnowledgeServer() as srv:
        srv.mode = sys.argv[1] if len(sys.argv) > 1 else "normal"
        print(f"serving {srv.mode} on {srv.url} (Ctrl-C to stop)", flush=True)
        try:
            while True:
                time.sleep(1)
        except KeyboardInterrupt:
            pass
