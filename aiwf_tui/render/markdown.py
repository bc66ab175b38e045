"""Small Markdown helpers shared by the renderers.

User text is data: these helpers only escape what would break the surrounding
Markdown structure (a table row, a code span, a heading line), never evaluate it.
What they build is `Md` (aiwf's own Markdown); templates pass every other string through
`block_safe` (see `environment`), so outside text never opens block structure.
"""

from __future__ import annotations

import re

from aiwf_tui.markdown import Md, block_safe

TODO_TEMPLATE = "_To do: {}_"


def todo(what: str) -> Md:
    """A visible to-do marker for a project-specific value the plan leaves empty."""
    return Md(TODO_TEMPLATE.format(oneline(what)))


def or_todo(value: str | None, what: str, indent: int = 0) -> Md:
    """`value` (made block-safe; later lines indented by `indent`, inside a list item), or a
    to-do marker when it is empty or blank."""
    return Md(block_safe(value, " " * indent)) if value and value.strip() else todo(what)


def md_cell(text: object) -> Md:
    """Text safe inside one Markdown table cell: `|` escaped, line breaks as `<br>`."""
    value = "" if text is None else str(text)
    value = value.replace("\\", "\\\\").replace("|", "\\|")
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    return Md(value.replace("\n", "<br>"))


def cell_or_todo(value: str | None, what: str) -> Md:
    """A table cell: the escaped value, or a to-do marker."""
    return md_cell(value) if value and value.strip() else todo(what)


def oneline(text: object) -> str:
    """Text on one line (for headings and list items that must stay one line)."""
    return " ".join(str(text).split())


def code_span(text: object) -> Md:
    """An inline code span that survives backticks in the text."""
    value = str(text)
    longest = max((len(m) for m in re.findall(r"`+", value)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if value.startswith("`") or value.endswith("`") else ""
    return Md(f"{fence}{pad}{value}{pad}{fence}")


def fence_for(text: str, minimum: int = 3) -> Md:
    """A code-block fence longer than any backtick run in `text`."""
    longest = max((len(m) for m in re.findall(r"`+", text)), default=0)
    return Md("`" * max(minimum, longest + 1))


def anchor_tag(anchor: str) -> Md:
    """The heading anchor syntax the workflow's runbook uses: `{#anchor}`."""
    return Md("{#" + anchor + "}")


def item_text(value: object, marker_width: int = 2) -> object:
    """The text of a list item (after `- ` or `N. `): block-safe, later lines indented to stay
    in the item. `Md` and non-strings pass through."""
    if isinstance(value, str) and not isinstance(value, Md):
        return Md(block_safe(value, " " * marker_width))
    return value


def finalize(value: object) -> object:
    """Jinja's hook on every `{{ ... }}`: aiwf's own Markdown as is, any other string made
    block-safe (outside text), other values as they are."""
    if isinstance(value, str) and not isinstance(value, Md):
        return block_safe(value)
    return value
