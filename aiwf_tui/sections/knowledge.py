"""2. Knowledge: the methodologies and warnings the workflow queries, each with its origin."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from aiwf_tui.sections.base import SectionView, para

INTRO = (
    "The workflow grounds Phase 5 in the Knowledge MCP: methodologies for drift detection, MLOps "
    "monitoring and data drift, and warnings for production ML. They inform the recommendations in "
    "the next sections, and the operations decisions cite them. Every item says where it came from: "
    "the server, or the embedded knowledge base when no server answers."
)


class KnowledgeView(SectionView):
    KEY = "knowledge"
    TITLE = "Knowledge"

    def intro(self) -> Text:
        return Text(INTRO)

    def refresh_knowledge(self) -> None:
        self.query_one(".knowledge-list", Static).update(self.knowledge_list())

    def blocks(self):
        return [para(self.knowledge_list(), "knowledge-list")]

    def knowledge_list(self) -> Text:
        bundle = self.ctx.knowledge
        if bundle is None:
            return Text("Loading knowledge… (you can move on; it appears here when ready)", style="italic dim")
        text = Text()
        text.append(bundle.status_line() + "\n\n", style="bold")
        for result in bundle.results:
            text.append(f"{result.endpoint}: {result.topic}", style="bold underline")
            text.append(
                f"   ({result.ref}, {result.origin}{', ' + result.reason if result.reason else ''})\n", style="dim"
            )
            if not result.items:
                text.append("  no results\n", style="dim italic")
            for item in result.items:
                text.append("  • ")
                text.append(item.title, style="bold")
                text.append(f"  ({item.origin}: {item.source_title})", style="dim italic")
                if item.degraded:
                    text.append("  [details unavailable]", style="yellow")
                text.append("\n")
                if item.summary:
                    text.append(f"    {item.summary}\n")
                for step in item.steps[:6]:
                    text.append(f"    - {step}\n", style="")
                if item.prevention:
                    text.append("    Prevention: ", style="bold")
                    text.append(item.prevention + "\n")
            text.append("\n")
        return text
