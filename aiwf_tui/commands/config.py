"""`aiwf config path` / `aiwf config show`: where the user configuration lives, and what it says."""

from __future__ import annotations

import argparse
import sys
from dataclasses import asdict

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
from aiwf_tui.safetext import clean_text

EXAMPLE = '[knowledge]\nurl = "http://localhost:8000"'


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the path/show sub-commands to the `aiwf config` parser."""
    parser.epilog = f"config file format (TOML):\n{EXAMPLE}"
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    subs = parser.add_subparsers(dest="config_command", metavar="{path,show}")
    subs.add_parser("path", help="print the path of the user config file (it need not exist)")
    show = subs.add_parser(
        "show", help="print the Knowledge server URL in effect, where it comes from, and which source answered last"
    )
    add_json_argument(show, "the URL in effect, where it comes from, and the last knowledge answer")
    show.add_argument(
        "--knowledge-url", metavar="URL", default=argparse.SUPPRESS, help="as for other verbs (highest priority)"
    )


@honours_json
def run(args: argparse.Namespace) -> int:
    """Run `aiwf config ...`; returns the exit code."""
    from aiwf_tui.config import config_path

    command = getattr(args, "config_command", None)
    if command == "path":
        from aiwf_tui.config import log_path

        print(config_path())
        print(f"# log file of aiwf --debug (or AIWF_LOG=FILE): {log_path()}", file=sys.stderr)
        return EXIT_OK
    if command == "show":
        return _show(args)
    return fail("aiwf config", "choose one of: path, show (e.g. aiwf config path)", EXIT_USAGE)


def _show(args: argparse.Namespace) -> int:
    """The config file, the Knowledge URL in effect and why, and which source answered last."""
    from aiwf_tui.config import (
        KNOWLEDGE_API_KEY_ENV,
        ConfigError,
        config_path,
        knowledge_api_key,
        resolve_knowledge_url,
    )
    from aiwf_tui.knowledge.last_source import last, state_path
    from aiwf_tui.knowledge.service import display_url

    path = config_path()
    try:
        resolved = resolve_knowledge_url(getattr(args, "knowledge_url", None))
    except ConfigError as exc:
        return fail("aiwf config", str(exc), EXIT_INVALID)
    answer = last()
    if json_output():
        print_json(
            {
                "config_file": str(path),
                "config_file_exists": path.exists(),
                "knowledge_url": display_url(resolved.url) or None,
                "knowledge_url_source": resolved.source,
                "configured_url": display_url(resolved.given) or None,
                "note": resolved.note,
                "api_key_set": knowledge_api_key() is not None,
                "state_file": str(state_path()),
                "last_answer": asdict(answer) if answer else None,
            }
        )
        return EXIT_OK
    print(f"config file:   {path}" + ("" if path.exists() else " (does not exist)"))
    if resolved.url:
        print(f"knowledge url: {display_url(resolved.url)} (from {resolved.source})")
        if resolved.note:
            print(f"               configured as {display_url(resolved.given)}: {resolved.note}")
    else:
        print("knowledge url: none (the embedded knowledge base is used)")
    # Only whether the key is set, never its value.
    print(f"api key:       {'set' if knowledge_api_key() else 'not set'} ({KNOWLEDGE_API_KEY_ENV})")
    if answer is None:
        print("last answer:   none recorded yet (the app and aiwf knowledge record theirs)")
    else:
        print(f"last answer:   {clean_text(answer.line)}")
        print(f"               by {answer.command} at {answer.at}" + (f"; {answer.note}" if answer.note else ""))
    return EXIT_OK
