"""The metric naming convention for LLM and RAG services, and each plan metric as PromQL.

An alert rule in the plan names a metric (`error_rate`, `latency_p99`, ...; see
`aiwf_tui.model.plan.METRICS`). The service exports the raw series listed in
`EXPORTED_METRICS` (documented in docs/metrics.md and the runbook's appendix); every
series carries a `service` label equal to the plan's `alerting.service`, and the
scrape job is named after the service (so `up{job="<service>"}` exists).

Each plan metric becomes one recording rule (`service:<what>:<how>`, Prometheus'
`level:metric:operations` convention) over those series, filtered to the service,
so two services' rule files can be loaded into one Prometheus without clashing.
Alert expressions then compare the recorded series with the threshold, which keeps
them short and unit-testable with `promtool test rules`.

Pure data and string building: no I/O.
"""

from __future__ import annotations

import re
from typing import NamedTuple

#: The window of the rate-based recording rules. Short enough to react within the
#: `for` durations the workflow recommends (1m-1h), long enough to hold several scrapes.
RATE_WINDOW = "5m"
#: The window of the daily token budget.
DAY_WINDOW = "1d"

#: (name, type, help) of every series the service must export. `service` is a label on
#: all of them; histograms also export `_bucket{le}`, `_sum` and `_count`.
EXPORTED_METRICS: list[tuple[str, str, str]] = [
    ("up", "gauge", "Set by Prometheus per scrape target: 1 reachable, 0 down (job = the service name)"),
    ("llm_requests_total", "counter", "Requests the service handled, successful or not"),
    ("llm_requests_errors_total", "counter", "Requests that failed (any error returned to the caller)"),
    ("llm_requests_denied_total", "counter", "Requests refused as unauthenticated or forbidden (HTTP 401/403)"),
    ("llm_request_duration_seconds", "histogram", "End-to-end request latency in seconds"),
    ("llm_tokens_total", "counter", "LLM tokens used; label type=prompt|completion"),
    ("llm_cache_hits_total", "counter", "Requests answered from the response cache"),
    ("llm_drift_score", "gauge", "Input drift score, 0 (no drift) to 1, set by the drift job"),
    ("llm_quality_score", "gauge", "Online answer quality score, 0 to 1, set by the evaluation job"),
    ("rag_retrievals_total", "counter", "Retrievals run against the knowledge base"),
    ("rag_retrievals_empty_total", "counter", "Retrievals that returned no documents"),
    ("rag_retrieval_duration_seconds", "histogram", "Retrieval latency in seconds (embedding + search + rerank)"),
    ("rag_vector_db_query_duration_seconds", "histogram", "Vector database query latency in seconds"),
]


class MetricSpec(NamedTuple):
    """How one plan metric maps onto exported series.

    `kind` says how its value is computed, which is also what the unit-test
    generator needs to build input series that cross a threshold:
    `up` (the service's scrape targets, best of them: 0 only when all are down),
    `instance_up` (one series per target), `absent` (1 when the service has no target left),
    `gauge` (aggregated gauge), `rate` (per-second rate
    of a counter), `ratio` (rate of `series[0]` over rate of `series[1]`), `share` (rate of
    the part of counter `series[0]` that `matchers` select, over the rate of all of it: errors
    marked by a label), `increase` (counter increase over `window`, summed over every series
    named), `quantile` (histogram_quantile over `series[0]`).

    `matchers` narrow the first series (`status="5xx"`); a generated series for it carries
    `sample_labels`, and the rest of a `share` carries `rest_labels`. `upstream` names the
    metric as its source documents it (`gen_ai.client.operation.duration`), for the docs.
    """

    metric: str
    kind: str
    record: str | None  # recording rule name; None: the alert queries the series directly
    series: tuple[str, ...]
    window: str = RATE_WINDOW
    quantile: float = 0.0
    aggregation: str = "sum"  # for gauges: how instances combine (max for drift, min for quality)
    unit: str = ""
    matchers: tuple[str, ...] = ()
    sample_labels: tuple[tuple[str, str], ...] = ()
    rest_labels: tuple[tuple[str, str], ...] = ()
    upstream: str = ""

    def expr(self, service: str) -> str:
        """The PromQL value of this metric for one service (the recording rule's expr)."""
        sel = label_selector(service=service)
        narrow = "{" + ", ".join([f"service={label_value(service)}", *self.matchers]) + "}"
        w = self.window
        if self.kind == "up":
            return f"max by (job) (up{label_selector(job=service)})"
        if self.kind == "instance_up":
            return f"up{label_selector(job=service)}"
        if self.kind == "absent":
            return f"absent(up{label_selector(job=service)})"
        if self.kind == "gauge":
            return f"{self.aggregation} by (service) ({self.series[0]}{sel})"
        if self.kind == "rate":
            return f"sum by (service) (rate({self.series[0]}{sel}[{w}]))"
        if self.kind == "increase":
            return " + ".join(f"sum by (service) (increase({name}{sel}[{w}]))" for name in self.series)
        if self.kind == "ratio":
            num, den = self.series
            return f"sum by (service) (rate({num}{narrow}[{w}])) / sum by (service) (rate({den}{sel}[{w}]))"
        if self.kind == "share":
            name = self.series[0]
            return f"sum by (service) (rate({name}{narrow}[{w}])) / sum by (service) (rate({name}{sel}[{w}]))"
        if self.kind == "quantile":
            return (
                f"histogram_quantile({self.quantile}, sum by (service, le) (rate({self.series[0]}_bucket{sel}[{w}])))"
            )
        raise ValueError(f"unknown metric kind {self.kind!r}")

    def value(self, service: str) -> str:
        """What an alert compares: the recorded series for the service, or the raw expr."""
        if self.record is None:
            return self.expr(service)
        return f"{self.record}{label_selector(service=service)}"


