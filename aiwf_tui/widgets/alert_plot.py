"""The selected alert rule, drawn: the series its promtool test replays, the threshold, the
`for` window, and the minutes it starts pending and fires, in the severity's colour.

textual-plotext (over plotext) draws it: axes, ticks, braille lines and a legend that
degrade to 16 colours come for free, where hand drawing would mean re-writing scaling and
tick labelling. It is imported on first draw, so start-up does not pay for it. The shape is
computed after the preview's debounce, on the spot when it takes a few milliseconds (nearly
every rule) and in a thread worker when it is costly (a day-long window), so typing never
waits on it; computed shapes are remembered.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, cast

from rich.text import Text
from textual import work
from textual.containers import Vertical
from textual.timer import Timer
from textual.visual import visualize
from textual.widgets import Static

from aiwf_tui.model.plan import AlertRule, MetricsPlan, format_number
from aiwf_tui.render.prometheus.alert_shape import AlertShape, OpenRule, alert_shape, costly
from aiwf_tui.render.prometheus.scenarios import Untestable

if TYPE_CHECKING:
    from textual.css.styles import RulesMap
    from textual_plotext import PlotextPlot

    from aiwf_tui.widgets.prebuilt_plot import PrebuiltPlot

#: Seconds of quiet after which a change redraws at once; within a burst, the redraw waits
#: until the changes stop for this long (as the preview's debounce).
PLOT_DEBOUNCE = 0.04

#: Severity -> a colour every 16-colour terminal has.
SEVERITY_COLOURS = {"critical": "red", "high": "yellow", "medium": "blue", "low": "cyan"}


class AlertPlot(Vertical):
    """The plot of one rule's scenario; `show_rule` (debounced) chooses and redraws it."""

    DEFAULT_CSS = """
    AlertPlot { height: 16; border: round $primary-darken-2; padding: 0 1; }
    AlertPlot > .alert-plot-caption { height: auto; max-height: 4; }
    AlertPlot > PlotextPlot { height: 1fr; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.shape: AlertShape | None = None
        self.severity = "medium"
        self.title = ""
        self.problem = ""
        self.drawn_firing_minute: int | None = None  # the firing minute last drawn
        self._timer: Timer | None = None
        self._plot: PrebuiltPlot | None = None
        self._caption_lines = (0, -1)  # (width, height) of the caption as last laid out
        self._generation = 0  # counts `show_rule` calls: only the latest one is drawn
        self._last_change = -PLOT_DEBOUNCE  # when `show_rule` was last called (monotonic seconds)

    def compose(self):
        yield Static("", classes="alert-plot-caption")

    def show_rule(self, name: str, rule: AlertRule | None, service: str, metrics: MetricsPlan | None) -> None:
        """Redraw for `rule` (a copy is taken now): at once after a quiet moment, else once
        the changes stop for `PLOT_DEBOUNCE` (a burst of keys or cursor moves draws twice)."""
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        self._generation += 1
        generation = self._generation
        copy = rule.model_copy(deep=True) if rule is not None else None
        metrics_copy = metrics.model_copy(deep=True) if metrics is not None else None
        now = time.monotonic()
        quiet = now - self._last_change >= PLOT_DEBOUNCE
        self._last_change = now
        if quiet:
            self._redraw(generation, name, copy, service, metrics_copy)
        else:
            self._timer = self.set_timer(
                PLOT_DEBOUNCE, lambda: self._redraw(generation, name, copy, service, metrics_copy)
            )

    def _redraw(
        self, generation: int, name: str, rule: AlertRule | None, service: str, metrics: MetricsPlan | None
    ) -> None:
        # A shape takes a few milliseconds: computed here, it is on screen with the next frame
        # (a thread's start-up alone measured ~90 ms on a loaded 2-core machine). Only a costly
        # one (a day-long window) goes to a thread, so typing never waits on it.
        key = _shape_key(rule, service, metrics)
        if rule is not None and key not in _SHAPES and costly(rule, metrics):
            self._compute(generation, name, rule, service, metrics, key)
        else:
            self._draw(
                generation, name, rule.severity if rule else "medium", *_shape_of(name, rule, service, metrics, key)
            )

    @work(thread=True, exclusive=True, group="alert-plot", exit_on_error=False)
    def _compute(
        self, generation: int, name: str, rule: AlertRule, service: str, metrics: MetricsPlan | None, key: str
    ) -> None:
        shape, problem = _shape_of(name, rule, service, metrics, key)
        self.app.call_from_thread(self._draw, generation, name, rule.severity, shape, problem)

    def _draw(self, generation: int, name: str, severity: str, shape: AlertShape | None, problem: str) -> None:
        if not self.is_attached or generation != self._generation:  # a later rule or edit came first
            return
        self.shape, self.severity, self.title, self.problem = shape, severity, name, problem
        colour = SEVERITY_COLOURS.get(severity, "white")
        if shape is None:
            self.drawn_firing_minute = None
            self._show_caption(Text(problem, style="dim"))
            if self._plot is not None:
                self._plot.display = False
            return
        self._show_caption(
            Text.assemble(
                (f"{name} ", "bold"),
                (f"({severity}) ", colour),
                f"{shape.comparator} {format_number(shape.threshold)} for {shape.for_minutes}m: ",
                ("pending ", "bold"),
                f"at {shape.pending_minute}m, ",
                ("fires ", f"bold {colour}"),
                f"at {shape.firing_minute}m (promtool checks quiet at {shape.quiet_minute}m)\n",
                (shape.reference or f"a step across the threshold: {shape.why_step}", "dim"),
            )
        )
        if self._plot is None:
            from aiwf_tui.widgets.prebuilt_plot import PrebuiltPlot  # on first draw: start-up stays lean

            self._plot = PrebuiltPlot()
            self.mount(self._plot)
        self._plot.display = True
        draw_shape(self._plot, shape, colour)
        self._plot.prebuild()  # now, while the frame that shows it is awaited
        self.drawn_firing_minute = shape.firing_minute

    def _show_caption(self, text: Text) -> None:
        """Put `text` in the caption; the screen is laid out again only when its height changes
        (a layout is ~3 ms of the frame that shows the redrawn plot)."""
        caption = self.query_one(".alert-plot-caption", Static)
        width = caption.size.width
        rules = cast("RulesMap", caption.styles)  # as Textual measures a widget's content
        lines = (width, visualize(caption, text, markup=False).get_height(rules, width) if width else -1)
        caption.update(text, layout=lines != self._caption_lines or not width)
        self._caption_lines = lines


#: Shapes already computed, by `_shape_key`: moving back to a rule, or undoing an edit, costs nothing.
_SHAPES: dict[str, tuple[AlertShape | None, str]] = {}
_SHAPES_KEPT = 64


def _shape_key(rule: AlertRule | None, service: str, metrics: MetricsPlan | None) -> str:
    rule_json = rule.model_dump_json() if rule is not None else ""
    metrics_json = metrics.model_dump_json() if metrics is not None else ""
    return f"{service}\0{metrics_json}\0{rule_json}"


def _shape_of(
    name: str, rule: AlertRule | None, service: str, metrics: MetricsPlan | None, key: str
) -> tuple[AlertShape | None, str]:
    """The rule's shape, or None and the one line saying why there is none (remembered)."""
    if key in _SHAPES:
        return _SHAPES[key]
    shape, problem = None, ""
    if rule is None:
        problem = "No alert rule selected."
    else:
        try:
            shape = alert_shape(rule, service, metrics)
        except OpenRule as exc:
            problem = f"{name}: {exc}."
        except Untestable as exc:
            problem = f"{name}: no unit test, so nothing to draw - {exc}"
        except Exception as exc:  # a plot must never take the app down
            problem = f"{name}: cannot draw yet - {exc}"
    if len(_SHAPES) >= _SHAPES_KEPT:
        _SHAPES.pop(next(iter(_SHAPES)))
    _SHAPES[key] = (shape, problem)
    return shape, problem


