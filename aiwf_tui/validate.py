"""Check the rendered Prometheus/Alertmanager files with the real tools.

`validate(folder)` runs, in `phase-5-operations/prometheus/`:

- `promtool check rules alert-rules.yml`
- `promtool test rules alert-rules.test.yml`
- `amtool check-config alertmanager.yml`
- `amtool config routes test --config.file=alertmanager.yml --verify.receivers=R LABELS`
  for every entry of `alertmanager-routes.test.yml` (one per severity, plus rules that
  route to channels of their own)

and returns one `CheckResult` per command, so the CLI and the app show the same status.
A missing tool, a timeout or a missing file is a failed check with a message saying
what to do, never an exception. Nothing here starts a Prometheus or Alertmanager server.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import yaml

from aiwf_tui.layout import (
    ALERTMANAGER_NAME,
    PROMETHEUS_DIR,
    PROMETHEUS_NAMES,
    ROUTES_TEST_NAME,
    RULES_NAME,
    RULES_TEST_NAME,
)

#: Versions the generated files were written against (Debian bookworm's packages).
PINNED = {"promtool": "2.42", "amtool": "0.25"}
INSTALL_HINT = {
    "promtool": "install Prometheus 2.42 (Debian/Ubuntu: apt-get install prometheus) or put promtool on PATH",
    "amtool": "install Alertmanager 0.25 (Debian/Ubuntu: apt-get install prometheus-alertmanager) or put amtool on PATH",
}
DEFAULT_TIMEOUT = 120.0


@dataclass(frozen=True)
class CheckResult:
    """One check: its name, whether it passed, and the tool output's key line."""

    name: str
    ok: bool
    detail: str
    output: str = ""  # the tool's whole output, for a closer look

    def line(self) -> str:
        return f"{'PASS' if self.ok else 'FAIL'}  {self.name}: {self.detail}"


def tool_version(tool: str, timeout: float = 10.0) -> str | None:
    """`2.42.0` from `promtool --version`; None if the tool is missing or says nothing usable."""
    path = shutil.which(tool)
    if path is None:
        return None
    try:
        done = subprocess.run([path, "--version"], capture_output=True, text=True, timeout=timeout)
    except (OSError, subprocess.TimeoutExpired):
        return None
    m = re.search(r"version (\d+\.\d+(?:\.\d+)?)", done.stdout + done.stderr)
    return m.group(1) if m else None


def _key_line(output: str, ok: bool) -> str:
    lines = [line.strip() for line in output.splitlines() if line.strip()]
    lines = [line for line in lines if not line.startswith("Warning: --config.file flag overrides")]
    if not lines:
        return "no output"
    if ok:
        for line in lines:
            if "SUCCESS" in line:
                return line
        return lines[-1] if len(lines) > 1 else lines[0]
    for i, line in enumerate(lines):
        if "FAILED" in line or "WARNING" in line or "error" in line.lower():
            rest = " ".join(lines[i + 1 : i + 3])
            return " ".join(f"{line} {rest}".split())[:400]
    return " ".join(lines[:3])[:400]


def _unit_test_failures(output: str) -> str | None:
    """`HighErrorRate at 20m: expected firing, got none; ...` from promtool test rules output."""
    blocks = re.split(r"\n\s*alertname: ", output)[1:]
    items = []
    for block in blocks:
        head = re.match(r"(\S+), time: ([^,\s]+)", block)
        if not head:
            continue
        exp_none, got_none = re.search(r"exp:\s*\[\]", block), re.search(r"got:\s*\[\]", block)
        if exp_none and not got_none:
            what = "expected no alert, got it firing"
        elif got_none and not exp_none:
            what = "expected it firing, got none"
        else:
            what = "labels or annotations differ"
        items.append(f"{head.group(1)} at {head.group(2)}: {what}")
    if not items:
        return None
    return f"FAILED {len(items)}: " + "; ".join(items)


