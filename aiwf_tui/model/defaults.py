"""The workflow's recommended tables (step file, Phase 5), shaped for one project.

`new_plan(project)` is what `aiwf plan` writes and what the app starts from:
every table the workflow recommends, RAG metrics and vector-DB entries only
where the architecture retrieves, training-data drift only where it trains,
every section in draft. Project-specific facts it cannot know stay empty and
are listed by `todos(plan)`.
"""

from __future__ import annotations

from aiwf_tui.model.plan import (
    AlertCategory,
    AlertingSection,
    AlertRule,
    Channel,
    CommonIssue,
    Comparator,
    Contact,
    DecisionsSection,
    DriftApproach,
    DriftSection,
    DriftType,
    FeedbackLoop,
    HealthCheck,
    ImprovementSection,
    ImprovementTrigger,
    IncidentLevel,
    IncidentSection,
    MetricRow,
    MetricsPlan,
    MonitoringSection,
    OperationsDecision,
    OperationsPlan,
    Pillar,
    Principle,
    RunbookSection,
    Severity,
    SeverityResponse,
    UsefulCommand,
    WorkflowStep,
    slugify,
)
from aiwf_tui.model.project import Project

#: The Knowledge queries of the step file, cited as `endpoint:topic-slug`.
REF_MLOPS = "get_methodologies:mlops-monitoring"
REF_DRIFT = "get_methodologies:drift-detection"
REF_DATA_DRIFT = "get_methodologies:data-drift"
REF_WARNINGS = "get_warnings:production-ml"

RECOMMENDED_TOOL = "Opik"
TOOL_REASONING = [
    "Purpose-built for LLM/prompt monitoring",
    "Tracks prompt performance over time",
    "Integrates with common LLM frameworks",
]


def _monitoring(retrieves: bool) -> MonitoringSection:
    return MonitoringSection(
        knowledge_refs=[REF_MLOPS, REF_WARNINGS],
        pillars=[
            Pillar(pillar="Metrics", capture="Latency, throughput, errors", tools="Prometheus, CloudWatch"),
            Pillar(pillar="Logs", capture="Requests, responses, errors", tools="ELK, CloudWatch Logs"),
            Pillar(pillar="Traces", capture="Request flow through system", tools="Jaeger, X-Ray"),
        ],
        llm_metrics=[
            MetricRow(metric="Token Usage", why="Cost control", threshold="> budget"),
            MetricRow(metric="Response Length", why="Quality signal", threshold="Unusual variance"),
            MetricRow(metric="Latency by Query Type", why="Performance", threshold="> SLA"),
            MetricRow(metric="Error Rate", why="Reliability", threshold="> baseline"),
            MetricRow(metric="Cache Hit Rate", why="Efficiency", threshold="< expected"),
        ],
        rag_metrics=[
            MetricRow(metric="Retrieval Latency", why="Performance", threshold="> P99 target"),
            MetricRow(metric="Empty Retrieval Rate", why="Coverage", threshold="> 5%"),
            MetricRow(metric="Context Utilization", why="Efficiency", threshold="Very high/low"),
            MetricRow(metric="Source Distribution", why="Balance", threshold="Unexpected skew"),
        ]
        if retrieves
        else [],
        tool=RECOMMENDED_TOOL,
        tool_reasoning=list(TOOL_REASONING),
    )