#: Plan metric -> spec. Keys match `aiwf_tui.model.plan.METRICS` exactly (a test checks).
METRIC_SPECS: dict[str, MetricSpec] = {
    s.metric: s
    for s in (
        MetricSpec("up", "up", None, ("up",)),
        MetricSpec("instance_up", "instance_up", None, ("up",)),
        MetricSpec("targets_absent", "absent", None, ("up",)),
        MetricSpec(
            "error_rate",
            "ratio",
            "service:llm_request_error_ratio:rate5m",
            ("llm_requests_errors_total", "llm_requests_total"),
            unit="ratio",
        ),
        MetricSpec(
            "latency_p99",
            "quantile",
            "service:llm_request_duration_seconds:p99_rate5m",
            ("llm_request_duration_seconds",),
            quantile=0.99,
            unit="seconds",
        ),
        MetricSpec(
            "latency_p95",
            "quantile",
            "service:llm_request_duration_seconds:p95_rate5m",
            ("llm_request_duration_seconds",),
            quantile=0.95,
            unit="seconds",
        ),
        MetricSpec(
            "throughput", "rate", "service:llm_requests:rate5m", ("llm_requests_total",), unit="requests per second"
        ),
        MetricSpec("drift_score", "gauge", "service:llm_drift_score:max", ("llm_drift_score",), aggregation="max"),
        MetricSpec(
            "quality_score", "gauge", "service:llm_quality_score:min", ("llm_quality_score",), aggregation="min"
        ),
        MetricSpec(
            "daily_tokens",
            "increase",
            "service:llm_tokens:increase1d",
            ("llm_tokens_total",),
            window=DAY_WINDOW,
            unit="tokens",
        ),
        MetricSpec(
            "denied_request_rate",
            "ratio",
            "service:llm_request_denied_ratio:rate5m",
            ("llm_requests_denied_total", "llm_requests_total"),
            unit="ratio",
        ),
        MetricSpec(
            "cache_hit_rate",
            "ratio",
            "service:llm_cache_hit_ratio:rate5m",
            ("llm_cache_hits_total", "llm_requests_total"),
            unit="ratio",
        ),
        MetricSpec(
            "empty_retrieval_rate",
            "ratio",
            "service:rag_empty_retrieval_ratio:rate5m",
            ("rag_retrievals_empty_total", "rag_retrievals_total"),
            unit="ratio",
        ),
        MetricSpec(
            "vector_db_latency_p99",
            "quantile",
            "service:rag_vector_db_query_duration_seconds:p99_rate5m",
            ("rag_vector_db_query_duration_seconds",),
            quantile=0.99,
            unit="seconds",
        ),
        MetricSpec(
            "retrieval_latency_p99",
            "quantile",
            "service:rag_retrieval_duration_seconds:p99_rate5m",
            ("rag_retrieval_duration_seconds",),
            quantile=0.99,
            unit="seconds",
        ),
    )
}


def label_value(value: str) -> str:
    """A PromQL string literal (double-quoted, escaped)."""
    escaped = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{escaped}"'


def label_selector(**labels: str) -> str:
    """`{name="value",...}` for equality matchers."""
    return "{" + ", ".join(f"{k}={label_value(v)}" for k, v in labels.items()) + "}"


# -- custom PromQL ------------------------------------------------------------------
_SIMPLE_SELECTOR_RE = re.compile(r"^\s*([a-zA-Z_:][a-zA-Z0-9_:]*)\s*(\{(.*)\})?\s*$", re.S)
_MATCHER_RE = re.compile(r'\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*=\s*"((?:[^"\\]|\\.)*)"\s*(?:,|$)')


def is_condition(promql: str) -> bool:
    """Whether custom PromQL is already a whole condition (a comparison at the top, read by the
    PromQL parser: see `aiwf_tui.model.promql`). A rule's `promql` normally replaces its `metric`
    and keeps its comparator and threshold; a user who wrote `foo > 3` meant the comparison
    itself, so it is used as written."""
    from aiwf_tui.model.promql import is_condition as parsed_condition

    return parsed_condition(promql)


def simple_selector(promql: str) -> tuple[str, dict[str, str]] | None:
    """(metric name, equality matchers) when custom PromQL is one plain selector such as
    `queue_depth{service="x"}`; None for anything else (functions, operators, regex)."""
    m = _SIMPLE_SELECTOR_RE.match(promql)
    if not m:
        return None
    name, body = m.group(1), m.group(3)
    if name in {"sum", "rate", "max", "min", "avg", "count", "by", "without", "on", "ignoring"}:
        return None
    labels: dict[str, str] = {}
    if body and body.strip():
        pos = 0
        while pos < len(body):
            mm = _MATCHER_RE.match(body, pos)
            if not mm or mm.end() == pos:
                return None
            raw = mm.group(2)
            labels[mm.group(1)] = re.sub(r"\\(.)", lambda x: {"n": "\n"}.get(x.group(1), x.group(1)), raw)
            pos = mm.end()
    if "__name__" in labels:
        return None
    return name, labels


__all__ = [
    "DAY_WINDOW",
    "EXPORTED_METRICS",
    "METRIC_SPECS",
    "RATE_WINDOW",
    "MetricSpec",
    "is_condition",
    "label_selector",
    "label_value",
    "simple_selector",
]
