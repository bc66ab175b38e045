"""`aiwf help [VERB]`: the help of aiwf, or of one verb (the same text as `--help`)."""

from __future__ import annotations

import sys

from aiwf_tui.commands.common import EXIT_OK, EXIT_USAGE


def add_arguments(parser) -> None:
    from aiwf_tui.cli import VERBS

    parser.add_argument(
        "topic", nargs="?", metavar="VERB", choices=list(VERBS), help="the verb to explain (default: aiwf itself)"
    )


def run(args) -> int:
    from aiwf_tui.cli import VERBS, _open_parser, _verb_parser

    if args.topic is None:
        _open_parser().print_help()
        return EXIT_OK
    if args.topic not in VERBS:  # pragma: no cover - argparse's choices refuse it first
        print(f"aiwf help: no verb {args.topic!r} - try: aiwf help", file=sys.stderr)
        return EXIT_USAGE
    _verb_parser(args.topic)[0].print_help()
    return EXIT_OK