def _drift(trains: bool, retrieves: bool) -> DriftSection:
    types = [
        DriftType(type="Data Drift", changes="Input distribution shifts", detection="Statistical tests on inputs"),
        DriftType(
            type="Concept Drift",
            changes="Relationship between input/output changes",
            detection="Performance degradation",
        ),
        DriftType(
            type="Model Drift", changes="Model behavior changes over time", detection="Output distribution analysis"
        ),
        DriftType(type="Label Drift", changes="Ground truth distribution changes", detection="Label monitoring"),
    ]
    if trains:
        types.append(
            DriftType(
                type="Training Data Drift",
                changes="Production inputs move away from the fine-tuning data",
                detection="Compare production inputs with the training snapshot",
            )
        )
    return DriftSection(
        knowledge_refs=[REF_DRIFT, REF_DATA_DRIFT],
        types=types,
        approaches=[
            DriftApproach(approach="Statistical Tests", complexity="Low", effectiveness="Good for numerical features"),
            DriftApproach(approach="Embedding Similarity", complexity="Medium", effectiveness="Good for text inputs"),
            DriftApproach(approach="Performance Monitoring", complexity="Low", effectiveness="Catches all drift types"),
            DriftApproach(approach="Reference Window Comparison", complexity="Medium", effectiveness="Comprehensive"),
        ],
        responses=[
            SeverityResponse(
                severity="Low",
                trigger="Minor distribution shift",
                action="Log and monitor",
                score_from=0.1,
                score_to=0.3,
            ),
            SeverityResponse(
                severity="Medium",
                trigger="Performance degradation",
                action="Alert team, investigate",
                score_from=0.3,
                score_to=0.5,
            ),
            SeverityResponse(
                severity="High",
                trigger="Significant quality drop",
                action="Alert + consider rollback",
                score_from=0.5,
                score_to=0.7,
            ),
            SeverityResponse(
                severity="Critical",
                trigger="Safety issue detected",
                action="Automatic rollback",
                score_from=0.7,
                score_to=1.0,
            ),
        ],
    )


def default_rules(retrieves: bool, channels: dict[str, list[str]]) -> list[AlertRule]:
    """The alerts-config template's rules, with the workflow's example thresholds."""

    def rule(
        name: str,
        category: AlertCategory,
        metric: str,
        comparator: Comparator,
        threshold: float,
        duration: str,
        severity: Severity,
        anchor: str,
        placeholder: str | None = None,
    ) -> AlertRule:
        return AlertRule(
            name=name,
            category=category,
            metric=metric,
            comparator=comparator,
            threshold=threshold,
            duration=duration,
            severity=severity,
            channels=list(channels.get(severity, [])),
            runbook_anchor=anchor,
            placeholder=placeholder,
        )

    rules = [
        rule("Service Down", "availability", "up", "==", 0, "1m", "critical", "service-down"),
        rule(
            "High Error Rate",
            "availability",
            "error_rate",
            ">",
            0.05,
            "5m",
            "critical",
            "error-rate-high",
            "ERROR_THRESHOLD",
        ),
        rule(
            "Latency P99 High",
            "performance",
            "latency_p99",
            ">",
            5,
            "10m",
            "high",
            "latency-high",
            "LATENCY_P99_THRESHOLD",
        ),
        rule(
            "Throughput Drop", "performance", "throughput", "<", 1, "15m", "medium", "throughput-low", "MIN_THROUGHPUT"
        ),
        rule(
            "Data Drift Detected",
            "quality",
            "drift_score",
            ">",
            0.3,
            "1h",
            "medium",
            "drift-detected",
            "DRIFT_THRESHOLD",
        ),
        rule("Quality Score Drop", "quality", "quality_score", "<", 0.8, "1h", "high", "quality-drop", "MIN_QUALITY"),
        rule(
            "Token Budget Warning",
            "cost",
            "daily_tokens",
            ">",
            8_000_000,
            "1h",
            "medium",
            "cost-warning",
            "TOKEN_WARNING_THRESHOLD",
        ),
        rule(
            "Token Budget Critical",
            "cost",
            "daily_tokens",
            ">",
            10_000_000,
            "30m",
            "high",
            "cost-critical",
            "TOKEN_CRITICAL_THRESHOLD",
        ),
    ]
    if retrieves:
        rules += [
            rule(
                "Empty Retrieval Rate High",
                "rag",
                "empty_retrieval_rate",
                ">",
                0.05,
                "30m",
                "medium",
                "empty-retrieval",
                "EMPTY_RETRIEVAL_THRESHOLD",
            ),
            rule(
                "Vector DB Latency High",
                "rag",
                "vector_db_latency_p99",
                ">",
                0.5,
                "10m",
                "high",
                "vector-db-issues",
                "VECTOR_LATENCY_THRESHOLD",
            ),
        ]
    # Availability beyond Service Down, last so the workflow's own rules keep their places:
    # one target down (the service still answers), and the service gone from scraping.
    rules += [
        rule("Instance Down", "availability", "instance_up", "==", 0, "5m", "high", "service-down"),
        rule("Service Targets Absent", "availability", "targets_absent", "==", 1, "10m", "high", "service-down"),
    ]
    return rules


