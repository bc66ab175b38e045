"""`aiwf export PROJECT_DIR [-o FILE] [--force] [--format archive|prometheus|grafana|prometheus-operator] [--dry-run]`.

archive (default): a .tar.gz (or .zip, by the file's extension) of the project folder with a
MANIFEST.sha256 of every file; default output `<project_dir>/../<name>-phase5-<YYYYMMDD>.tar.gz`.
prometheus: copy phase-5-operations/prometheus/*.yml into the folder given with -o; grafana
and prometheus-operator: copy just the dashboard, or just the PrometheusRule resource.
The path written is printed on stdout (one per line); what happened goes to stderr.
"""

from __future__ import annotations

import sys
from pathlib import Path

from aiwf_tui.commands.common import (
    EXIT_OK,
    EXIT_USAGE,
    add_json_argument,
    add_project_argument,
    fail,
    honours_json,
    json_output,
    print_json,
    report,
    under_project_lock,
)
from aiwf_tui.errors import AiwfError


def add_arguments(parser) -> None:
    add_project_argument(parser)
    parser.add_argument(
        "-o",
        "--output",
        metavar="FILE",
        type=Path,
        help="archive to write: .tar.gz/.tgz or .zip by extension "
        "(default: PROJECT_DIR/../NAME-phase5-YYYYMMDD.tar.gz); "
        "with --format prometheus, grafana or prometheus-operator, the folder to copy the files into (required)",
    )
    parser.add_argument(
        "--force", action="store_true", help="overwrite an existing archive (or existing Prometheus files)"
    )
    parser.add_argument(
        "--format",
        choices=("archive", "prometheus", "grafana", "prometheus-operator"),
        default="archive",
        help="archive: the whole project folder (default); prometheus: just the rule, test and "
        "Alertmanager files (phase-5-operations/prometheus/*.yml) for a monitoring repository; "
        "grafana: just phase-5-operations/grafana/dashboard.json; prometheus-operator: just "
        "phase-5-operations/prometheus/prometheusrule.yaml (a PrometheusRule resource)",
    )
    parser.add_argument("-n", "--dry-run", action="store_true", help="list what would be exported; write nothing")
    add_json_argument(parser, "archive path, size, manifest digest, files")


def human_size(size: int) -> str:
    value = float(size)
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{size} B"  # pragma: no cover


@honours_json
def run(args) -> int:
    prefix = "aiwf export"
    if args.dry_run:  # writes nothing: needs no lock
        return _export(args, prefix)
    # One project, one writer: an archive taken during a render would mix old and new files.
    return under_project_lock(args.project_dir, prefix, "export", lambda: _export(args, prefix))


def _export(args, prefix: str) -> int:
    from aiwf_tui import export

    root: Path = args.project_dir
    try:
        if args.format != "archive":
            fmt = args.format
            if args.output is None:
                return fail(
                    prefix, f"--format {fmt} needs -o DIR (the folder of your monitoring repository)", EXIT_USAGE
                )
            if args.dry_run:
                files = export.format_files(root, fmt)
                if json_output():
                    print_json(_json(fmt, True, args.output, files=[_entry(p, root) for p in files]))
                    return EXIT_OK
                for path in files:
                    print(path.relative_to(root.absolute()).as_posix())
                return EXIT_OK
            written = export.export_format(root, fmt, args.output, force=args.force)
            if json_output():
                print_json(_json(fmt, False, args.output, files=[_entry(p, args.output) for p in written]))
                return EXIT_OK
            kind = {"prometheus": "Prometheus", "grafana": "Grafana", "prometheus-operator": "Prometheus Operator"}[fmt]
            print(
                f"copied {len(written)} {kind} file{'s' if len(written) != 1 else ''} to {args.output}",
                file=sys.stderr,
            )
            for path in written:
                print(path)
            return EXIT_OK
        out = args.output if args.output is not None else export.default_archive_path(root)
        if args.dry_run:
            export.archive_format(out)
            files = export.plan_export(root, exclude=(out,))
            base = root.absolute()
            if json_output():
                print_json(_json("archive", True, out, files=[_entry(p, base) for p in files]))
                return EXIT_OK
            for path in files:
                print(path.relative_to(base).as_posix())
            print(
                f"{len(files)} files + {export.MANIFEST_NAME} would go into {out}"
                + (" (it exists: --force would overwrite it)" if out.exists() else ""),
                file=sys.stderr,
            )
            return EXIT_OK
        result = export.export_archive(root, out, force=args.force)
    except AiwfError as exc:
        return report(exc, prefix)
    if json_output():
        print_json(
            _json(
                "archive",
                False,
                result.path,
                size=result.size,
                manifest_sha256=result.manifest_sha256,
                files=[_entry(p, root.absolute()) for p in result.files],
            )
        )
        return EXIT_OK
    print(
        f"wrote {result.path} ({len(result.files)} files + {export.MANIFEST_NAME}, {human_size(result.size)})",
        file=sys.stderr,
    )
    print(result.path)
    return EXIT_OK


def _entry(path: Path, base: Path) -> dict:
    """A file of the export: its path relative to `base` (POSIX), and its size."""
    path = Path(path)
    return {"path": path.absolute().relative_to(Path(base).absolute()).as_posix(), "bytes": path.stat().st_size}


def _json(
    kind: str,
    dry_run: bool,
    output: Path,
    *,
    files: list[dict],
    size: int | None = None,
    manifest_sha256: str | None = None,
) -> dict:
    """What `export --json` prints (docs/json.md)."""
    return {
        "format": kind,
        "dry_run": dry_run,
        "output": str(Path(output).absolute()),
        "size": size,
        "manifest_sha256": manifest_sha256,
        "files": files,
    }
