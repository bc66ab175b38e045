"""[E]: export the project folder as a .tar.gz or .zip with a SHA-256 manifest.

The path is asked in an Input (default: beside the project, `<name>-phase5-<YYYYMMDD>.tar.gz`),
the list of what goes in is shown, enter exports (asking before overwriting), and ctrl+y copies
the path to the clipboard with OSC 52, which reaches the local clipboard over SSH.
"""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, Footer, Input, Static

from aiwf_tui.commands.export import human_size
from aiwf_tui.errors import AiwfError
from aiwf_tui.export import MANIFEST_NAME, archive_format, default_archive_path, export_archive, plan_export
from aiwf_tui.screens.modals import ConfirmModal


class ExportScreen(Screen):
    """Ask for the archive path, show what goes in, write it."""

    DEFAULT_CSS = """
    ExportScreen { padding: 0 1; }
    ExportScreen #export-title { height: auto; margin-bottom: 1; }
    ExportScreen #export-path-row { height: auto; }
    ExportScreen #export-path { width: 1fr; }
    ExportScreen #export-buttons { height: auto; }
    ExportScreen #export-buttons Button { margin-right: 1; }
    ExportScreen #export-status { height: auto; margin: 1 0; }
    ExportScreen #export-list-title { height: 1; }
    ExportScreen #export-list { height: 1fr; border: round $primary-darken-2; }
    """
    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back", id="export.back"),
        Binding(
            "ctrl+y", "copy_path", "Copy path", id="export.copy", tooltip="Copy the archive path (OSC 52, over SSH too)"
        ),
        Binding("ctrl+r", "reset_path", "Default path", id="export.reset", tooltip="Back to the default path"),
    ]

    def __init__(self, project, today: str | None = None) -> None:
        self.project = project
        self.today = today
        self.files: list[Path] = []
        self.plan_error: str | None = None
        self.written: Path | None = None
        self.busy = False
        super().__init__(id="export-screen")

    @property
    def default_path(self) -> Path:
        return default_archive_path(self.project.root, self.today)

    def compose(self) -> ComposeResult:
        yield Static(
            Text.assemble(
                (f"Export {self.project.name}", "bold"),
                ("  .tar.gz or .zip (by the extension), with a MANIFEST.sha256 of every file", "dim"),
            ),
            id="export-title",
        )
        with Horizontal(id="export-path-row"):
            yield Input(str(self.default_path), placeholder="Archive path (.tar.gz, .tgz or .zip)", id="export-path")
        with Horizontal(id="export-buttons"):
            yield Button("Export", variant="primary", id="export-go")
            yield Button("Copy path", id="export-copy")
            yield Button("Back", id="export-back")
        yield Static(
            Text("enter: export   ctrl+y: copy the path   ctrl+r: default path   escape: back", style="dim"),
            id="export-status",
        )
        yield Static(Text("What goes in: listing…", style="bold"), id="export-list-title")
        with VerticalScroll(id="export-list"):
            yield Static("", id="export-files")
        yield Footer()

    def on_mount(self) -> None:
        path_input = self.query_one("#export-path", Input)
        path_input.focus()
        path_input.cursor_position = len(path_input.value)
        self._plan()

    # -- what goes in ------------------------------------------------------------------------
    @work(thread=True, exclusive=True, group="export-plan", exit_on_error=False)
    def _plan(self) -> None:
        try:
            files = plan_export(self.project.root)
            sizes = sum(p.stat().st_size for p in files)
        except AiwfError as exc:
            self.app.call_from_thread(self._plan_failed, exc.lines())
            return
        except OSError as exc:
            self.app.call_from_thread(self._plan_failed, [str(exc)])
            return
        self.app.call_from_thread(self._planned, files, sizes)

    def _planned(self, files: list[Path], total: int) -> None:
        self.files = files
        root = self.project.root
        listing = Text()
        for path in files:
            listing.append(f"{self.project.name}/{path.relative_to(root).as_posix()}\n")
        listing.append(f"{self.project.name}/{MANIFEST_NAME}", style="dim")
        listing.append("  (sha256 of every file above)\n", style="dim")
        self.query_one("#export-files", Static).update(listing)
        self.query_one("#export-list-title", Static).update(
            Text.assemble(
                ("What goes in: ", "bold"),
                f"{len(files)} files + {MANIFEST_NAME}, {human_size(total)} before compression",
                ("  (autosave temp files and .aiwf.lock are left out)", "dim"),
            )
        )

    def _plan_failed(self, lines: list[str]) -> None:
        self.plan_error = " | ".join(lines)
        self.query_one("#export-list-title", Static).update(Text("Cannot export:", style="bold red"))
        self.query_one("#export-files", Static).update(Text("\n".join(lines), style="red"))
        self._status(Text("Cannot export: " + self.plan_error, style="bold red"))

    # -- actions -----------------------------------------------------------------------------
    def target(self) -> Path:
        raw = self.query_one("#export-path", Input).value.strip()
        path = Path(raw).expanduser() if raw else self.default_path
        if not path.is_absolute():
            path = self.project.root.parent / path  # relative paths are beside the project
        return path

    def _status(self, text: Text | str) -> None:
        self.query_one("#export-status", Static).update(text)

    @on(Input.Submitted, "#export-path")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_export()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "export-go":
            self.action_export()
        elif event.button.id == "export-copy":
            self.action_copy_path()
        else:
            self.app.pop_screen()

    def action_reset_path(self) -> None:
        self.query_one("#export-path", Input).value = str(self.default_path)

    def action_export(self) -> None:
        if self.busy:
            return
        if self.plan_error:
            self.notify("Cannot export: " + self.plan_error, severity="error", timeout=10)
            return
        out = self.target()
        try:
            archive_format(out)
        except AiwfError as exc:
            self._failed(exc.lines())
            return
        if out.is_dir():
            self._failed([f"{out}: is a folder - type the archive's file name"])
            return
        if out.exists():

            def answer(yes: bool | None) -> None:
                if yes:
                    self._start(out, force=True)

            self.app.push_screen(ConfirmModal(f"{out.name} already exists. Overwrite it?", str(out)), answer)
            return
        self._start(out, force=False)

    def _start(self, out: Path, *, force: bool) -> None:
        self.busy = True
        self._status(Text(f"Exporting to {out}…"))
        self._write(out, force)

    @work(thread=True, exclusive=True, group="export-write", exit_on_error=False)
    def _write(self, out: Path, force: bool) -> None:
        try:
            result = export_archive(self.project.root, out, force=force)
        except AiwfError as exc:
            self.app.call_from_thread(self._failed, exc.lines())
            return
        except Exception as exc:  # never take the app down
            self.app.call_from_thread(self._failed, [f"{out}: could not be written ({exc})"])
            return
        self.app.call_from_thread(self._done, result)

    def _done(self, result) -> None:
        self.busy = False
        self.written = result.path
        self._status(
            Text.assemble(
                ("Wrote ", "bold green"),
                (str(result.path), "bold"),
                f"  ({len(result.files)} files + {MANIFEST_NAME}, {human_size(result.size)})   ctrl+y copies the path",
            )
        )
        self.notify(f"Exported to {result.path}", timeout=6)

    def _failed(self, lines: list[str]) -> None:
        self.busy = False
        self._status(Text("Not exported: " + " | ".join(lines), style="bold red"))
        self.notify("Not exported: " + " | ".join(lines), severity="error", timeout=10)

    def action_copy_path(self) -> None:
        path = str(self.written or self.target())
        self.app.copy_to_clipboard(path)
        self.notify(f"Copied to the clipboard: {path}")