def _alerting(retrieves: bool) -> AlertingSection:
    channels = [
        Channel(name="pagerduty", kind="pagerduty", target=""),
        Channel(name="slack", kind="slack", target=""),
        Channel(name="email", kind="email", target=""),
    ]
    routing = {"critical": ["pagerduty"], "high": ["slack", "email"], "medium": ["slack"], "low": ["slack"]}
    return AlertingSection(
        knowledge_refs=[REF_WARNINGS, REF_MLOPS],
        channels=channels,
        routing=routing,
        rules=default_rules(retrieves, routing),
        principles=[
            Principle(
                principle="Actionable",
                description="Every alert should have a clear response",
                how="Every rule links a runbook section with diagnosis and resolution steps",
            ),
            Principle(
                principle="Prioritized",
                description="Severity levels matter",
                how="Severity decides the channel: only critical alerts page",
            ),
            Principle(
                principle="Deduplicated",
                description="Avoid alert storms",
                how="Alertmanager groups by alert and service; a critical alert inhibits lesser ones",
            ),
            Principle(
                principle="Contextual",
                description="Include relevant information",
                how="Each alert carries a summary, description and runbook link",
            ),
            Principle(
                principle="Tested",
                description="Verify alerts fire correctly",
                how="promtool unit tests prove each rule fires at its threshold and duration, not before",
            ),
        ],
    )


def _incident() -> IncidentSection:
    return IncidentSection(
        knowledge_refs=[REF_WARNINGS],
        levels=[
            IncidentLevel(
                level="P1",
                name="Critical",
                description="Service down, data breach",
                response_time="< 15 min",
                responders="On-call + escalation",
            ),
            IncidentLevel(
                level="P2",
                name="High",
                description="Degraded service, quality issues",
                response_time="< 1 hour",
                responders="On-call",
            ),
            IncidentLevel(
                level="P3",
                name="Medium",
                description="Minor issues, drift detected",
                response_time="< 4 hours",
                responders="Next business day OK",
            ),
            IncidentLevel(
                level="P4",
                name="Low",
                description="Improvements, non-urgent",
                response_time="Best effort",
                responders="Backlog",
            ),
        ],
        workflow=[
            WorkflowStep(step="Detect", what="An alert fires or a user reports a problem"),
            WorkflowStep(step="Triage", what="Assign a P1-P4 level and an incident lead"),
            WorkflowStep(step="Respond", what="Follow the runbook section the alert links to"),
            WorkflowStep(step="Resolve", what="Restore service; roll back if needed"),
            WorkflowStep(step="Review", what="Blameless review within five working days"),
            WorkflowStep(step="Learn", what="Turn findings into runbook, alert and design changes"),
        ],
    )


def _issue(
    anchor: str, title: str, symptoms: list[str], diagnosis: list[str], resolution: list[str], escalation: str = ""
) -> CommonIssue:
    return CommonIssue(
        anchor=anchor, title=title, symptoms=symptoms, diagnosis=diagnosis, resolution=resolution, escalation=escalation
    )


def runbook_issues(rules: list[AlertRule], retrieves: bool) -> list[CommonIssue]:
    """The workflow's four common issues, plus one for every other anchor an alert links to
    (the workflow's own template links anchors its runbook never defines)."""
    issues = [
        _issue(
            "error-rate-high",
            "High Error Rate",
            ["Error rate > 5%", "Users reporting failures"],
            ["Check error logs", "Identify error pattern", "Check dependent services"],
            [
                "If LLM provider issue: ",
                "If vector DB issue: " if retrieves else "If dependency issue: ",
                "If code issue: ",
            ],
        ),
        _issue(
            "latency-high",
            "High Latency",
            ["P99 latency > 5s", "User complaints about slowness"],
            ["Check component latencies", "Identify bottleneck", "Check for traffic spike"],
            (["If retrieval slow: "] if retrieves else []) + ["If LLM slow: ", "If traffic spike: "],
        ),
        _issue(
            "drift-detected",
            "Drift Detected",
            ["Drift alert fired", "Quality metrics degrading"],
            ["Review drift metrics", "Identify drift type (data/concept/model)", "Analyze recent changes"],
            ["If data drift: ", "If concept drift: ", "Schedule retraining if needed"],
        ),
    ]
    if retrieves:
        issues.append(
            _issue(
                "vector-db-issues",
                "Vector DB Issues",
                ["Retrieval failures", "Empty results"],
                ["Check vector DB health", "Verify collection exists", "Check index status"],
                ["If connection issue: ", "If index corrupted: ", "If collection missing: "],
            )
        )
    known = {i.anchor for i in issues}
    for rule in rules:
        if rule.runbook_anchor not in known:
            known.add(rule.runbook_anchor)
            issues.append(
                _issue(
                    rule.runbook_anchor,
                    rule.name,
                    [f'Alert "{rule.name}" fired ({rule.condition} for {rule.duration})'],
                    [],
                    [],
                )
            )
    return issues


