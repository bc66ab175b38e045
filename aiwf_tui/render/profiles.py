"""Metric profiles: which series each plan metric reads, for the metrics the service really exports.

- `aiwf`: the project's own names (`llm_requests_total`, ...; `aiwf_tui.render.promql`), which
  the service exports itself.
- `vllm`: a self-hosted vLLM server's own metrics (`vllm:e2e_request_latency_seconds`, ...) and
  the HTTP metrics of its OpenAI-compatible server (`http_requests_total{status}`).
- `opentelemetry-genai`: the OpenTelemetry GenAI client metrics (`gen_ai.client.operation.duration`,
  `gen_ai.client.token.usage`) as they arrive in Prometheus: dots become `_`, the unit `s` adds
  `_seconds`, a `{token}` annotation adds nothing, histograms add `_bucket`/`_sum`/`_count`.
- `custom`: the project's own names, each replaceable by a PromQL override in the plan.

A metric a profile lacks (drift and quality scores, retrieval metrics, ...) keeps the project's
own name: the runbook's appendix lists them under "export these", with an instrumentation
snippet. The recording-rule names are the same in every profile, so dashboards and alerts read
`service:llm_request_error_ratio:rate5m` whatever the source. docs/metrics.md documents each
mapping with the upstream names, units and convention version.

Every series is expected to carry a `service` label: the service's own metrics set it, and for
vLLM and OpenTelemetry the scrape job (or the collector) adds it as a target label.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from aiwf_tui.render.promql import EXPORTED_METRICS, METRIC_SPECS, MetricSpec

PROFILE_NAMES: tuple[str, ...] = ("aiwf", "opentelemetry-genai", "vllm", "custom")


class Profile(NamedTuple):
    """A source of metrics: its name, what it follows (and which version), and the plan
    metrics it provides (the others keep the project's own names)."""

    name: str
    title: str
    convention: str
    specs: dict[str, MetricSpec]


def _spec(base: str, **changes: Any) -> MetricSpec:
    """The aiwf spec of a plan metric with its series (and kind, ...) replaced: same record name."""
    return METRIC_SPECS[base]._replace(**changes)


_VLLM_LATENCY = "vllm:e2e_request_latency_seconds"
_OTEL_DURATION = "gen_ai_client_operation_duration_seconds"

VLLM = Profile(
    "vllm",
    "vLLM (self-hosted inference server)",
    "vLLM's Prometheus metrics (`vllm:` prefix, V1 engine names; checked against vLLM 0.6-0.10) and "
    "prometheus-fastapi-instrumentator's `http_requests_total` in vLLM's OpenAI-compatible server",
    {
        "error_rate": _spec(
            "error_rate",
            kind="share",
            series=("http_requests_total",),
            matchers=('status="5xx"',),
            sample_labels=(("status", "5xx"),),
            rest_labels=(("status", "2xx"),),
            upstream='http_requests_total{status="5xx"} / http_requests_total',
        ),
        "latency_p99": _spec("latency_p99", series=(_VLLM_LATENCY,), upstream=_VLLM_LATENCY),
        "latency_p95": _spec("latency_p95", series=(_VLLM_LATENCY,), upstream=_VLLM_LATENCY),
        "throughput": _spec(
            "throughput", series=("vllm:request_success_total",), upstream="vllm:request_success_total"
        ),
        "daily_tokens": _spec(
            "daily_tokens",
            series=("vllm:prompt_tokens_total", "vllm:generation_tokens_total"),
            upstream="vllm:prompt_tokens_total + vllm:generation_tokens_total",
        ),
        "cache_hit_rate": _spec(
            "cache_hit_rate",
            series=("vllm:prefix_cache_hits_total", "vllm:prefix_cache_queries_total"),
            upstream="vllm:prefix_cache_hits_total / vllm:prefix_cache_queries_total (prefix-cache tokens)",
        ),
    },
)

OTEL = Profile(
    "opentelemetry-genai",
    "OpenTelemetry GenAI semantic conventions (client metrics)",
    "OpenTelemetry semantic conventions for generative AI metrics, v1.37.0 (status Development), "
    "exported to Prometheus with the OTLP-to-Prometheus name translation (unit suffixes, `_` for `.`)",
    {
        "error_rate": _spec(
            "error_rate",
            kind="share",
            series=(f"{_OTEL_DURATION}_count",),
            matchers=('error_type!=""',),
            sample_labels=(("error_type", "timeout"),),
            rest_labels=(),
            upstream="gen_ai.client.operation.duration with error.type set / all operations",
        ),
        "latency_p99": _spec("latency_p99", series=(_OTEL_DURATION,), upstream="gen_ai.client.operation.duration"),
        "latency_p95": _spec("latency_p95", series=(_OTEL_DURATION,), upstream="gen_ai.client.operation.duration"),
        "throughput": _spec(
            "throughput", series=(f"{_OTEL_DURATION}_count",), upstream="gen_ai.client.operation.duration (count)"
        ),
        "daily_tokens": _spec(
            "daily_tokens",
            series=("gen_ai_client_token_usage_sum",),
            upstream="gen_ai.client.token.usage (sum over gen_ai.token.type input and output)",
        ),
    },
)

AIWF = Profile("aiwf", "aiwf's own metric names", "aiwf's naming convention (docs/metrics.md)", {})
CUSTOM = Profile("custom", "aiwf's own names, each replaceable by a PromQL override", AIWF.convention, {})
PROFILES: dict[str, Profile] = {p.name: p for p in (AIWF, OTEL, VLLM, CUSTOM)}


def metric_specs(profile: str) -> dict[str, MetricSpec]:
    """Plan metric -> spec under a profile (the project's own names where it has none)."""
    return {**METRIC_SPECS, **PROFILES.get(profile, AIWF).specs}


def own_metrics(profile: str, metrics: list[str]) -> list[tuple[str, str, str]]:
    """The rows of `EXPORTED_METRICS` the service must export itself for these plan metrics
    (those the profile does not provide), in table order; `up` is never one of them."""
    specs = metric_specs(profile)
    needed = {name for m in metrics if m in specs and m not in PROFILES[profile].specs for name in specs[m].series}
    needed.discard("up")
    return [row for row in EXPORTED_METRICS if row[0] in needed]


__all__ = ["PROFILES", "PROFILE_NAMES", "Profile", "metric_specs", "own_metrics"]