def draw_shape(widget: PlotextPlot, shape: AlertShape, colour: str) -> None:
    """Plot the metric, the threshold, the `for` window and the pending and firing minutes."""
    plt = widget.plt
    plt.clear_figure()
    plt.theme("clear")
    minutes = [m for m, v in enumerate(shape.values) if v is not None]
    values = [v for v in shape.values if v is not None]
    plt.plot(minutes, values, label="value", color="white", marker="hd")
    last = len(shape.values) - 1
    plt.xlim(0, last)
    marks = sorted({0.0, float(shape.pending_minute), float(shape.firing_minute), float(last)})
    plt.xticks(marks, [f"{m:.0f}m" for m in marks])
    low, high = min(*values, shape.threshold), max(*values, shape.threshold)
    ticks = [low, shape.threshold, high]
    plt.yticks(ticks, [format_number(round(t, 6)) for t in ticks])
    plt.hline(shape.threshold, color=colour)
    start, end = shape.pending_minute, shape.firing_minute
    plt.plot(
        [start, end], [shape.threshold, shape.threshold], label=f"for {shape.for_minutes}m", color=colour, marker="━"
    )
    plt.vline(start, color=colour)
    plt.vline(end, color=colour)
    plt.text("pending", start, high, color=colour)
    plt.text("fires", end, low, color=colour)
    plt.xlabel("minutes")
    widget.refresh()