def _runbook(retrieves: bool, rules: list[AlertRule]) -> RunbookSection:
    checks = [HealthCheck(component="API", check="", expected="")]
    if retrieves:
        checks.append(HealthCheck(component="Vector DB", check="", expected=""))
    checks += [
        HealthCheck(component="Cache", check="", expected=""),
        HealthCheck(component="LLM Provider", check="", expected=""),
    ]
    commands = [
        UsefulCommand(purpose="Check service status", command=""),
        UsefulCommand(purpose="View recent logs", command=""),
    ]
    if retrieves:
        commands.append(UsefulCommand(purpose="Check vector DB health", command=""))
    commands.append(UsefulCommand(purpose="Force cache clear", command=""))
    return RunbookSection(
        components=[],
        dependencies=[],
        health_checks=checks,
        issues=runbook_issues(rules, retrieves),
        full_rollback_steps=[],
        contacts=[
            Contact(role="On-Call", name="", contact=""),
            Contact(role="Escalation", name="", contact=""),
            Contact(role="LLM Provider Support", name="", contact=""),
        ],
        commands=commands,
        dashboard_panels=["Request rate and errors", "Latency percentiles", "Token usage", "Drift scores"],
    )


def _improvement() -> ImprovementSection:
    return ImprovementSection(
        knowledge_refs=[REF_MLOPS],
        loops=[
            FeedbackLoop(loop="User Feedback", frequency="Continuous", purpose="Direct quality signal"),
            FeedbackLoop(loop="Performance Review", frequency="Weekly", purpose="Trend analysis"),
            FeedbackLoop(loop="Model Evaluation", frequency="Monthly", purpose="Quality benchmarking"),
            FeedbackLoop(loop="Architecture Review", frequency="Quarterly", purpose="System evolution"),
        ],
        triggers=[
            ImprovementTrigger(trigger="Consistent quality complaints", action="Investigate and improve"),
            ImprovementTrigger(trigger="New data sources available", action="Consider ingestion"),
            ImprovementTrigger(trigger="Cost exceeds budget", action="Optimize or scale down"),
            ImprovementTrigger(trigger="New model releases", action="Evaluate upgrade"),
            ImprovementTrigger(trigger="Drift detected", action="Plan retraining or update"),
        ],
    )


def _decisions(trains: bool) -> DecisionsSection:
    def d(number: int, title: str, ref: str, options: list[str], context: str) -> OperationsDecision:
        return OperationsDecision(
            id=f"op-{number:03d}", title=title, knowledge_ref=ref, options=options, context=context
        )

    return DecisionsSection(
        decisions=[
            d(
                1,
                "Monitoring Approach",
                REF_MLOPS,
                [
                    "Opik (LLM tracing and prompt monitoring)",
                    "Existing metrics stack only (Prometheus/CloudWatch)",
                    "Commercial APM with an LLM add-on",
                ],
                "How the system's health, cost and answer quality are observed in production.",
            ),
            d(
                2,
                "Drift Detection Approach",
                REF_DRIFT,
                ["Statistical Tests", "Embedding Similarity", "Performance Monitoring", "Reference Window Comparison"],
                "How shifts in inputs, outputs and quality are detected before users notice.",
            ),
            d(
                3,
                "Alert Routing",
                REF_WARNINGS,
                ["Page on every alert", "Page only on critical (availability) alerts, chat for the rest"],
                "Which alerts wake someone up and which wait for business hours.",
            ),
            d(
                4,
                "Incident Response",
                REF_WARNINGS,
                ["P1-P4 levels with on-call rotation", "Best-effort response by the owning team"],
                "How incidents are triaged, who responds, and how fast.",
            ),
            d(
                5,
                "Continuous Improvement",
                REF_MLOPS,
                ["Scheduled reviews (weekly/monthly/quarterly) plus triggers", "Ad hoc improvements"]
                + (["Scheduled retraining on drift triggers"] if trains else []),
                "How feedback and drift turn into changes to data, prompts, models and architecture.",
            ),
        ]
    )


