"""Markdown structure, read and written safely (pure; no Textual, no Rich).

Reading: `fenced_lines` finds the lines inside fenced code blocks the way CommonMark does
(backticks or tildes, three or more; the closing fence uses the same character and is at
least as long; a backtick fence's info string holds no backtick; at most three spaces of
indent; an unclosed fence runs to the end). Every parser of a Markdown file (the decision
log, the spec updater, the runbook checks) asks it, so a fence in user text can never hide
or reveal headings differently from a Markdown viewer.

Writing: `block_safe` makes outside text unable to open block structure (headings, thematic
breaks and setext underlines, fences, HTML blocks, blockquotes, list items, table rows and
delimiter rows, link reference definitions, `**Label:**` fields the log parser reads) by
backslash-escaping the first character of each line that could. CommonMark renders an
escaped punctuation character as itself, so the text still reads verbatim.
"""

from __future__ import annotations

import re

__all__ = ["Md", "block_safe", "fenced_lines", "heading_lines", "list_item"]

_OPEN_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})(.*)$")
_HEADING = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]|$)")


class Md(str):
    """Markdown that aiwf built itself (to-do markers, code spans, escaped cells): shown as
    is. Any other string placed into a template is outside text and goes through `block_safe`."""

    __slots__ = ()


def fenced_lines(lines: list[str]) -> list[bool]:
    """For each line, whether it belongs to a fenced code block (its fences included)."""
    inside = [False] * len(lines)
    fence_char, fence_len = "", 0
    for i, line in enumerate(lines):
        if fence_len:
            inside[i] = True
            stripped = line.lstrip(" ")
            if len(line) - len(stripped) <= 3 and stripped.startswith(fence_char * fence_len):
                run = len(stripped) - len(stripped.lstrip(fence_char))
                if run >= fence_len and not stripped[run:].strip(" \t"):
                    fence_char, fence_len = "", 0
            continue
        if "`" not in line and "~" not in line:
            continue
        match = _OPEN_FENCE.match(line)
        if match is None:
            continue
        fence, info = match.groups()
        if fence[0] == "`" and "`" in info:
            continue  # not a fence: an inline code span
        inside[i] = True
        fence_char, fence_len = fence[0], len(fence)
    return inside


def heading_lines(lines: list[str]) -> list[tuple[int, int]]:
    """(index, level) of every ATX heading outside fenced code blocks."""
    fenced = fenced_lines(lines)
    result = []
    for i, line in enumerate(lines):
        if not fenced[i] and "#" in line[:4]:
            match = _HEADING.match(line)
            if match:
                result.append((i, len(match.group(1))))
    return result


# A line that would open or change block structure, read after any indentation (inside a
# list item, more indentation still counts).
_BLOCK_START = re.compile(
    r"""
      \#{1,6}(?:[ \t]|$)                 # ATX heading
    | [>|<]                              # blockquote, table row, HTML block
    | [-+*](?:[ \t]|$)                   # bullet list item
    | \*\*                               # a `**Label:**` field of the decision log
    | (?:[-*_][ \t]*){3,}$               # thematic break
    | =+[ \t]*$ | -+[ \t]*$              # setext heading underline
    | `{3,} | ~{3,}                      # code fence
    | \d{1,9}[.)](?:[ \t]|$)             # ordered list item
    | \[[^\]]*\]:                        # link reference definition
    | :?-+:?[ \t]*\|                     # table delimiter row without a leading pipe
    """,
    re.X,
)


def _safe_line(line: str) -> str:
    body = line.lstrip(" \t")
    if not body or not _BLOCK_START.match(body):
        return line
    indent = line[: len(line) - len(body)]
    if body[0].isdigit():  # `1. item`: escape the delimiter after the number
        digits = len(body) - len(body.lstrip("0123456789"))
        return indent + body[:digits] + "\\" + body[digits:]
    if body.startswith("**"):
        return indent + "\\*\\*" + body[2:]
    return indent + "\\" + body


def block_safe(text: object, continuation: str = "") -> str:
    """`text` for a place in a Markdown file where it must stay inline content: no line of it
    can open block structure. `continuation` indents its later lines (a list item's content
    column, so a blank line in the text cannot end the list). Returns `Md` values unchanged
    (aiwf built them)."""
    if isinstance(text, Md):
        return text
    value = "" if text is None else str(text)
    if "\r" in value:
        value = value.replace("\r\n", "\n").replace("\r", "\n")
    if "\n" not in value:
        return _safe_line(value)
    lines = value.split("\n")
    # Blank lines before or after the text show nothing, and would end a list or move what follows.
    while len(lines) > 1 and not lines[-1].strip():
        lines.pop()
    while len(lines) > 1 and not lines[0].strip():
        lines.pop(0)
    first, *rest = lines
    return "\n".join([_safe_line(first)] + [continuation + _safe_line(line) if line.strip() else "" for line in rest])


def list_item(text: object, marker: str = "-") -> str:
    """`MARKER text` as one list item: block-safe, later lines kept inside the item."""
    return f"{marker} {block_safe(text, ' ' * (len(marker) + 1))}"
