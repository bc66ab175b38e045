"""`aiwf [PROJECT_DIR]`: open the app (no argument: a fresh copy of the bundled demo)."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

from aiwf_tui.commands.common import EXIT_USAGE, fail

DEMO_NAME = "fleet-docs-assistant"


def demo_source() -> Path:
    return Path(__file__).resolve().parent.parent / "demo" / DEMO_NAME


def is_demo_copy(folder: Path) -> bool:
    """A folder that `aiwf` copied the demo into before (its sidecar is the demo's project)."""
    try:
        sidecar = (folder / "sidecar.yaml").read_text(encoding="utf-8")
    except OSError:
        return False
    original = (demo_source() / "sidecar.yaml").read_text(encoding="utf-8")

    def name_line(text: str) -> str | None:
        return next((line for line in text.splitlines() if line.startswith("project_name:")), None)

    return name_line(sidecar) is not None and name_line(sidecar) == name_line(original)


def copy_demo(where: Path) -> tuple[Path, bool]:
    """The demo project under `where`: the copy made there before, so the work in it goes on,
    or a new copy (never into the package). Returns (folder, reopened)."""
    target = where / DEMO_NAME
    if target.is_dir() and is_demo_copy(target):
        return target, True
    n = 2
    while target.exists():
        target = where / f"{DEMO_NAME}-{n}"
        n += 1
    shutil.copytree(demo_source(), target)
    return target, False


HEADLESS_HINT = (
    "use the headless verbs instead: aiwf check | plan | render | validate | export PROJECT_DIR (aiwf VERB --help)"
)


def no_terminal_reason() -> str | None:
    """Why the app cannot run here (None: it can): it needs a real terminal on stdin and stdout."""

    def tty(stream) -> bool:
        try:
            return bool(stream is not None and stream.isatty())
        except (AttributeError, ValueError, OSError):
            return False

    if not tty(sys.stdin):
        return "stdin is not a terminal"
    if not tty(sys.stdout):
        return "stdout is not a terminal"
    if os.environ.get("TERM", "") in ("dumb", "unknown"):
        return f"TERM={os.environ.get('TERM')} cannot show the app"
    return None


def run(args) -> int:
    reason = no_terminal_reason()
    if reason is not None:
        # Without a terminal the app would start and block (or draw into a pipe).
        return fail("aiwf", f"the app needs a terminal ({reason}) - {HEADLESS_HINT}", EXIT_USAGE)
    if getattr(args, "debug", False) or os.environ.get("AIWF_LOG", "").strip():
        from aiwf_tui.config import log_path, start_log

        try:
            start_log(log_path())
            print(f"aiwf: logging to {log_path()}")
        except OSError as exc:
            print(
                f"aiwf: cannot write the log {log_path()}: {exc.strerror or exc} - set AIWF_LOG=FILE", file=sys.stderr
            )
    if args.project_dir is None:
        try:
            project_dir, reopened = copy_demo(Path.cwd())
        except OSError as exc:
            print(
                f"aiwf: cannot copy the demo project into {Path.cwd()}: {exc.strerror} - run aiwf from a writable folder",
                file=sys.stderr,
            )
            return 1
        if reopened:
            print(
                f"aiwf: reopening the demo project in {project_dir} (the copy made here before; your answers are in it)"
            )
        else:
            print(f"aiwf: copied the demo project to {project_dir}")
    else:
        project_dir = Path(args.project_dir)
    if not project_dir.is_dir():
        what = "does not exist" if not project_dir.exists() else "is not a folder"
        print(f"aiwf: {project_dir} {what} - pass a project folder (the one holding sidecar.yaml)", file=sys.stderr)
        return 1
    read_only = getattr(args, "read_only", False)
    lock = None
    if not read_only:
        # One project, one writer: a second aiwf on an open project says so.
        from aiwf_tui.errors import AiwfError
        from aiwf_tui.lock import acquire

        try:
            lock = acquire(project_dir)
        except AiwfError as exc:
            fail("aiwf", exc.lines()[0])
            if not ask_read_only():
                return 1
            read_only = True
    from aiwf_tui.app import AiwfApp

    try:
        app = AiwfApp(project_dir, knowledge_url=getattr(args, "knowledge_url", None), read_only=read_only)
        if lock is not None:
            app.release_on_exit = lock.release
        app.run()
    finally:
        if lock is not None:
            lock.release()
    return app.return_code or 0


def ask_read_only() -> bool:
    """Ask "Open read-only instead?" on a terminal; anywhere else the answer is no."""
    try:
        if not sys.stdin.isatty():
            return False
        return input("Open read-only instead? [y/N] ").strip().lower() in ("y", "yes")
    except (EOFError, OSError):
        return False