def _run(name: str, argv: list[str], cwd: Path, timeout: float) -> CheckResult:
    tool = argv[0]
    path = shutil.which(tool)
    if path is None:
        return CheckResult(name, False, f"{tool} is not installed - {INSTALL_HINT.get(tool, 'put it on PATH')}")
    try:
        done = subprocess.run(
            [path, *argv[1:]],
            cwd=cwd,
            capture_output=True,
            text=True,
            timeout=timeout,
            env={**os.environ, "LC_ALL": "C"},
        )
    except subprocess.TimeoutExpired:
        return CheckResult(name, False, f"timed out after {timeout:g}s")
    except OSError as exc:
        return CheckResult(name, False, f"could not run {tool}: {exc}")
    output = (done.stdout or "") + (done.stderr or "")
    ok = done.returncode == 0
    detail = _key_line(output, ok)
    if not ok and argv[:3] == ["promtool", "test", "rules"]:
        detail = _unit_test_failures(output) or detail
    if not ok:
        detail = f"exit {done.returncode}: {detail}"
    return CheckResult(name, ok, detail, output)


def _route_tests(directory: Path) -> tuple[list[dict], str | None]:
    try:
        data = yaml.safe_load((directory / ROUTES_TEST_NAME).read_text(encoding="utf-8"))
        tests = data["tests"]
        for t in tests:
            if not isinstance(t["labels"], dict) or not isinstance(t["receivers"], list):
                raise TypeError
        return tests, None
    except (OSError, yaml.YAMLError, KeyError, TypeError):
        return [], f"{ROUTES_TEST_NAME} is not a list of tests with labels and receivers - run aiwf render again"


def validate(folder: str | Path, timeout: float = DEFAULT_TIMEOUT) -> list[CheckResult]:
    """Run every check on a project folder (or on its prometheus folder itself)."""
    folder = Path(folder)
    directory = (
        folder
        if (folder / RULES_NAME).is_file() and not (folder / PROMETHEUS_DIR).is_dir()
        else folder / PROMETHEUS_DIR
    )
    missing = [name for name in PROMETHEUS_NAMES if not (directory / name).is_file()]
    if missing:
        return [
            CheckResult(
                "prometheus files", False, f"{', '.join(missing)} not found in {directory} - run aiwf render first"
            )
        ]
    results = [
        _run("promtool check rules", ["promtool", "check", "rules", RULES_NAME], directory, timeout),
        _run("promtool test rules", ["promtool", "test", "rules", RULES_TEST_NAME], directory, timeout),
        _run("amtool check-config", ["amtool", "check-config", ALERTMANAGER_NAME], directory, timeout),
    ]
    tests, problem = _route_tests(directory)
    if problem:
        results.append(CheckResult("amtool config routes test", False, problem))
    for test in tests:
        labels = [f"{k}={v}" for k, v in test["labels"].items()]
        expected = ",".join(str(r) for r in test["receivers"])
        result = _run(
            f"amtool config routes test {' '.join(labels)}",
            [
                "amtool",
                "config",
                "routes",
                "test",
                f"--config.file={ALERTMANAGER_NAME}",
                f"--verify.receivers={expected}",
                *labels,
            ],
            directory,
            timeout,
        )
        if result.ok:
            result = CheckResult(result.name, True, f"routes to {result.detail}", result.output)
        elif "WARNING" in result.output:
            got = next(
                (
                    ln.strip()
                    for ln in result.output.splitlines()
                    if ln.strip() and "WARNING" not in ln and not ln.startswith("Warning")
                ),
                "?",
            )
            result = CheckResult(result.name, False, f"routes to {got}, expected {expected}", result.output)
        results.append(result)
    return results


def version_notes() -> list[str]:
    """A line per tool whose installed version differs from the one the files were written for."""
    notes = []
    for tool, pinned in PINNED.items():
        found = tool_version(tool)
        if found is not None and not found.startswith(pinned + ".") and found != pinned:
            notes.append(f"note: {tool} {found} is installed; the generated files were written against {pinned}")
    return notes


__all__ = ["CheckResult", "validate", "tool_version", "version_notes", "PINNED"]
