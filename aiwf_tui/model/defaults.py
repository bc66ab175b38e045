"""The workflow's recommended tables (step file, Phase 5), shaped for one project.

`new_plan(project)` is what `aiwf plan` writes and what the app starts from:
every table the workflow recommends, RAG metrics and vector-DB entries only
where the architecture retrieves, training-data drift only where it trains,
every section in draft. Project-specific facts it cannot know stay empty and
are listed by `aiwf_tui.model.todo.open_items`.
"""

from __future__ import annotations

from aiwf_tui.model.plan import (
    AlertingSection,
    AlertRule,
    Channel,
    CommonIssue,
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
    SeverityResponse,
    UsefulCommand,
    WorkflowStep,
    slugify,
)
from aiwf_tui.model.project import Project
from aiwf_tui.model.system import SystemFacts, system_facts

#: The Knowledge queries of the step file, cited as `endpoint:topic-slug`.
REF_MLOPS = "get_methodologies:mlops-monitoring"
REF_DRIFT = "get_methodologies:drift-detection"
REF_DATA_DRIFT = "get_methodologies:data-drift"
REF_WARNINGS = "get_warnings:production-ml"

#: The step file's query topics, as it writes them (`get_methodologies:mlops-monitoring` asks "MLOps monitoring").
REF_TOPICS = {
    REF_MLOPS: "MLOps monitoring",
    REF_DRIFT: "drift detection",
    REF_DATA_DRIFT: "data drift",
    REF_WARNINGS: "production ML",
}


def ref_topic(ref: str) -> str:
    """The topic a knowledge reference asked about (`get_warnings:production-ml` -> production ML)."""
    return REF_TOPICS.get(ref.strip(), ref.partition(":")[2].replace("-", " ").strip() or ref.strip())


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
            ),
            SeverityResponse(
                severity="Medium",
                trigger="Performance degradation",
                action="Alert team, investigate",
            ),
            SeverityResponse(
                severity="High",
                trigger="Significant quality drop",
                action="Alert + consider rollback",
            ),
            SeverityResponse(
                severity="Critical",
                trigger="Safety issue detected",
                action="Automatic rollback",
            ),
        ],
    )


