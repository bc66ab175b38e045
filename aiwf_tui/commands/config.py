"""`aiwf config path` / `aiwf config show`: where the user configuration lives, and what it says."""

from __future__ import annotations

import argparse
import sys

from aiwf_tui.commands.common import EXIT_INVALID, EXIT_OK, EXIT_USAGE

EXAMPLE = '[knowledge]\nurl = "http://localhost:8000"'


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the path/show sub-commands to the `aiwf config` parser."""
    parser.epilog = f"config file format (TOML):\n{EXAMPLE}"
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    subs = parser.add_subparsers(dest="config_command", metavar="{path,show}")
    subs.add_parser("path", help="print the path of the user config file (it need not exist)")
    show = subs.add_parser("show", help="print the Knowledge server URL in effect and where it comes from")
    show.add_argument(
        "--knowledge-url", metavar="URL", default=argparse.SUPPRESS, help="as for other verbs (highest priority)"
    )


def run(args: argparse.Namespace) -> int:
    """Run `aiwf config ...`; returns the exit code."""
    from aiwf_tui.config import (
        KNOWLEDGE_API_KEY_ENV,
        ConfigError,
        config_path,
        knowledge_api_key,
        resolve_knowledge_url,
    )

    command = getattr(args, "config_command", None)
    if command == "path":
        print(config_path())
        return EXIT_OK
    if command == "show":
        path = config_path()
        print(f"config file:   {path}" + ("" if path.exists() else " (does not exist)"))
        try:
            resolved = resolve_knowledge_url(getattr(args, "knowledge_url", None))
        except ConfigError as exc:
            print(f"aiwf config: {exc}", file=sys.stderr)
            return EXIT_INVALID
        from aiwf_tui.knowledge.service import display_url

        if resolved.url:
            print(f"knowledge url: {display_url(resolved.url)} (from {resolved.source})")
        else:
            print("knowledge url: none (the embedded knowledge base is used)")
        # Only whether the key is set, never its value.
        print(f"api key:       {'set' if knowledge_api_key() else 'not set'} ({KNOWLEDGE_API_KEY_ENV})")
        return EXIT_OK
    print("aiwf config: choose one of: path, show (e.g. aiwf config path)", file=sys.stderr)
    return EXIT_USAGE
