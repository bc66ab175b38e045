"""Small Markdown helpers shared by the renderers.

User text is data: these helpers only escape what would break the surrounding
Markdown structure (a table row, a code span, a heading line), never evaluate it.
"""

from __future__ import annotations

import re

TODO_TEMPLATE = "_To do: {}_"


def todo(what: str) -> str:
    """A visible to-do marker for a project-specific value the plan leaves empty."""
    return TODO_TEMPLATE.format(what)


def or_todo(value: str | None, what: str) -> str:
    """`value`, or a to-do marker when it is empty or blank."""
    return value if value and value.strip() else todo(what)


def md_cell(text: object) -> str:
    """Text safe inside one Markdown table cell: `|` escaped, line breaks as `<br>`."""
    value = "" if text is None else str(text)
    value = value.replace("\\", "\\\\").replace("|", "\\|")
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    return value.replace("\n", "<br>")


def cell_or_todo(value: str | None, what: str) -> str:
    """A table cell: the escaped value, or a to-do marker."""
    return md_cell(value) if value and value.strip() else todo(what)


def oneline(text: object) -> str:
    """Text on one line (for headings and list items that must stay one line)."""
    return " ".join(str(text).split())


def code_span(text: object) -> str:
    """An inline code span that survives backticks in the text."""
    value = str(text)
    longest = max((len(m) for m in re.findall(r"`+", value)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if value.startswith("`") or value.endswith("`") else ""
    return f"{fence}{pad}{value}{pad}{fence}"


def fence_for(text: str, minimum: int = 3) -> str:
    """A code-block fence longer than any backtick run in `text`."""
    longest = max((len(m) for m in re.findall(r"`+", text)), default=0)
    return "`" * max(minimum, longest + 1)


def anchor_tag(anchor: str) -> str:
    """The heading anchor syntax the workflow's runbook uses: `{#anchor}`."""
    return "{#" + anchor + "}"