#: The workflow's alerts-config template (step file section 8), rule by rule:
#: (name, category, metric, comparator, workflow duration, severity, anchor, placeholder,
#: the workflow's guidance for the threshold). Thresholds and durations are the engineer's
#: decisions: rules start without them (see `aiwf_tui.model.suggest` for what the project's
#: earlier phases suggest). `up == 0` is the definition of down, not a choice.
WORKFLOW_RULES: tuple[tuple[str, str, str, str, str, str, str, str | None, str], ...] = (
    (
        "Service Down",
        "availability",
        "up",
        "==",
        "1m",
        "critical",
        "service-down",
        None,
        "the service is down when its health target is unreachable (up == 0)",
    ),
    (
        "High Error Rate",
        "availability",
        "error_rate",
        ">",
        "5m",
        "critical",
        "error-rate-high",
        "ERROR_THRESHOLD",
        "alert above the error rate the service normally runs at (workflow: Error Rate > baseline)",
    ),
    (
        "Latency P99 High",
        "performance",
        "latency_p99",
        ">",
        "10m",
        "high",
        "latency-high",
        "LATENCY_P99_THRESHOLD",
        "alert when P99 latency breaks the latency SLA (workflow: Latency > SLA)",
    ),
    (
        "Throughput Drop",
        "performance",
        "throughput",
        "<",
        "15m",
        "medium",
        "throughput-low",
        "MIN_THROUGHPUT",
        "the request rate (req/s) below which traffic means something upstream is broken; not the capacity target",
    ),
    (
        "Data Drift Detected",
        "quality",
        "drift_score",
        ">",
        "1h",
        "medium",
        "drift-detected",
        "DRIFT_THRESHOLD",
        "the drift score (0-1) your drift method treats as a significant shift",
    ),
    (
        "Quality Score Drop",
        "quality",
        "quality_score",
        "<",
        "1h",
        "high",
        "quality-drop",
        "MIN_QUALITY",
        "the online quality score (0-1) below which answers no longer meet the evaluation bar",
    ),
    (
        "Token Budget Warning",
        "cost",
        "daily_tokens",
        ">",
        "1h",
        "medium",
        "cost-warning",
        "TOKEN_WARNING_THRESHOLD",
        "daily tokens at which spend approaches the budget (workflow: Token Usage > budget)",
    ),
    (
        "Token Budget Critical",
        "cost",
        "daily_tokens",
        ">",
        "30m",
        "high",
        "cost-critical",
        "TOKEN_CRITICAL_THRESHOLD",
        "daily tokens at which the budget is exceeded",
    ),
    (
        "Empty Retrieval Rate High",
        "rag",
        "empty_retrieval_rate",
        ">",
        "30m",
        "medium",
        "empty-retrieval",
        "EMPTY_RETRIEVAL_THRESHOLD",
        "share of retrievals returning nothing (0-1) that means coverage is failing (workflow's RAG table: > 5%)",
    ),
    (
        "Vector DB Latency High",
        "rag",
        "vector_db_latency_p99",
        ">",
        "10m",
        "high",
        "vector-db-issues",
        "VECTOR_LATENCY_THRESHOLD",
        "vector DB P99 query latency (seconds) above the retrieval target (workflow: Retrieval Latency > P99 target)",
    ),
    # The workflow's Security category (unusual access patterns, high); its template has no
    # rule for it, so there is no workflow duration to suggest.
    (
        "Unusual Access Patterns",
        "security",
        "denied_request_rate",
        ">",
        "",
        "high",
        "unusual-access",
        "ACCESS_DENIED_THRESHOLD",
        "share of requests refused (401/403) above which access looks like probing or a leaked key",
    ),
)

#: anchor -> the workflow template's `for` duration, and the guidance for its threshold.
WORKFLOW_DURATION = {row[0]: row[4] for row in WORKFLOW_RULES}
THRESHOLD_GUIDANCE = {row[0]: row[8] for row in WORKFLOW_RULES}
#: Where the workflow states the durations (cited as a suggestion's source).
WORKFLOW_TEMPLATE_SOURCE = "workflow step 7, section 8 (alerts-config template)"


def default_rules(retrieves: bool, channels: dict[str, list[str]], token_budget: bool = True) -> list[AlertRule]:
    """The alerts-config template's rules for this project, thresholds and durations open."""
    rules = []
    for name, category, metric, comparator, _duration, severity, anchor, placeholder, _guide in WORKFLOW_RULES:
        if category == "rag" and not retrieves:
            continue
        if category == "cost" and not token_budget:
            continue
        rules.append(
            AlertRule(
                name=name,
                category=category,
                metric=metric,
                comparator=comparator,
                threshold=0 if metric == "up" else None,
                duration=None,
                severity=severity,
                channels=list(channels.get(severity, [])),
                runbook_anchor=anchor,
                placeholder=placeholder,
            )
        )
    # Availability beyond Service Down (one target down; the service gone from scraping): their
    # thresholds are definitions (== 0, == 1), their durations the engineer's.
    for name, metric, threshold in (
        ("Instance Down", "instance_up", 0),
        ("Service Targets Absent", "targets_absent", 1),
    ):
        rules.append(
            AlertRule(
                name=name,
                category="availability",
                metric=metric,
                comparator="==",
                threshold=threshold,
                duration=None,
                severity="high",
                channels=list(channels.get("high", [])),
                runbook_anchor="service-down",
            )
        )
    return rules


def _alerting(retrieves: bool, token_budget: bool = True) -> AlertingSection:
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
        rules=default_rules(retrieves, routing, token_budget),
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


