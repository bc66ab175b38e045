"""The operations plan: every answer and table of Phase 5, saved as
`phase-5-operations/operations-plan.yaml`.

It is the answers file. The app edits it, `aiwf render` reads it, and every
artifact is a pure function of (project, plan). Each section carries
`status: draft | confirmed`: nothing is written until the engineer confirms.
"""

import itertools
import math
import re
from typing import Any, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from aiwf_tui.model.fields import new_dict, new_list

PLAN_VERSION = 1

Status = Literal["draft", "confirmed"]
Severity = Literal["critical", "high", "medium", "low"]
SeverityLabels = Literal["critical-high-medium-low", "critical-warning-info"]
#: A plan severity as the `critical-warning-info` scheme writes it.
WARNING_SCHEME = {"critical": "critical", "high": "warning", "medium": "warning", "low": "info"}
SEVERITIES: tuple[Severity, ...] = ("critical", "high", "medium", "low")
Comparator = Literal[">", ">=", "<", "<=", "==", "!="]
COMPARATORS: tuple[str, ...] = (">", ">=", "<", "<=", "==", "!=")
AlertCategory = Literal["availability", "performance", "quality", "cost", "rag", "security"]
ALERT_CATEGORIES: tuple[str, ...] = ("availability", "performance", "quality", "cost", "rag", "security")
ChannelKind = Literal["pagerduty", "slack", "email", "webhook", "msteams"]
CHANNEL_KINDS: tuple[str, ...] = ("pagerduty", "slack", "email", "webhook", "msteams")

DURATION_RE = re.compile(r"^(?:\d+(?:ms|s|m|h|d|w|y))+$")
#: The longest `for:` an alert may wait before firing (1 day). An alert that waits longer is a
#: report, not a page; and the promtool unit tests aiwf writes grow with it (measured: `1d`
#: renders in well under a second; `10y` took 21 s and promtool timed out; `200y` ran out of memory).
MAX_DURATION_SECONDS = 86_400
SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
CHANNEL_NAME_RE = re.compile(r"^[a-z0-9][a-z0-9_-]*$")

#: Metrics an alert rule can name, with what they mean; `aiwf_tui.render.promql`
#: maps each onto PromQL over the documented naming convention.
METRICS: dict[str, str] = {
    "up": "service reachable: 1 while any of its scrape targets answers, 0 when all are down",
    "instance_up": "one scrape target of the service reachable (1 up, 0 down)",
    "targets_absent": "1 when Prometheus has no scrape target for the service left (it vanished from discovery)",
    "error_rate": "share of requests that fail (0-1)",
    "latency_p99": "99th percentile request latency (seconds)",
    "latency_p95": "95th percentile request latency (seconds)",
    "throughput": "requests per second",
    "drift_score": "input drift score (0-1)",
    "quality_score": "online quality score (0-1)",
    "daily_tokens": "LLM tokens used over the last 24 h",
    "cache_hit_rate": "share of requests served from cache (0-1)",
    "denied_request_rate": "share of requests refused as unauthenticated or forbidden (0-1)",
    "empty_retrieval_rate": "share of retrievals returning nothing (0-1)",
    "vector_db_latency_p99": "99th percentile vector DB query latency (seconds)",
    "retrieval_latency_p99": "99th percentile retrieval latency (seconds)",
}


#: The values each metric can take: an alert whose condition holds for all of them, or for
#: none, is a page that never stops or never comes (`error_rate > 5` meant 5%).
_UNIT_INTERVAL = {"up", "instance_up", "targets_absent"} | {name for name, text in METRICS.items() if "(0-1)" in text}
METRIC_RANGES: dict[str, tuple[float, float]] = {
    name: (0.0, 1.0) if name in _UNIT_INTERVAL else (0.0, math.inf) for name in METRICS
}


def check_can_fire(metric: str, comparator: str, threshold: float) -> None:
    """Refuse a threshold outside what the metric can read, where the alert could never change state."""
    low, high = METRIC_RANGES.get(metric, (-math.inf, math.inf))
    holds = {
        ">": (high > threshold, low > threshold),
        ">=": (high >= threshold, low >= threshold),
        "<": (low < threshold, high < threshold),
        "<=": (low <= threshold, high <= threshold),
        "==": (low <= threshold <= high, low == high == threshold),
        "!=": (not (low == high == threshold), not (low <= threshold <= high)),
    }[comparator]
    can_hold, always_holds = holds
    span = "a share from 0 to 1" if high == 1.0 else "never below 0"
    hint = f" ({threshold:g}% is {threshold / 100:g})" if high == 1.0 and 1 < threshold <= 100 else ""
    if not can_hold:
        raise ValueError(f"{metric} is {span}: {comparator} {threshold:g} can never fire{hint}")
    if always_holds:
        raise ValueError(f"{metric} is {span}: {comparator} {threshold:g} would always fire")


EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")
URL_RE = re.compile(r"^https?://[^\s/?#]+(?:[/?#].*)?$", re.DOTALL)


def check_not_reserved(value: str) -> str:
    """Refuse the reserved `.invalid` placeholder domain (RFC 2606): it is a to-do, not an answer."""
    host = re.split(r"[/?#]", value.strip().split("://", 1)[-1].split("@")[-1], maxsplit=1)[0]
    if host.lower().rstrip(".").endswith(".invalid") or host.lower() == "invalid":
        raise ValueError(f"{value.strip()!r} is a reserved placeholder (.invalid); give the real one")
    return value


def check_email(value: str) -> str:
    """An e-mail address such as oncall@example.com."""
    if not EMAIL_RE.match(value.strip()):
        raise ValueError("an e-mail address, like ml-oncall@example.com")
    return check_not_reserved(value)


def check_url(value: str) -> str:
    """An http(s) URL such as https://wiki.example.com/runbook."""
    if not URL_RE.match(value.strip()):
        raise ValueError("a URL starting with https:// (or http://), like https://wiki.example.com/ops/runbook")
    return check_not_reserved(value)


def slugify(text: str) -> str:
    """A heading anchor: lower-case words joined by hyphens."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def duration_seconds(value: str) -> int:
    """Seconds in a Prometheus duration such as `5m` or `1h30m`."""
    units = {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800, "y": 31536000}
    total = 0.0
    for number, unit in re.findall(r"(\d+)(ms|s|m|h|d|w|y)", value):
        total += int(number) * units[unit]
    return int(total)


class Row(BaseModel):
    """A table row: strict about keys, so a typo in the YAML is reported, not dropped."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True)


# -- monitoring --------------------------------------------------------------------
class Pillar(Row):
    pillar: str
    capture: str = ""
    tools: str = ""


class MetricRow(Row):
    metric: str
    why: str = ""
    threshold: str = ""


