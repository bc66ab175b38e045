"""`aiwf drill PROJECT_DIR [--json]`: fire every alert through a real Prometheus and a real
Alertmanager on loopback, and report what fired, where it was routed, and what was inhibited.

Exit codes: 0 every alert fired and was routed, linked and inhibited as planned; 1 a
check failed or the project is invalid; 3 a NO-GO project; 4 Prometheus or Alertmanager
is missing (nothing was run).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, ClassVar

from aiwf_tui.commands.common import (
    EXIT_INVALID,
    EXIT_OK,
    add_json_argument,
    add_project_argument,
    fail,
    load_project_and_plan,
    print_json,
    report,
)
from aiwf_tui.errors import AiwfError

#: Exit code when a server binary is missing: the drill was skipped, not failed.
EXIT_SKIPPED = 4


def add_arguments(parser) -> None:
    add_project_argument(parser)
    parser.add_argument(
        "--plan",
        metavar="FILE",
        type=Path,
        help="the operations plan (default: PROJECT_DIR/phase-5-operations/operations-plan.yaml)",
    )
    add_json_argument(parser, "every alert's result and the verdict")


def run(args) -> int:
    prefix = "aiwf drill"
    from aiwf_tui.drill.run import DrillError, run_drill

    loaded = load_project_and_plan(args.project_dir, args.plan, prefix)
    if isinstance(loaded, int):
        return loaded
    project, _, plan = loaded
    live = None if args.json or not sys.stdout.isatty() else _LiveView()
    try:
        if live is not None:
            live.start(plan)
        try:
            result = run_drill(project, plan, on_event=live.event if live else None)
        finally:
            if live is not None:
                live.stop()
    except AiwfError as exc:
        return report(exc, prefix)
    except DrillError as exc:
        return fail(prefix, f"{exc}; the drill did not run", EXIT_SKIPPED if exc.missing else EXIT_INVALID)
    if args.json:
        print_json(result.as_json())
    else:
        _print_plain(result, show_table=live is None)
    return EXIT_OK if result.passed else EXIT_INVALID


def _verdict_line(result) -> str:
    failed = [a for a in result.alerts if not a.passed]
    if not failed:
        driven = sum(a.phase is not None for a in result.alerts)
        undriven = len(result.alerts) - driven
        return (
            f"passed: {driven} alert{'s' if driven != 1 else ''} fired and reached "
            f"{'their receivers' if driven != 1 else 'its receiver'} as planned"
            + (f", {undriven} not driven (see each one's note)" if undriven else "")
            + f" ({result.seconds:.0f} s, time compressed {result.factor:g}x)"
        )
    return f"FAILED: {len(failed)} of {len(result.alerts)} alerts did not behave as planned ({result.seconds:.0f} s)"


def _print_plain(result, show_table: bool) -> None:
    from aiwf_tui.safetext import clean_text

    if show_table:
        for a in result.alerts:
            after = "-" if a.seconds is None else f"{a.seconds:.1f}s"
            line = (
                f"{'ok  ' if a.passed else 'FAIL'}  {a.name}: fired={'yes' if a.fired else 'no'} after {after}, "
                f"receiver {a.receiver or '-'} (planned {a.expected_receiver}), "
                f"runbook link {'ok' if a.runbook_url_ok else 'broken' if a.runbook_url_ok is False else '-'}, "
                f"inhibited {_yes_no(a.inhibited)} (planned {_yes_no(a.expected_inhibited)})"
            )
            if a.note:
                line += f" - {a.note}"
            print(clean_text(line))
    else:
        for a in result.alerts:
            if a.note:
                print(clean_text(f"{a.name}: {a.note}"))
    print(_verdict_line(result))


def _yes_no(value: bool | None) -> str:
    return "-" if value is None else ("yes" if value else "no")


class _LiveView:
    """Per-alert progress on a terminal (Rich), redrawn on each drill event."""

    STATES: ClassVar[dict[str, str]] = {
        "waiting": "dim",
        "armed": "yellow",
        "firing": "bold yellow",
        "delivered": "green",
        "inhibited": "cyan",
        "not driven": "dim",
    }

    def __init__(self) -> None:
        from rich.console import Console

        self.console = Console()
        self.rows: dict[str, dict[str, str]] = {}
        self.status = "starting Prometheus and Alertmanager..."
        self.live: Any = None

    def start(self, plan) -> None:
        from rich.live import Live

        from aiwf_tui.drill.run import expected_receiver
        from aiwf_tui.render.prometheus import alert_names

        for name, rule in zip(alert_names(plan.alerting.rules), plan.alerting.rules):
            self.rows[name] = {
                "severity": rule.severity,
                "state": "waiting",
                "after": "",
                "receiver": "",
                "planned": expected_receiver(plan, rule),
            }
        self.live = Live(self._table(), console=self.console, refresh_per_second=8, transient=False)
        self.live.start()

    def stop(self) -> None:
        if self.live is not None:
            self.live.stop()

    def event(self, event) -> None:
        row = self.rows.get(event.alert)
        if event.kind == "started":
            self.status = f"servers up; time compressed {event.detail}x; inputs quiet"
        elif event.kind == "phase":
            self.status = (
                "lesser alerts: inputs across their thresholds"
                if event.detail == "warn"
                else "critical alerts too: routing and inhibition"
            )
        elif event.kind == "done":
            self.status = "done; stopping the servers"
        elif row is not None and event.kind == "firing":
            row["state"] = "firing" if row["state"] != "delivered" else row["state"]
            row["after"] = f"{event.seconds:.1f}s"
        elif row is not None and event.kind == "delivered":
            row["state"] = "delivered"
            row["after"] = f"{event.seconds:.1f}s"
            row["receiver"] = event.detail
        elif row is not None and event.kind == "inhibited":
            row["state"] = "inhibited"
        if self.live is not None:
            self.live.update(self._table())

    def _table(self):
        from rich.table import Table
        from rich.text import Text

        table = Table(title=Text(self.status), title_justify="left")
        for column in ("alert", "severity", "state", "after", "receiver", "planned"):
            table.add_column(column)
        for name, row in self.rows.items():
            wrong = row["receiver"] and row["receiver"] != row["planned"]
            table.add_row(
                Text(name),
                Text(row["severity"]),
                Text(row["state"], style=self.STATES.get(row["state"], "")),
                Text(row["after"]),
                Text(row["receiver"], style="bold red" if wrong else ""),
                Text(row["planned"]),
            )
        return table
