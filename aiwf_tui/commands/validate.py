"""`aiwf validate PROJECT_DIR`: check the Prometheus/Alertmanager files with promtool and amtool."""

from __future__ import annotations

import sys

from aiwf_tui.commands.common import EXIT_INVALID, EXIT_OK, add_project_argument


def add_arguments(parser) -> None:
    add_project_argument(parser)
    parser.add_argument(
        "--timeout",
        type=float,
        default=120.0,
        metavar="SECONDS",
        help="give up on a tool after this many seconds (default 120)",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="print the full tool output of failed checks")


def run(args) -> int:
    from aiwf_tui.validate import validate, version_notes

    folder = args.project_dir
    if not folder.is_dir():
        print(
            f"aiwf validate: {folder}: is not a folder - pass the project folder (holding sidecar.yaml)",
            file=sys.stderr,
        )
        return EXIT_INVALID
    results = validate(folder, timeout=args.timeout)
    for result in results:
        print(result.line())
        if args.verbose and not result.ok and result.output:
            for line in result.output.rstrip().splitlines():
                print(f"      {line}")
    for note in version_notes():
        print(note)
    failed = sum(not r.ok for r in results)
    if failed:
        print(f"aiwf validate: {failed} of {len(results)} checks failed", file=sys.stderr)
        return EXIT_INVALID
    return EXIT_OK
