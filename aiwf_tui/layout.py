"""Every path and file name of a project folder that aiwf reads or writes, in one place.

Paths are relative to the project folder and use `/`, as the rendered file maps and the
messages show them; join them with `Project.path(rel)` or `root / rel`.
"""

from __future__ import annotations

# -- files the earlier phases leave (read; sidecar, spec and log also updated) ------------
SIDECAR = "sidecar.yaml"
PROJECT_SPEC = "project-spec.md"
DECISION_LOG = "decision-log.md"

# -- Phase 5 ---------------------------------------------------------------------------
OPERATIONS_DIR = "phase-5-operations"
PLAN_FILE = f"{OPERATIONS_DIR}/operations-plan.yaml"
RUNBOOK_NAME = "runbook.md"
RUNBOOK_FILE = f"{OPERATIONS_DIR}/{RUNBOOK_NAME}"
ALERTS_TEMPLATE_FILE = f"{OPERATIONS_DIR}/templates/alerts-config.template.yaml"
ALERTS_CONFIG_FILE = f"{OPERATIONS_DIR}/alerts-config.yaml"

# -- Prometheus and Alertmanager files (`aiwf validate` and `export --format prometheus`) -----
PROMETHEUS_DIR = f"{OPERATIONS_DIR}/prometheus"
RULES_NAME = "alert-rules.yml"
RULES_TEST_NAME = "alert-rules.test.yml"
ALERTMANAGER_NAME = "alertmanager.yml"
ROUTES_TEST_NAME = "alertmanager-routes.test.yml"
PROMETHEUS_NAMES = (RULES_NAME, RULES_TEST_NAME, ALERTMANAGER_NAME, ROUTES_TEST_NAME)
RULES_FILE = f"{PROMETHEUS_DIR}/{RULES_NAME}"
RULES_TEST_FILE = f"{PROMETHEUS_DIR}/{RULES_TEST_NAME}"
ALERTMANAGER_FILE = f"{PROMETHEUS_DIR}/{ALERTMANAGER_NAME}"
ROUTES_TEST_FILE = f"{PROMETHEUS_DIR}/{ROUTES_TEST_NAME}"
#: The Prometheus Operator's resource carrying the same rule groups (a `.yaml`, so
#: `export --format prometheus`, which copies `*.yml`, leaves it out).
PROMETHEUS_RULE_NAME = "prometheusrule.yaml"
PROMETHEUS_RULE_FILE = f"{PROMETHEUS_DIR}/{PROMETHEUS_RULE_NAME}"

# -- Grafana ---------------------------------------------------------------------------
GRAFANA_DIR = f"{OPERATIONS_DIR}/grafana"
DASHBOARD_NAME = "dashboard.json"
DASHBOARD_FILE = f"{GRAFANA_DIR}/{DASHBOARD_NAME}"

#: The Phase 5 artifacts `aiwf check` reports as present or missing.
PHASE5_FILES = (PLAN_FILE, RUNBOOK_FILE, ALERTS_TEMPLATE_FILE, ALERTS_CONFIG_FILE)

#: Every file aiwf writes into a project (`aiwf check` makes sure each stays inside it).
WRITTEN_FILES = (
    PLAN_FILE,
    RUNBOOK_FILE,
    ALERTS_TEMPLATE_FILE,
    ALERTS_CONFIG_FILE,
    SIDECAR,
    DECISION_LOG,
    PROJECT_SPEC,
    RULES_FILE,
    RULES_TEST_FILE,
    ALERTMANAGER_FILE,
    ROUTES_TEST_FILE,
    PROMETHEUS_RULE_FILE,
    DASHBOARD_FILE,
)

# -- aiwf's own files in the project folder (never exported) ----------------------------
#: The lock a running session keeps (pid, host, since when).
LOCK_NAME = ".aiwf.lock"
#: Autosave and writer temp files start with this, so export and sweeps can recognise them.
TEMP_PREFIX = ".aiwf-tmp-"
