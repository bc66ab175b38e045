"""3. Monitoring strategy: observability pillars, LLM metrics, RAG metrics, the recommended tool."""

from __future__ import annotations

from rich.text import Text

from aiwf_tui.model.plan import MetricRow, Pillar
from aiwf_tui.sections.base import SectionView, heading, para
from aiwf_tui.widgets.editable_table import Column, TableSpec


class MonitoringView(SectionView):
    KEY = "monitoring"
    TITLE = "Monitoring strategy"
    SHORT = "Monitoring"
    PLAN_KEY = "monitoring"
    QUESTIONS = ("infrastructure", "critical_metrics")

    def intro(self) -> Text:
        t = Text()
        t.append("Why: ", style="bold")
        t.append(
            "an LLM system can be up, fast and error-free while its answers get worse, so monitoring covers "
            "the three observability pillars (metrics, logs, traces) and LLM-specific signals: token usage for "
            "cost, response length as a quality signal, latency by query type, error rate, cache hit rate."
        )
        if self.ctx.project.retrieves:
            t.append(
                " This architecture retrieves, so retrieval latency, empty-retrieval rate, context "
                "utilisation and source distribution are monitored too."
            )
        else:
            t.append(" This architecture does not retrieve, so no RAG metrics are proposed.")
        t.append("\nRecommended tool (from the knowledge base): Opik - purpose-built for LLM/prompt monitoring.")
        return t

    def blocks(self):
        m = self.model
        rows = [
            self.field(m, "infrastructure", "What monitoring infrastructure do you have?"),
            self.field(m, "critical_metrics", "What metrics are most critical for your use case?"),
        ]
        rows += self.knowledge_notes(m.knowledge_refs)
        rows += self.table(
            TableSpec(
                "Observability pillars",
                lambda: m.pillars,
                [Column("pillar", "Pillar"), Column("capture", "What to capture"), Column("tools", "Tools")],
                lambda: Pillar(pillar="New pillar"),
                self.KEY,
            )
        )
        rows += self.table(
            TableSpec(
                "LLM-specific metrics",
                lambda: m.llm_metrics,
                [
                    Column("metric", "Metric"),
                    Column("why", "Why monitor"),
                    Column("threshold", "Alert threshold"),
                ],
                lambda: MetricRow(metric="New metric"),
                self.KEY,
            )
        )
        if self.ctx.project.retrieves:
            rows += self.table(
                TableSpec(
                    "RAG-specific metrics",
                    lambda: m.rag_metrics,
                    [
                        Column("metric", "Metric"),
                        Column("why", "Why monitor"),
                        Column("threshold", "Alert threshold"),
                    ],
                    lambda: MetricRow(metric="New metric"),
                    self.KEY,
                )
            )
        rows.append(heading("Recommended tool"))
        rows.append(self.field(m, "tool", "Tool"))
        rows.append(self.field(m, "tool_reasoning", "Why this tool (one reason per line)"))
        rows += self.profile_blocks()
        return rows

    def profile_blocks(self):
        """Where the alert rules read their metrics: the suggested profile, why, and the choice."""
        from aiwf_tui.model.metrics_profile import suggest_profile

        suggestion = suggest_profile(self.ctx.project)
        note = Text("Suggested: ", style="bold")
        note.append(suggestion.profile)
        note.append(f" - {suggestion.reasoning}. ", style="dim")
        note.append(
            "vllm reads vllm:* and http_requests_total; opentelemetry-genai reads gen_ai_client_*; aiwf and "
            "custom read aiwf's own names; a metric a profile lacks keeps aiwf's name (docs/metrics.md). "
            "Per-metric PromQL overrides live under metrics.overrides in the plan file.",
            style="dim",
        )
        return [
            heading("Where the alert rules read their metrics"),
            para(note),
            self.field(self.ctx.plan.metrics, "profile", "Metric profile (aiwf, opentelemetry-genai, vllm, custom)"),
            heading("Kubernetes (the PrometheusRule resource)"),
            para(
                Text(
                    "prometheus/prometheusrule.yaml carries the same rules for the Prometheus Operator. "
                    "kube-prometheus-stack loads only rules labelled release: <its Helm release name> "
                    "(its default ruleSelector); the chart's name is the usual release name.",
                    style="dim",
                )
            ),
            self.field(self.ctx.plan.kubernetes, "namespace", "Namespace of the PrometheusRule"),
            self.field(self.ctx.plan.kubernetes, "release", "release label (your kube-prometheus-stack Helm release)"),
        ]
