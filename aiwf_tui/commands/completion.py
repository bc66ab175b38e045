"""`aiwf completion bash|zsh|fish`: the shell completion script, generated from the parser.

The script is generated once, when this verb runs, and is static: the shell completes verbs,
flags and choices without starting aiwf at every TAB. shtab writes it (it reads argparse
parsers and writes bash, zsh and fish scripts); it is imported here only, never at start-up.
"""

from __future__ import annotations

import sys

from aiwf_tui.commands.common import EXIT_OK

SHELLS = ("bash", "zsh", "fish")

INSTALL = {
    "bash": "aiwf completion bash > ~/.local/share/bash-completion/completions/aiwf",
    "zsh": "aiwf completion zsh > ~/.zfunc/_aiwf  (with fpath+=(~/.zfunc) before compinit in ~/.zshrc)",
    "fish": "aiwf completion fish > ~/.config/fish/completions/aiwf.fish",
}


def add_arguments(parser) -> None:
    import argparse

    parser.add_argument("shell", choices=SHELLS, help="the shell to complete in")
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.epilog = "install (then open a new shell):\n" + "\n".join(f"  {cmd}" for cmd in INSTALL.values())


def _complete_paths(parser) -> None:
    """Folders complete where a verb wants a folder, files where it wants a file."""
    import argparse

    import shtab

    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                _complete_paths(sub)
        elif action.metavar in ("PROJECT_DIR", "DIR"):
            action.complete = shtab.DIRECTORY
        elif action.metavar == "FILE":
            action.complete = shtab.FILE


def script(shell: str) -> str:
    """The completion script for `shell`."""
    import shtab

    from aiwf_tui.cli import full_parser

    parser = full_parser()
    _complete_paths(parser)
    return shtab.complete(parser, shell=shell)


def run(args) -> int:
    sys.stdout.write(script(args.shell))
    if sys.stdout.isatty():
        print(f"# install: {INSTALL[args.shell]}", file=sys.stderr)
    return EXIT_OK
