"""`aiwf knowledge methodologies|warnings|search TEXT`: ask the Knowledge server.

Falls back to the embedded knowledge base exactly as the app does, and says so: the first
line is the status (``Knowledge: live (URL)`` / ``Knowledge: embedded — ...``) and every item
shows its origin ("server" or "embedded") and source title. ``--json`` prints one JSON
object for scripts. Server text is printed as cleaned plain text (no escape sequences).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from typing import TYPE_CHECKING

from aiwf_tui.commands.common import (
    EXIT_INVALID,
    EXIT_OK,
    EXIT_USAGE,
    add_json_argument,
    fail,
    honours_json,
    json_output,
    print_json,
)

#: sub-command -> (endpoint, help)
if TYPE_CHECKING:
    from aiwf_tui.knowledge.models import Endpoint

SUBCOMMANDS: dict[str, tuple[Endpoint, str]] = {
    "methodologies": ("get_methodologies", "methodologies for a topic (get_methodologies)"),
    "warnings": ("get_warnings", "warnings for a topic (get_warnings)"),
    "search": ("search_knowledge", "free-text search (search_knowledge)"),
}


def _limit(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {value!r}") from None
    if not 1 <= number <= 50:
        raise argparse.ArgumentTypeError("must be between 1 and 50")
    return number


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the methodologies/warnings/search sub-commands to the `aiwf knowledge` parser."""
    subs = parser.add_subparsers(dest="knowledge_command", metavar="{methodologies,warnings,search}")
    for name, (endpoint, help_text) in SUBCOMMANDS.items():
        sub = subs.add_parser(name, help=help_text, description=help_text)
        sub.add_argument(
            "text",
            metavar="QUERY" if endpoint == "search_knowledge" else "TOPIC",
            help='e.g. "drift detection", "production ML"',
        )
        add_json_argument(sub, "the items, their origin and the status line")
        sub.add_argument("--limit", type=_limit, default=10, metavar="N", help="at most N results (1-50, default 10)")
        sub.add_argument(
            "--knowledge-url",
            metavar="URL",
            default=argparse.SUPPRESS,
            help="Knowledge server URL (else AIWF_KNOWLEDGE_URL, else the config file)",
        )


def _print(text: str = "", *, file=None) -> None:
    """print() that survives terminals that cannot encode "…" or "—"."""
    stream = file or sys.stdout
    try:
        print(text, file=stream)
    except UnicodeEncodeError:
        encoding = getattr(stream, "encoding", None) or "ascii"
        print(text.encode(encoding, "replace").decode(encoding, "replace"), file=stream)


def _indent(text: str, prefix: str) -> str:
    return "\n".join(prefix + line for line in text.splitlines()) or prefix.rstrip()


def format_result(result) -> list[str]:
    """The human-readable lines for a QueryResult (status first, then each item)."""
    lines = [result.status_line()]
    if not result.items:
        lines.append("No results.")
        return lines
    for number, item in enumerate(result.items, 1):
        lines.append("")
        lines.append(f"{number}. {item.title}")
        lines.append(f"   origin: {item.origin} · source: {item.source_title}")
        if item.degraded:
            lines.append("   (details unavailable: the server returned this item without its content)")
        if item.summary:
            lines.append(_indent(item.summary, "   "))
        for label, values in (
            ("steps", item.steps),
            ("prerequisites", item.prerequisites),
            ("outputs", item.outputs),
            ("symptoms", item.symptoms),
            ("consequences", item.consequences),
        ):
            if values:
                lines.append(f"   {label}:")
                marker = (lambda i: f"{i}.") if label == "steps" else (lambda i: "-")
                for index, value in enumerate(values, 1):
                    lines.append(_indent(value, f"     {marker(index)} ").rstrip())
        if item.prevention:
            lines.append(f"   prevention: {item.prevention}")
    return lines


@honours_json
def run(args: argparse.Namespace) -> int:
    """Run `aiwf knowledge ...`; returns the exit code. Errors are one line on stderr."""
    from aiwf_tui.config import ConfigError, knowledge_api_key, resolve_knowledge_url
    from aiwf_tui.knowledge.service import display_url, query

    prefix = "aiwf knowledge"
    command = getattr(args, "knowledge_command", None)
    if command not in SUBCOMMANDS:
        return fail(
            prefix,
            'choose one of: methodologies, warnings, search (e.g. aiwf knowledge methodologies "drift detection")',
            EXIT_USAGE,
        )
    endpoint = SUBCOMMANDS[command][0]
    text = " ".join(str(args.text).split())
    if not text:
        return fail(
            f"{prefix} {command}", f"give a non-empty {'query' if command == 'search' else 'topic'}", EXIT_USAGE
        )
    try:
        resolved = resolve_knowledge_url(getattr(args, "knowledge_url", None))
    except ConfigError as exc:
        return fail(prefix, str(exc), EXIT_INVALID)
    try:
        result = asyncio.run(
            query(endpoint, text, url=resolved.url, api_key=knowledge_api_key(), limit=getattr(args, "limit", 10))
        )
    except Exception as exc:
        return fail(prefix, f"unexpected error ({type(exc).__name__})", EXIT_INVALID)
    from aiwf_tui.knowledge.last_source import remember

    remember(
        "aiwf knowledge",
        result.status,
        result.server,
        result.status_line(),
        configured=display_url(resolved.given) if resolved.given else "",
        note=resolved.note,
    )
    if json_output():
        payload = result.model_dump(mode="json")
        payload["status_line"] = result.status_line()
        payload["note"] = resolved.note
        print_json(payload)
    else:
        if resolved.note:
            _print(f"({display_url(resolved.given)}: {resolved.note})")
        for line in format_result(result):
            _print(line)
    return EXIT_OK
