"""The stand-in for every notification channel: a loopback webhook Alertmanager posts to.

Each channel of each receiver gets its own path, `/hook/<receiver>/<channel>`, so a
delivery says which receiver Alertmanager chose and which of its channels were reached.
The payload is Alertmanager's webhook JSON (version 4); it is kept as data, never run.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler
from urllib.parse import quote, unquote

from aiwf_tui.drill.loopback import LoopbackServer

#: A payload larger than this is refused (Alertmanager's are a few kB).
MAX_BODY = 1_000_000


@dataclass(frozen=True)
class Delivery:
    """One alert as a channel received it."""

    alertname: str
    receiver: str
    channel: str
    status: str
    labels: dict[str, str]
    annotations: dict[str, str]
    at: float  # time.monotonic() on arrival


class Inbox:
    """Every delivery so far, safe to read from another thread."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.deliveries: list[Delivery] = []

    def add(self, receiver: str, channel: str, payload: dict) -> None:
        now = time.monotonic()
        with self.lock:
            for alert in payload.get("alerts") or []:
                if not isinstance(alert, dict):
                    continue
                labels = {str(k): str(v) for k, v in (alert.get("labels") or {}).items()}
                notes = {str(k): str(v) for k, v in (alert.get("annotations") or {}).items()}
                # The receiver comes from the path: Alertmanager quotes the payload's copy as a regexp.
                self.deliveries.append(
                    Delivery(
                        labels.get("alertname", ""), receiver, channel, str(alert.get("status", "")), labels, notes, now
                    )
                )

    def firing(self) -> list[Delivery]:
        with self.lock:
            return [d for d in self.deliveries if d.status == "firing"]


def hook_path(receiver: str, channel: str) -> str:
    return f"/hook/{quote(receiver, safe='')}/{quote(channel, safe='')}"


class _Handler(BaseHTTPRequestHandler):
    inbox: Inbox

    def do_POST(self) -> None:
        parts = self.path.split("/")
        length = int(self.headers.get("Content-Length") or 0)
        if len(parts) != 4 or parts[1] != "hook" or not 0 <= length <= MAX_BODY:
            self._reply(404)
            return
        try:
            payload = json.loads(self.rfile.read(length).decode("utf-8"))
        except (ValueError, UnicodeDecodeError):
            self._reply(400)
            return
        if isinstance(payload, dict):
            self.inbox.add(unquote(parts[2]), unquote(parts[3]), payload)
        self._reply(200)

    def _reply(self, status: int) -> None:
        self.send_response(status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args) -> None:
        """Silent: the drill reports what matters itself."""


def serve_webhook(inbox: Inbox) -> LoopbackServer:
    handler = type("WebhookHandler", (_Handler,), {"inbox": inbox})
    return LoopbackServer(handler)


__all__ = ["Delivery", "Inbox", "hook_path", "serve_webhook"]