def new_plan(project: Project) -> OperationsPlan:
    """The plan `aiwf plan` writes: the workflow's tables for this architecture, all draft."""
    retrieves, trains = project.retrieves, project.trains
    alerting = _alerting(retrieves)
    alerting.service = project.name
    from aiwf_tui.model.metrics_profile import suggest_profile

    return OperationsPlan(
        project_name=project.name,
        architecture=project.architecture,
        monitoring=_monitoring(retrieves),
        drift=_drift(trains, retrieves),
        alerting=alerting,
        metrics=MetricsPlan(profile=suggest_profile(project).profile),
        incident=_incident(),
        runbook=_runbook(retrieves, alerting.rules),
        improvement=_improvement(),
        decisions=_decisions(trains),
    )


def todos(plan: OperationsPlan) -> list[str]:
    """Project-specific answers still empty, in workflow order: what the engineer must supply."""
    items: list[str] = []
    m, dr, al, inc, rb, ac, im = (
        plan.monitoring,
        plan.drift,
        plan.alerting,
        plan.incident,
        plan.runbook,
        plan.alerts_config,
        plan.improvement,
    )
    if not m.infrastructure:
        items.append("monitoring: answer 'What monitoring infrastructure do you have?'")
    if not m.critical_metrics:
        items.append("monitoring: answer 'What metrics are most critical for your use case?'")
    if not dr.change_pace:
        items.append("drift: answer 'How quickly do you expect your data/domain to change?'")
    if not dr.approach_answer:
        items.append("drift: answer 'What drift detection approach fits your resources?'")
    if not any(a.selected for a in dr.approaches):
        items.append("drift: select at least one detection approach")
    if not al.channels_answer:
        items.append("alerting: answer 'What alerting channels do you use?'")
    if not al.notify_answer:
        items.append("alerting: answer 'Who should be notified for different severity levels?'")
    for c in al.channels:
        if not c.target:
            items.append(f"alerting: give channel '{c.name}' a target ({c.kind})")
    if not inc.answer:
        items.append("incident response: say who is on call and how escalation works")
    if not rb.components:
        items.append("runbook: list the key components")
    if not rb.dependencies:
        items.append("runbook: list the dependencies and what breaks without each")
    for hc in rb.health_checks:
        if not hc.check:
            items.append(f"runbook: health check for {hc.component}")
    for issue in rb.issues:
        if (
            not issue.diagnosis
            or not issue.resolution
            or any(not s.split(":", 1)[-1].strip() for s in issue.resolution)
        ):
            items.append(f"runbook: diagnosis and resolution steps for '{issue.title}'")
    if not rb.full_rollback_steps:
        items.append("runbook: full rollback steps")
    if not rb.flag_rollback_command:
        items.append("runbook: feature-flag rollback command")
    if plan.architecture != "fine-tuning" and not rb.index_rebuild_steps:
        items.append("runbook: index rebuilding steps")
    for contact in rb.contacts:
        if not contact.name or not contact.contact:
            items.append(f"runbook: contact for {contact.role}")
    for cmd in rb.commands:
        if not cmd.command:
            items.append(f"runbook: command to {cmd.purpose.lower()}")
    if not rb.dashboard_url:
        items.append("runbook: dashboard location")
    if not ac.runbook_url:
        items.append("alerts config: RUNBOOK_URL (where the runbook is published)")
    if not im.answer:
        items.append("improvement: answer 'How do you want to structure continuous improvement?'")
    for d in plan.decisions.decisions:
        if not d.choice or not d.rationale:
            items.append(f"decisions: choice and rationale for {d.id.upper()} ({d.title})")
    return items


__all__ = ["default_rules", "new_plan", "runbook_issues", "slugify", "todos"]
