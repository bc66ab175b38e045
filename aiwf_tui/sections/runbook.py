"""7. The runbook: components, dependencies, health checks, common issues, rollback,
maintenance, contacts, commands and dashboard - previewed live as it is filled in."""

from __future__ import annotations

from rich.text import Text

from aiwf_tui.model.plan import CommonIssue, Component, Contact, Dependency, HealthCheck, UsefulCommand
from aiwf_tui.sections.base import SectionView, heading
from aiwf_tui.widgets.editable_table import Column, TableSpec


class RunbookView(SectionView):
    KEY = "runbook"
    TITLE = "Runbook"
    PLAN_KEY = "runbook"
    PREVIEW_DEFAULT = True

    def intro(self) -> Text:
        t = Text(
            "Why: at 3 a.m. the on-call engineer needs the system's parts, how to check each, and for every "
            "alert a section with symptoms, diagnosis and resolution. Each alert rule links one of the "
            "'Common issues' anchors below; render refuses to write a runbook that misses one. "
            "The preview on the right is runbook.md exactly as it will be written."
        )
        return t

    def blocks(self):
        m = self.model
        rows = []
        rows += self.table(
            TableSpec(
                "Key components",
                lambda: m.components,
                [Column("name", "Component"), Column("purpose", "Purpose")],
                lambda: Component(name="New component"),
                self.KEY,
            )
        )
        rows += self.table(
            TableSpec(
                "Dependencies",
                lambda: m.dependencies,
                [Column("name", "Dependency"), Column("impact", "What breaks if unavailable")],
                lambda: Dependency(name="New dependency"),
                self.KEY,
            )
        )
        rows.append(heading("Service health"))
        rows.append(self.field(m, "health_endpoint", "Endpoint"))
        rows.append(self.field(m, "health_expected", "Expected response"))
        rows.append(self.field(m, "health_frequency", "Check frequency"))
        rows += self.table(
            TableSpec(
                "Component health",
                lambda: m.health_checks,
                [
                    Column("component", "Component"),
                    Column("check", "Health check"),
                    Column("expected", "Expected state"),
                ],
                lambda: HealthCheck(component="New component"),
                self.KEY,
            )
        )
        rows += self.table(
            TableSpec(
                "Common issues and resolutions",
                lambda: m.issues,
                [
                    Column("title", "Issue"),
                    Column("anchor", "Anchor"),
                    Column("symptoms", "Symptoms"),
                    Column("diagnosis", "Diagnosis steps"),
                    Column("resolution", "Resolution"),
                    Column("escalation", "Escalation"),
                ],
                lambda: CommonIssue(anchor=f"issue-{len(m.issues) + 1}", title="New issue"),
                self.KEY,
                note="List cells take one item per line. Each alert's runbook anchor must be one of these.",
            )
        )
        rows.append(heading("Rollback"))
        rows.append(self.field(m, "full_rollback_when", "Full rollback: when to use"))
        rows.append(self.field(m, "full_rollback_steps", "Full rollback: steps (one per line)"))
        rows.append(self.field(m, "flag_rollback_when", "Partial rollback (feature flag): when to use"))
        rows.append(self.field(m, "flag_rollback_command", "Command that disables the feature flag"))
        rows.append(heading("Maintenance"))
        rows.append(self.field(m, "maintenance_notice", "How far in advance users are notified"))
        if self.ctx.project.retrieves:
            rows.append(self.field(m, "index_rebuild_when", "Index rebuilding: when needed"))
            rows.append(self.field(m, "index_rebuild_steps", "Index rebuilding: steps (one per line)"))
        rows += self.table(
            TableSpec(
                "Contacts",
                lambda: m.contacts,
                [Column("role", "Role"), Column("name", "Name"), Column("contact", "Contact")],
                lambda: Contact(role="New role"),
                self.KEY,
            )
        )
        rows += self.table(
            TableSpec(
                "Useful commands",
                lambda: m.commands,
                [Column("purpose", "Purpose"), Column("command", "Command")],
                lambda: UsefulCommand(purpose="New command"),
                self.KEY,
            )
        )
        rows.append(heading("Key metrics dashboard"))
        rows.append(self.field(m, "dashboard_url", "Dashboard location (URL)"))
        rows.append(self.field(m, "dashboard_panels", "Key panels (one per line)"))
        return rows
