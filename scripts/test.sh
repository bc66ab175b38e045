#!/usr/bin/env bash
# Install everything the tests need, then run the whole suite (README command 2; CI runs this).
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian packages: Prometheus 2.42 / Alertmanager 0.25 (Debian 12) for the alert-rule tests
# (promtool, amtool) and the fire drill (the prometheus and prometheus-alertmanager servers,
# which the drill's tests start themselves on loopback), tmux for the terminal tests, and
# OpenSSH (server and client) for the test that runs aiwf over a real SSH connection (it starts
# its own sshd on loopback; the package's own service is not needed).
need=()
{ command -v promtool && command -v prometheus; } >/dev/null 2>&1 || need+=(prometheus)
{ command -v amtool && { command -v alertmanager || command -v prometheus-alertmanager; }; } >/dev/null 2>&1 \
  || need+=(prometheus-alertmanager)
command -v tmux >/dev/null 2>&1 || need+=(tmux)
{ command -v sshd || [ -x /usr/sbin/sshd ]; } >/dev/null 2>&1 || need+=(openssh-server)
{ command -v ssh && command -v ssh-keygen; } >/dev/null 2>&1 || need+=(openssh-client)
if [ ${#need[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${need[@]}"
fi

python3 -m venv .venv
.venv/bin/python -m pip install -q -e '.[test]'
# Bytecode for the package, the tests' helpers and bench/: with PYTHONDONTWRITEBYTECODE set (as
# on the CI machine) nothing else writes it, and every `python -m aiwf_tui` a test starts would
# compile the modules it imports again.
.venv/bin/python -m compileall -q aiwf_tui bench tests >/dev/null

# Static checks first: lint and format, the import contracts, then types (all in pyproject.toml).
.venv/bin/ruff check .
.venv/bin/ruff format --check .
.venv/bin/lint-imports
# mypy (~10 s on one core) runs beside the suite's start-up; its report is printed, and a type
# error fails the run, once the suite has finished.
mypy_report="$(mktemp)"
trap 'rm -f "$mypy_report"' EXIT
.venv/bin/mypy >"$mypy_report" 2>&1 &
mypy_pid=$!

# Two workers per core (pytest-xdist): many tests wait on real time (a Prometheus evaluating,
# a server stalling on purpose, the pilot waiting for idle), and a second worker per core runs
# meanwhile. On 2 cores, before the suite was made cheaper: 365 s with -n 2, 275 s with -n 4;
# now 191 s with -n 4, and 219 s for the whole of this script from a fresh clone. A module
# whose tests share one expensive fixture stays on one worker (xdist_group + loadgroup).
# Hypothesis runs its `ci` profile (half the examples of a plain `pytest`;
# HYPOTHESIS_PROFILE=thorough for ten times as many). bench/run.py --smoke runs once, inside
# the suite (tests/test_bench_smoke.py checks that it prints every figure).
status=0
.venv/bin/python -m pytest -q -p no:cacheprovider -n "$(( 2 * $(nproc) ))" --dist loadgroup \
  --hypothesis-profile="${HYPOTHESIS_PROFILE:-ci}" "$@" || status=$?
echo "mypy:"
wait "$mypy_pid" || status=1
cat "$mypy_report"
exit "$status"
