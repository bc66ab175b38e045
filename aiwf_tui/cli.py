"""The `aiwf` command: headless verbs, and the app when no verb is given.

Verb modules are imported only when used, so `aiwf PROJECT` reaches the first
screen without paying for Jinja2, httpx or the renderers. A verb module imports at
its top what the verb always uses: run as the program, `aiwf` imports it with the
garbage collector paused (see `_import_verb`).
"""

from __future__ import annotations

import argparse
import gc
import importlib
import os
import sys
from types import ModuleType
from typing import NoReturn

from aiwf_tui import __version__

#: verb -> (module, one-line help). Each module has add_arguments(parser) and run(args) -> int.
VERBS: dict[str, tuple[str, str]] = {
    "check": ("aiwf_tui.commands.check", "check a project folder is ready for Phase 5"),
    "plan": (
        "aiwf_tui.commands.plan",
        "write the operations plan prefilled for this project; answer and confirm headlessly",
    ),
    "todo": ("aiwf_tui.commands.todo", "list every answer Phase 5 still needs (exit 1 while any is open)"),
    "render": ("aiwf_tui.commands.render", "write every Phase 5 artifact from the confirmed plan"),
    "validate": ("aiwf_tui.commands.validate", "check the Prometheus/Alertmanager files with promtool and amtool"),
    "drill": ("aiwf_tui.commands.drill", "fire every alert through a real Prometheus and Alertmanager on loopback"),
    "export": ("aiwf_tui.commands.export", "archive the project folder (or its Prometheus files)"),
    "knowledge": ("aiwf_tui.commands.knowledge", "query the Knowledge server (or the embedded knowledge base)"),
    "config": ("aiwf_tui.commands.config", "show where the user configuration lives"),
    "completion": ("aiwf_tui.commands.completion", "print the shell completion script for bash, zsh or fish"),
    "help": ("aiwf_tui.commands.help", "help for aiwf, or for one verb"),
}

DESCRIPTION = """\
aiwf - Phase 5 (Operations) of the AI Engineering Workflow.

  aiwf [PROJECT_DIR]      open the app on a project (no argument: a copy of the demo project)
  aiwf help [VERB]        help for aiwf or a verb (also: aiwf VERB --help)
"""


def _verb_epilog() -> str:
    width = max(len(v) for v in VERBS)
    return "verbs:\n" + "\n".join(f"  {verb.ljust(width)}  {text}" for verb, (_, text) in VERBS.items())


def _open_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="aiwf",
        description=DESCRIPTION,
        epilog=_verb_epilog(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"aiwf {__version__}")
    parser.add_argument(
        "project_dir",
        nargs="?",
        metavar="PROJECT_DIR",
        help="the project folder (holding sidecar.yaml); default: a new copy of the demo",
    )
    parser.add_argument(
        "--knowledge-url", metavar="URL", help="Knowledge server URL (else AIWF_KNOWLEDGE_URL or the config file)"
    )
    parser.add_argument("--read-only", action="store_true", help="open without writing anything (review)")
    parser.add_argument(
        "--debug", action="store_true", help="write a log for a bug report (where: aiwf config path; or AIWF_LOG=FILE)"
    )
    return parser


class _VerbParser(argparse.ArgumentParser):
    """A verb's parser: with `--json`, a usage error is the JSON error object too (exit 2)."""

    def error(self, message: str) -> NoReturn:
        from aiwf_tui.commands import common

        if common.json_output():
            common.fail(self.prog, f"{message} (see {self.prog} --help)", common.EXIT_USAGE)
            raise SystemExit(common.EXIT_USAGE)
        super().error(message)


def _verb_parser(verb: str, *, freeze: bool = False) -> tuple[argparse.ArgumentParser, ModuleType]:
    module_name, help_text = VERBS[verb]
    module = _import_verb(module_name) if freeze else importlib.import_module(module_name)
    parser = _VerbParser(prog=f"aiwf {verb}", description=help_text)
    module.add_arguments(parser)
    return parser, module


