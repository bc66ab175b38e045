"""Small modal dialogs that return their answer with `dismiss`."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option


class ConfirmModal(ModalScreen[bool]):
    """Ask a yes/no question: `y` confirms, `n` or `escape` declines."""

    DEFAULT_CSS = """
    ConfirmModal { align: center middle; }
    ConfirmModal > Vertical { width: 64; height: auto; max-height: 80%; border: thick $warning; background: $surface; padding: 1 2; }
    ConfirmModal .question { margin-bottom: 1; }
    ConfirmModal .keys { color: $text-muted; }
    """
    BINDINGS = [
        Binding("y", "answer(True)", "Yes", id="confirm.yes"),
        Binding("n", "answer(False)", "No", id="confirm.no"),
        Binding("escape", "answer(False)", "Cancel", show=False, id="confirm.cancel"),
    ]

    def __init__(self, question: str, detail: str = "") -> None:
        self.question = question
        self.detail = detail
        super().__init__()

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Text(self.question, style="bold"), classes="question")
            if self.detail:
                yield Static(Text(self.detail))
            yield Static(Text("[y] yes    [n] no"), classes="keys")

    def action_answer(self, value: bool) -> None:
        self.dismiss(value)


class MessageModal(ModalScreen[None]):
    """Show a message until any of enter/escape/q is pressed. A message taller than the
    terminal (the keys' help at 80x24) scrolls with the arrows and page keys; how to close it
    stays on the frame."""

    DEFAULT_CSS = """
    MessageModal { align: center middle; }
    MessageModal > VerticalScroll { width: 80; height: auto; max-height: 90%; border: thick $primary; background: $surface; padding: 1 2; }
    """
    BINDINGS = [
        Binding("escape,enter,q", "close", "Close", id="message.close"),
    ]

    def __init__(self, title: str, body: str) -> None:
        self.title_text = title
        self.body = body
        super().__init__()

    def compose(self) -> ComposeResult:
        with VerticalScroll() as frame:
            frame.border_subtitle = Text("enter: close, arrows: scroll")
            yield Static(Text(self.title_text, style="bold"))
            yield Static(Text(self.body))

    def on_mount(self) -> None:
        self.query_one(VerticalScroll).focus()

    def action_close(self) -> None:
        self.dismiss(None)


class SavePlanModal(ModalScreen[str | None]):
    """ctrl+s: where to save the plan (the project's own plan file is a retry)."""

    DEFAULT_CSS = """
    SavePlanModal { align: center middle; }
    SavePlanModal > Vertical { width: 90; height: auto; border: thick $primary; background: $surface; padding: 1 2; }
    """
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="save_as.cancel")]

    def __init__(self, default: str) -> None:
        self.default = default
        super().__init__()

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Text("Save the operations plan to", style="bold"))
            yield Static(
                Text(
                    "Keep the path to retry saving into the project, or give another file or folder "
                    "(a relative path is inside the project folder).",
                    style="dim",
                )
            )
            yield Input(self.default, id="save-as-path")
            yield Static(Text("enter: save    escape: cancel", style="dim"))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.dismiss(event.value.strip() or None)

    def action_cancel(self) -> None:
        self.dismiss(None)


class ChoicePicker(ModalScreen[str | None]):
    """Pick one of a field's allowed values (a choice cell): arrows and enter, escape cancels."""

    DEFAULT_CSS = """
    ChoicePicker { align: center middle; }
    ChoicePicker > Vertical {
        width: 50; height: auto; max-height: 80%; border: thick $accent; background: $surface; padding: 0 1;
    }
    ChoicePicker OptionList { height: auto; max-height: 20; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel", id="picker.cancel")]

    def __init__(self, title: str, choices: tuple[str, ...], current: str) -> None:
        self.title_text = title
        self.choices = choices
        self.current = current
        super().__init__()

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Text(self.title_text, style="bold"))
            yield OptionList(*(Option(Text(choice), id=choice) for choice in self.choices), id="picker-options")
            yield Static(Text("enter: choose    escape: cancel", style="dim"))

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        if self.current in self.choices:
            options.highlighted = self.choices.index(self.current)
        options.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)
