"""The drift severity table as one horizontal scale of the drift score (0 to 1): each band in
its severity's colour with its action beneath, gaps left blank and any overlap marked, so the
order of the bands is seen rather than read. Plain Rich text redrawn on resize and on edits."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from aiwf_tui.model.plan import SeverityResponse

#: Severity -> a background every 16-colour terminal has.
BAND_COLOURS = {"low": "cyan", "medium": "blue", "high": "yellow", "critical": "red"}
OVERLAP_STYLE = "bold white on bright_red"


def scale_text(responses: list[SeverityResponse], width: int) -> Text:
    """The scale, `width` cells wide: the bar, the 0 / 0.5 / 1 ruler, then one line per band."""
    width = max(width, 20)
    banded = [r for r in responses if r.score_from is not None and r.score_to is not None]
    owners: list[list[SeverityResponse]] = [[] for _ in range(width)]
    names = [" "] * width  # each band's name written inside it, where it fits
    for r in banded:
        assert r.score_from is not None and r.score_to is not None
        start = round(r.score_from * width)
        end = min(width, max(start + 1, round(r.score_to * width)))
        for cell in range(start, end):
            owners[cell].append(r)
        if end - start >= len(r.severity) + 2:
            names[start + 1 : start + 1 + len(r.severity)] = r.severity
    bar = Text()
    for owned_by, char in zip(owners, names):
        if not owned_by:
            bar.append("·", style="dim")
        elif len(owned_by) > 1:
            bar.append("!", style=OVERLAP_STYLE)
        else:
            severity = owned_by[0].severity.strip().lower()
            bar.append(char, style=f"bold black on {BAND_COLOURS.get(severity, 'white')}")
    ruler = Text("0".ljust(width // 2) + "0.5".ljust(width - width // 2 - 1) + "1", style="dim")
    lines = [Text("Drift score", style="bold"), bar, ruler]
    for r in sorted(banded, key=lambda r: (r.score_from or 0.0, r.score_to or 0.0)):
        colour = BAND_COLOURS.get(r.severity.strip().lower(), "white")
        lines.append(
            Text.assemble(
                ("■ ", colour),
                (f"{r.severity} ", "bold"),
                f"{r.score_from:g}–{r.score_to:g}: ",
                (r.action or "(no action)", "" if r.action else "dim"),
            )
        )
    unbanded = [r.severity for r in responses if r not in banded]
    if unbanded:
        lines.append(Text(f"No score band yet: {', '.join(unbanded)} (set From and To)", style="dim"))
    return Text("\n").join(lines)


class DriftScale(Static):
    """The severity bands of a drift section's responses on one scale."""

    DEFAULT_CSS = "DriftScale { height: auto; padding: 0 1; margin: 1 0; }"

    def __init__(self, responses: list[SeverityResponse], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.responses = responses  # the live list in the plan

    def render(self) -> Text:
        return scale_text(self.responses, self.content_region.width or 60)

    def redraw(self, responses: list[SeverityResponse]) -> None:
        self.responses = responses
        self.refresh(layout=True)