def _import_verb(module_name: str) -> ModuleType:
    """Import a verb's module with the cyclic garbage collector paused, then freeze what the
    import built: for a process that ends with the verb (never for in-process callers).

    The imports create objects that live as long as the process (pydantic builds ~40 model
    schemas for the plan); while they pile up, the collector walks them again and again and
    frees nothing, and once more at exit. Frozen, every collection skips them (~3% of
    `aiwf render`'s instructions, more of its time: the walks miss the CPU caches)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        return importlib.import_module(module_name)
    finally:
        gc.freeze()
        if enabled:
            gc.enable()


def full_parser() -> argparse.ArgumentParser:
    """`aiwf` with every verb as a sub-command: what shell completion is generated from.

    It imports every verb module, so only `aiwf completion` builds it, never a start-up."""
    parser = argparse.ArgumentParser(
        prog="aiwf", description=DESCRIPTION, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--version", action="version", version=f"aiwf {__version__}")
    parser.add_argument(
        "--knowledge-url", metavar="URL", help="Knowledge server URL (else AIWF_KNOWLEDGE_URL or the config file)"
    )
    parser.add_argument("--read-only", action="store_true", help="open without writing anything (review)")
    parser.add_argument(
        "--debug", action="store_true", help="write a log for a bug report (where: aiwf config path; or AIWF_LOG=FILE)"
    )
    subs = parser.add_subparsers(dest="verb", metavar="VERB")
    for verb, (module_name, help_text) in VERBS.items():
        module = importlib.import_module(module_name)
        module.add_arguments(subs.add_parser(verb, help=help_text, description=help_text))
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `aiwf` console script; returns the exit code. Without `argv`, the
    process's own arguments: then, once a verb is done, the process ends here (see
    `_exit_without_teardown`)."""
    as_program = argv is None
    argv = list(sys.argv[1:] if argv is None else argv)
    # No pydantic plugin is meant to observe aiwf's own models, and looking for one reads the
    # metadata of every installed distribution (~15 ms of each command in an 80-package venv).
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    if as_program:
        from aiwf_tui.pydantic_plugins import install

        install()  # nor does importing pydantic's plugin loader (see there)
    from aiwf_tui.safetext import CleanStream

    # Every message, diff and listing quotes project files: none reaches the terminal as control
    # sequences. (The app draws through Textual's driver, which has its own filter.)
    saved = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = CleanStream(sys.stdout), CleanStream(sys.stderr)
    try:
        code = _main(argv, as_program)
    finally:
        sys.stdout, sys.stderr = saved
    if as_program and argv and argv[0] in VERBS:
        _exit_without_teardown(code)
    return code


def _exit_without_teardown(code: int) -> None:
    """End the process with `code` as a normal exit would, but without the interpreter's
    teardown: atexit handlers run and the standard streams are flushed; the hundreds of
    thousands of objects the imports built are not freed one by one (~15 ms of `aiwf
    render`). Returns, for the normal exit, while another thread is still running."""
    import atexit
    import threading

    if threading.active_count() > 1:
        return
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe or stream: nothing more can be said
            pass
    os._exit(code)


def _verb_typo(argv: list[str]) -> str | None:
    """The line for a first word that is neither a verb nor a path but spells nearly a verb
    (`aiwf rendr demo`): argparse would take it for PROJECT_DIR and complain about the rest."""
    if not argv or argv[0].startswith("-") or os.path.lexists(argv[0]):
        return None
    import difflib

    close = difflib.get_close_matches(argv[0], VERBS, n=1, cutoff=0.6)
    if not close:
        return None
    return (
        f"aiwf: {argv[0]!r} is neither a verb nor a folder - did you mean `aiwf {close[0]}`? "
        "(`aiwf --help` lists the verbs)"
    )


def _main(argv: list[str], as_program: bool = False) -> int:
    try:
        if argv and argv[0] in VERBS:
            from aiwf_tui.commands.common import set_json_output

            set_json_output("--json" in argv[1 : argv.index("--") if "--" in argv else None])
            try:
                parser, module = _verb_parser(argv[0], freeze=as_program)
                args = parser.parse_args(argv[1:])
                set_json_output(getattr(args, "json", False))
                return int(module.run(args) or 0)
            finally:  # also after a usage error (SystemExit): in-process callers go on in text
                set_json_output(False)
        typo = _verb_typo(argv)
        if typo is not None:
            print(typo, file=sys.stderr)
            return 2
        args = _open_parser().parse_args(argv)
        from aiwf_tui.commands import open_app

        return open_app.run(args)
    except KeyboardInterrupt:
        print("aiwf: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