class Section(BaseModel):
    """What every section has: its review status and the knowledge that informed it."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True)

    status: Status = "draft"
    knowledge_refs: list[str] = Field(default_factory=new_list)


class MonitoringSection(Section):
    infrastructure: str = ""  # "What monitoring infrastructure do you have?"
    critical_metrics: str = ""  # "What metrics are most critical for your use case?"
    pillars: list[Pillar] = Field(default_factory=new_list)
    llm_metrics: list[MetricRow] = Field(default_factory=new_list)
    rag_metrics: list[MetricRow] = Field(default_factory=new_list)
    tool: str = ""
    tool_reasoning: list[str] = Field(default_factory=new_list)


# -- drift ---------------------------------------------------------------------------
class DriftType(Row):
    type: str
    changes: str = ""
    detection: str = ""
    monitored: bool = True


class DriftApproach(Row):
    approach: str
    complexity: Literal["Low", "Medium", "High"] = "Medium"
    effectiveness: str = ""
    selected: bool = False


#: Drift severities from the mildest; their score bands must ascend in this order.
DRIFT_SEVERITY_ORDER = ("low", "medium", "high", "critical")


class SeverityResponse(Row):
    """A drift severity, what triggers it, its action and (optionally) its band of the drift
    score (0-1), from `score_from` (inclusive) to `score_to`."""

    severity: str
    trigger: str = ""
    action: str = ""
    score_from: float | None = None
    score_to: float | None = None


class DriftSection(Section):
    change_pace: str = ""  # "How quickly do you expect your data/domain to change?"
    approach_answer: str = ""  # "What drift detection approach fits your resources?"
    types: list[DriftType] = Field(default_factory=new_list)
    approaches: list[DriftApproach] = Field(default_factory=new_list)
    responses: list[SeverityResponse] = Field(default_factory=new_list)

    @model_validator(mode="after")
    def _bands_in_order(self) -> Self:
        """Each band lies within 0-1 and runs upwards; bands never overlap, and a graver severity
        never sits below a milder one. (Checked on the section: the editor re-validates it after
        each edit and puts the old value back when it fails.)"""
        for r in self.responses:
            lo, hi = r.score_from, r.score_to
            for value in (lo, hi):
                if value is not None and not (0 <= value <= 1):
                    raise ValueError(f"{r.severity}: a drift score band lies within 0 and 1 (got {value:g})")
            if lo is not None and hi is not None and lo >= hi:
                raise ValueError(f"{r.severity}: the band is inverted ({lo:g} to {hi:g}); 'from' must be below 'to'")
        banded = sorted(
            (r for r in self.responses if r.score_from is not None and r.score_to is not None),
            key=lambda r: (r.score_from, r.score_to),
        )
        for below, above in itertools.pairwise(banded):
            assert below.score_to is not None and above.score_from is not None
            if above.score_from < below.score_to:
                raise ValueError(
                    f"drift bands overlap: {below.severity} ends at {below.score_to:g} but {above.severity} "
                    f"starts at {above.score_from:g}; move one edge"
                )
            ranks = [
                DRIFT_SEVERITY_ORDER.index(r.severity.strip().lower())
                if r.severity.strip().lower() in DRIFT_SEVERITY_ORDER
                else None
                for r in (below, above)
            ]
            if ranks[0] is not None and ranks[1] is not None and ranks[0] > ranks[1]:
                raise ValueError(
                    f"drift bands are inverted: {below.severity} lies below {above.severity}; "
                    "swap their bands (low < medium < high < critical)"
                )
        return self


# -- alerting ------------------------------------------------------------------------
class Channel(Row):
    """A notification channel. `target` names it (a Slack channel, an address, a
    PagerDuty service); secrets never live here (Alertmanager reads them from files)."""

    name: str
    kind: ChannelKind
    target: str = ""

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        if not CHANNEL_NAME_RE.match(value):
            raise ValueError("a channel name is lower-case letters, digits, '-' or '_' (e.g. pagerduty, slack-ops)")
        return value

    @model_validator(mode="after")
    def _target(self) -> Self:
        if self.target.strip():
            if self.kind == "email":
                check_email(self.target)
            elif self.kind in ("webhook", "msteams"):
                check_url(self.target)
            else:
                check_not_reserved(self.target)
        return self


class AlertRule(Row):
    name: str
    category: AlertCategory
    metric: str
    comparator: Comparator = ">"
    threshold: float | None = None  # a decision: open until the engineer gives it
    duration: str | None = None  # the `for` duration, also the engineer's decision
    severity: Severity
    channels: list[str] = Field(default_factory=new_list)
    runbook_anchor: str
    placeholder: str | None = None  # the alerts-config template placeholder it fills
    promql: str | None = None  # a rule may carry its own PromQL instead of `metric`
    description: str = ""

    @field_validator("duration")
    @classmethod
    def _duration(cls, value: str | None) -> str | None:
        if value is None:
            return None
        value = value.strip()
        if not DURATION_RE.match(value) or len(value) > 40:
            raise ValueError("a duration is a number and a unit, like 30s, 5m, 1h or 1h30m")
        if duration_seconds(value) > MAX_DURATION_SECONDS:
            raise ValueError(f"{value} is longer than an alert may wait (at most 1d, i.e. 24h)")
        return value

    @field_validator("threshold")
    @classmethod
    def _finite(cls, value: float | None) -> float | None:
        if value is not None and not math.isfinite(value):
            raise ValueError("a threshold is a finite number (not .nan or .inf)")
        return value

    @field_validator("promql")
    @classmethod
    def _promql(cls, value: str | None) -> str | None:
        """Custom PromQL must parse and be able to be an alert condition (a real PromQL parser says why not)."""
        if value is None:
            return None
        from aiwf_tui.model.promql import check_promql

        check_promql(value)  # raises PromQLError (a ValueError) with the parser's message and column
        return value

    @field_validator("runbook_anchor")
    @classmethod
    def _anchor(cls, value: str) -> str:
        value = value.strip().lstrip("#")
        if not SLUG_RE.match(value):
            raise ValueError("a runbook anchor is lower-case words joined by '-', like error-rate-high")
        return value

    @field_validator("metric")
    @classmethod
    def _metric(cls, value: str) -> str:
        value = value.strip()
        if not re.match(r"^[a-zA-Z_:][a-zA-Z0-9_:]*$", value):
            raise ValueError(f"a metric is a name like error_rate; known: {', '.join(METRICS)}")
        return value

    @model_validator(mode="after")
    def _metric_known(self) -> Self:
        if self.promql is None and self.metric not in METRICS:
            raise ValueError(
                f"metric {self.metric!r} is not one aiwf knows ({', '.join(METRICS)}); "
                "use one of those or give the rule its own promql"
            )
        if self.promql is None and self.threshold is not None:
            check_can_fire(self.metric, self.comparator, self.threshold)
        return self

    @property
    def anchor(self) -> str:
        return self.runbook_anchor

    @property
    def answered(self) -> bool:
        """Whether the engineer has given both the threshold and the `for` duration."""
        return self.threshold is not None and self.duration is not None

    @property
    def threshold_value(self) -> float:
        """The threshold of an answered rule (what Prometheus is given; open rules never get there)."""
        if self.threshold is None:
            raise ValueError(f"alert {self.name!r} has no threshold yet")
        return self.threshold

    @property
    def duration_value(self) -> str:
        """The `for` duration of an answered rule."""
        if self.duration is None:
            raise ValueError(f"alert {self.name!r} has no duration yet")
        return self.duration

    @property
    def condition(self) -> str:
        """The condition as the workflow writes it, e.g. `error_rate > 0.05`
        (`{{PLACEHOLDER}}` standing for a threshold not given yet)."""
        return f"{self.metric} {self.comparator} {self.threshold_text}"

    @property
    def threshold_text(self) -> str:
        """The threshold as written in every artifact, or its placeholder while open."""
        if self.threshold is None:
            return "{{" + (self.placeholder or slugify(self.name).upper().replace("-", "_") + "_THRESHOLD") + "}}"
        return format_number(self.threshold)

    @property
    def duration_text(self) -> str:
        """The `for` duration, or a placeholder while open."""
        return (
            self.duration
            if self.duration is not None
            else "{{" + slugify(self.name).upper().replace("-", "_") + "_DURATION}}"
        )


class Principle(Row):
    principle: str
    description: str = ""
    how: str = ""  # how this plan meets it


class AlertingSection(Section):
    channels_answer: str = ""  # "What alerting channels do you use?"
    notify_answer: str = ""  # "Who should be notified for different severity levels?"
    channels: list[Channel] = Field(default_factory=new_list)
    routing: dict[Severity, list[str]] = Field(default_factory=new_dict)
    rules: list[AlertRule] = Field(default_factory=new_list)
    principles: list[Principle] = Field(default_factory=new_list)
    service: str = ""  # the `service` label the rules and inhibit rules share
    #: The `severity` label the rules carry: the workflow's four levels, or critical/warning/info
    #: (high and medium -> warning, low -> info) for Alertmanager setups that route on those; then
    #: the plan's level travels in a `priority` label, which aiwf's own routes and inhibitions read.
    severity_labels: SeverityLabels = "critical-high-medium-low"

    @model_validator(mode="after")
    def _channels_declared(self) -> Self:
        declared = {c.name for c in self.channels}
        for severity, names in self.routing.items():
            for name in names:
                if name not in declared:
                    raise ValueError(
                        f"routing for {severity} names channel {name!r}, which is not declared under channels"
                    )
        for rule in self.rules:
            for name in rule.channels:
                if name not in declared:
                    raise ValueError(
                        f"alert {rule.name!r} names channel {name!r}, which is not declared under channels"
                    )
        return self


# -- incident response -----------------------------------------------------------------
class IncidentLevel(Row):
    level: str
    name: str = ""
    description: str = ""
    response_time: str = ""
    responders: str = ""


class WorkflowStep(Row):
    step: str
    what: str = ""


class IncidentSection(Section):
    answer: str = ""  # who is on call, how escalation works
    levels: list[IncidentLevel] = Field(default_factory=new_list)
    workflow: list[WorkflowStep] = Field(default_factory=new_list)


# -- runbook ---------------------------------------------------------------------------
class Component(Row):
    name: str
    purpose: str = ""


class Dependency(Row):
    name: str
    impact: str = ""  # what breaks if unavailable


class HealthCheck(Row):
    component: str
    check: str = ""
    expected: str = ""


class CommonIssue(Row):
    anchor: str
    title: str
    symptoms: list[str] = Field(default_factory=new_list)
    diagnosis: list[str] = Field(default_factory=new_list)
    resolution: list[str] = Field(default_factory=new_list)
    escalation: str = ""

    @field_validator("anchor")
    @classmethod
    def _anchor(cls, value: str) -> str:
        value = value.strip().lstrip("#")
        if not SLUG_RE.match(value):
            raise ValueError("an anchor is lower-case words joined by '-', like latency-high")
        return value


class Contact(Row):
    role: str
    name: str = ""
    contact: str = ""


class UsefulCommand(Row):
    purpose: str
    command: str = ""


class RunbookSection(Section):
    components: list[Component] = Field(default_factory=new_list)
    dependencies: list[Dependency] = Field(default_factory=new_list)
    health_endpoint: str = "/health"
    health_expected: str = '{"status": "healthy"}'
    health_frequency: str = "Every 30 seconds"
    health_checks: list[HealthCheck] = Field(default_factory=new_list)
    issues: list[CommonIssue] = Field(default_factory=new_list)
    full_rollback_when: str = "Critical production issue"
    full_rollback_steps: list[str] = Field(default_factory=new_list)
    flag_rollback_when: str = "Issue with specific feature"
    flag_rollback_command: str = ""
    maintenance_notice: str = ""  # "Notify users [X hours] in advance"
    index_rebuild_when: str = "After embedding model change, corruption"
    index_rebuild_steps: list[str] = Field(default_factory=new_list)
    contacts: list[Contact] = Field(default_factory=new_list)
    commands: list[UsefulCommand] = Field(default_factory=new_list)
    dashboard_url: str = ""
    dashboard_panels: list[str] = Field(default_factory=new_list)

    @field_validator("dashboard_url")
    @classmethod
    def _dashboard(cls, value: str) -> str:
        return check_url(value) if value.strip() else value


# -- alerts config -------------------------------------------------------------------------
class AlertsConfigSection(Section):
    """The alerts-config template's placeholders. Thresholds come from the alert
    rules (one source of truth); what is left is where the runbook lives."""

    runbook_url: str = ""

    @field_validator("runbook_url")
    @classmethod
    def _url(cls, value: str) -> str:
        return check_url(value) if value.strip() else value


# -- continuous improvement ---------------------------------------------------------------
class FeedbackLoop(Row):
    loop: str
    frequency: str = ""
    purpose: str = ""


class ImprovementTrigger(Row):
    trigger: str
    action: str = ""


class ImprovementSection(Section):
    answer: str = ""  # "How do you want to structure continuous improvement?"
    loops: list[FeedbackLoop] = Field(default_factory=new_list)
    triggers: list[ImprovementTrigger] = Field(default_factory=new_list)


# -- decisions -----------------------------------------------------------------------------
class OperationsDecision(Row):
    id: str
    title: str
    choice: str = ""
    context: str = ""
    rationale: str = ""
    options: list[str] = Field(default_factory=new_list)
    knowledge_ref: str = ""
    consequences: list[str] = Field(default_factory=new_list)

    @field_validator("id")
    @classmethod
    def _id(cls, value: str) -> str:
        value = value.strip().lower()
        if not re.match(r"^op-\d{3}$", value):
            raise ValueError("an operations decision id is op- and three digits, like op-001")
        return value


class DecisionsSection(Section):
    decisions: list[OperationsDecision] = Field(default_factory=new_list)


#: The sections in workflow order: (plan attribute, title shown to the engineer).
SECTIONS: tuple[tuple[str, str], ...] = (
    ("monitoring", "Monitoring strategy"),
    ("drift", "Drift detection"),
    ("alerting", "Alerting"),
    ("incident", "Incident response"),
    ("runbook", "Runbook"),
    ("alerts_config", "Alerts config"),
    ("improvement", "Continuous improvement"),
    ("decisions", "Operations decisions"),
)


MetricProfile = Literal["aiwf", "opentelemetry-genai", "vllm", "custom"]
METRIC_PROFILES: tuple[str, ...] = ("aiwf", "opentelemetry-genai", "vllm", "custom")


class MetricsPlan(BaseModel):
    """Where the alert rules read their metrics: a profile (the service's own `aiwf` names, a
    vLLM server's, the OpenTelemetry GenAI conventions', or `custom`) and, for any plan metric,
    a PromQL expression that replaces the profile's (`overrides`). Confirmed with Monitoring."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True)

    profile: MetricProfile = "aiwf"
    overrides: dict[str, str] = Field(default_factory=new_dict)

    @field_validator("overrides")
    @classmethod
    def _overrides(cls, value: dict[str, str]) -> dict[str, str]:
        if not value:  # the usual plan: the PromQL parser is not even loaded
            return value
        from aiwf_tui.model.promql import PromQLError, check_promql

        for metric, promql in value.items():
            if metric not in METRICS or metric in ("up", "instance_up", "targets_absent"):
                raise ValueError(f"{metric!r} is not a plan metric that can be overridden ({', '.join(METRICS)})")
            try:
                parsed = check_promql(promql)
            except PromQLError as exc:
                raise ValueError(f"{metric}: {exc}") from None
            if parsed.is_condition:
                raise ValueError(
                    f"{metric}: an override is the metric's value, not a condition - drop the comparison "
                    "(the alert rule adds its own)"
                )
        return value


