"""The one error type that leaves the domain: a problem a person can fix.

Every loader and writer turns what goes wrong (bad YAML, wrong types, missing
files, a full disk) into `AiwfError`, so the CLI prints one line per problem
and the app shows it, and no traceback ever reaches the user.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass
class Problem:
    """One problem in one file: where, what, and what to do about it."""

    path: str
    message: str
    fix: str = ""
    line: int | None = None
    column: int | None = None

    def __str__(self) -> str:
        where = self.path
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        text = f"{where}: {self.message}"
        if self.fix:
            text += f" - {self.fix}"
        # One line per problem, whatever the message contains.
        return " ".join(text.split())


class AiwfError(Exception):
    """A user-fixable failure carrying one or more `Problem`s."""

    def __init__(self, *problems: Problem):
        self.problems: list[Problem] = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))

    @classmethod
    def at(
        cls,
        path: str | Path,
        message: str,
        fix: str = "",
        line: int | None = None,
        column: int | None = None,
    ) -> AiwfError:
        """Build an error about a single file."""
        return cls(Problem(str(path), message, fix, line, column))

    def lines(self) -> list[str]:
        """The problems, one printable line each."""
        return [str(p) for p in self.problems]