def runbook_issues(rules: list[AlertRule], retrieves: bool, facts: SystemFacts | None = None) -> list[CommonIssue]:
    """The workflow's four common issues, plus one for every other anchor an alert links to
    (the workflow's own template links anchors its runbook never defines). Symptoms that
    quote a threshold are not stored: the runbook derives them from the alert rules. Branches
    name only the parts the system has (provider or model server, vector DB, retraining)."""
    facts = facts or SystemFacts(retrieves=retrieves, trains=False)
    model_branch = "If model server issue: " if facts.model_server and not facts.provider else "If LLM provider issue: "
    issues = [
        _issue(
            "error-rate-high",
            "High Error Rate",
            ["Users reporting failures"],
            ["Check error logs", "Identify error pattern", "Check dependent services"],
            [
                model_branch,
                "If vector DB issue: " if retrieves else "If dependency issue: ",
                "If code issue: ",
            ],
        ),
        _issue(
            "latency-high",
            "High Latency",
            ["User complaints about slowness"],
            ["Check component latencies", "Identify bottleneck", "Check for traffic spike"],
            (["If retrieval slow: "] if retrieves else [])
            + [
                "If model server slow: " if facts.model_server and not facts.provider else "If LLM slow: ",
                "If traffic spike: ",
            ],
        ),
        _issue(
            "drift-detected",
            "Drift Detected",
            ["Drift alert fired", "Quality metrics degrading"],
            ["Review drift metrics", "Identify drift type (data/concept/model)", "Analyze recent changes"],
            [
                "If data drift: ",
                "If concept drift: ",
                "Schedule retraining if needed"
                if facts.trains
                else "Update prompts or re-index the knowledge base if needed",
            ],
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
            issues.append(_issue(rule.runbook_anchor, rule.name, [], [], []))
    return issues


def _runbook(facts: SystemFacts, rules: list[AlertRule]) -> RunbookSection:
    """The runbook's checks, commands and contacts for the parts the system has."""
    retrieves = facts.retrieves
    checks = [HealthCheck(component="API", check="", expected="")]
    commands = [
        UsefulCommand(purpose="Check service status", command=""),
        UsefulCommand(purpose="View recent logs", command=""),
    ]
    if retrieves:
        db = f"Vector DB ({facts.vector_db.name})" if facts.vector_db else "Vector DB"
        checks.append(HealthCheck(component=db, check="", expected=""))
        commands.append(UsefulCommand(purpose="Check vector DB health", command=""))
    if facts.model_server:
        checks.append(HealthCheck(component=f"Model server ({facts.model_server.name})", check="", expected=""))
        commands.append(UsefulCommand(purpose="Check model server health", command=""))
    if facts.provider:
        checks.append(HealthCheck(component=f"LLM Provider ({facts.provider.name})", check="", expected=""))
    if facts.cache:
        checks.append(HealthCheck(component=f"Cache ({facts.cache.name})", check="", expected=""))
        commands.append(UsefulCommand(purpose="Force cache clear", command=""))
    contacts = [Contact(role="On-Call", name="", contact=""), Contact(role="Escalation", name="", contact="")]
    if facts.provider:
        contacts.append(Contact(role="LLM Provider Support", name="", contact=""))
    panels = ["Request rate and errors", "Latency percentiles"]
    panels += ["Token usage"] if facts.provider else []
    panels += ["Drift scores"]
    return RunbookSection(
        components=[],
        dependencies=[],
        health_checks=checks,
        issues=runbook_issues(rules, retrieves, facts),
        full_rollback_steps=[],
        contacts=contacts,
        commands=commands,
        dashboard_panels=panels,
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
    facts = system_facts(project)
    # Token budgets are a cost of an external provider; a self-hosted model is paid per GPU hour.
    alerting = _alerting(retrieves, token_budget=facts.provider is not None or facts.model_server is None)
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
        runbook=_runbook(facts, alerting.rules),
        improvement=_improvement(),
        decisions=_decisions(trains),
    )


__all__ = ["default_rules", "new_plan", "runbook_issues", "slugify"]