#: kube-prometheus-stack's Prometheus selects PrometheusRule resources by `release: <its Helm
#: release name>` (values.yaml, `ruleSelectorNilUsesHelmValues: true`); the chart's own name is
#: the usual release name.
DEFAULT_RELEASE_LABEL = "kube-prometheus-stack"
DEFAULT_NAMESPACE = "monitoring"
_DNS_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$")
_LABEL_VALUE = re.compile(r"^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$")


class KubernetesPlan(BaseModel):
    """Where the PrometheusRule resource goes: its namespace, and the `release` label the
    Prometheus Operator (kube-prometheus-stack) selects rules by. Checked as Kubernetes would."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True)

    namespace: str = DEFAULT_NAMESPACE
    release: str = DEFAULT_RELEASE_LABEL

    @field_validator("namespace")
    @classmethod
    def _namespace(cls, value: str) -> str:
        value = value.strip()
        if not _DNS_LABEL.match(value):
            raise ValueError(
                f"namespace {value!r} is not a Kubernetes namespace name (lower-case letters, digits and '-', "
                f"at most 63), e.g. {DEFAULT_NAMESPACE}"
            )
        return value

    @field_validator("release")
    @classmethod
    def _release(cls, value: str) -> str:
        value = value.strip()
        if not value or not _LABEL_VALUE.match(value):
            raise ValueError(
                f"release {value!r} is not a Kubernetes label value (letters, digits, '-', '_', '.', at most 63): "
                f"use your kube-prometheus-stack Helm release name, e.g. {DEFAULT_RELEASE_LABEL}"
            )
        return value


class OperationsPlan(BaseModel):
    """The whole plan. `version` lets a newer aiwf refuse an older file clearly (and vice versa)."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True)

    version: int = PLAN_VERSION
    project_name: str
    architecture: Literal["rag-only", "fine-tuning", "hybrid"]
    resume_section: str | None = None  # where the app was when it last saved
    monitoring: MonitoringSection = Field(default_factory=MonitoringSection)
    drift: DriftSection = Field(default_factory=DriftSection)
    alerting: AlertingSection = Field(default_factory=AlertingSection)
    metrics: MetricsPlan = Field(default_factory=MetricsPlan)
    kubernetes: KubernetesPlan = Field(default_factory=KubernetesPlan)
    incident: IncidentSection = Field(default_factory=IncidentSection)
    runbook: RunbookSection = Field(default_factory=RunbookSection)
    alerts_config: AlertsConfigSection = Field(default_factory=AlertsConfigSection)
    improvement: ImprovementSection = Field(default_factory=ImprovementSection)
    decisions: DecisionsSection = Field(default_factory=DecisionsSection)

    @field_validator("version")
    @classmethod
    def _version(cls, value: int) -> int:
        if value > PLAN_VERSION:
            raise ValueError(
                f"this plan was written by a newer aiwf (version {value}; this aiwf reads up to {PLAN_VERSION})"
            )
        if value < 1:
            raise ValueError("version must be 1 or more")
        return value

    def section(self, key: str) -> Section:
        value = getattr(self, key)
        assert isinstance(value, Section), key
        return value

    def drafts(self) -> list[str]:
        """Titles of the sections not yet confirmed."""
        return [title for key, title in SECTIONS if self.section(key).status != "confirmed"]

    def with_answered_rules(self) -> Self:
        """This plan with only the alert rules whose threshold and duration are given
        (what Prometheus can load); the plan itself when every rule is answered."""
        if all(rule.answered for rule in self.alerting.rules):
            return self
        copy = self.model_copy(deep=True)
        copy.alerting.rules = [rule for rule in copy.alerting.rules if rule.answered]
        return copy

    def anchors_needed(self) -> list[str]:
        """Every runbook anchor an alert links to."""
        return list(dict.fromkeys(rule.runbook_anchor for rule in self.alerting.rules))


def format_number(value: float) -> str:
    """Thresholds as people write them: 0.05, 5, 1500000 (no trailing .0)."""
    if float(value).is_integer():
        return str(int(value))
    return repr(float(value))


def plan_data(plan: OperationsPlan) -> dict[str, Any]:
    """The plan as plain data, in field order, for the YAML emitter."""
    return plan.model_dump(mode="json")
