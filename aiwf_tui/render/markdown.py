"""Small Markdown helpers shared by the renderers.

User text is data: these helpers only escape what would break the surrounding
Markdown structure (a table row, a code span, a heading line), never evaluate it.
What they build is `Md` (aiwf's own Markdown); templates pass every other string through
`block_safe` (see `environment`), so outside text never opens block structure.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from aiwf_tui.markdown import Md, block_safe

TODO_TEMPLATE = "_To do:_ {}"


def todo(what: str) -> Md:
    """A visible to-do marker for a project-specific value the plan leaves empty."""
    return Md(TODO_TEMPLATE.format(oneline(what)))


def or_todo(value: str | None, what: str, indent: int = 0) -> Md:
    """`value` (made block-safe; later lines indented by `indent`, inside a list item), or a
    to-do marker when it is empty or blank."""
    return Md(block_safe(value, " " * indent)) if value and value.strip() else todo(what)


def number_or_todo(value: float | None, what: str) -> Md:
    """A number as the plan shows it, or a to-do marker while it is open."""
    from aiwf_tui.model.plan import format_number

    return todo(what) if value is None else Md(format_number(value))


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
    """An explicit anchor, written on its own line before a heading. GitHub and GitLab ignore
    the workflow's `{#anchor}` heading attribute but keep `<a id>`, so links land on both."""
    return Md(f'<a id="{anchor}"></a>')


EXPLICIT_ANCHOR = re.compile(r"""<a\s+(?:id|name)\s*=\s*["']([^"']+)["']""")
HEADING = re.compile(r"^ {0,3}(#{1,6})\s+(.*?)\s*#*\s*$")


def heading_slug(text: str, flavor: str) -> str:
    """The id GitHub (`github`) or GitLab (`gitlab`) gives a heading: lower case, punctuation
    dropped (inline HTML and Markdown markers too), spaces to hyphens; GitLab then joins runs
    of hyphens into one."""
    text = re.sub(r"<[^>]*>", "", text).lower()
    text = re.sub(r"[^\w\- ]", "", text)
    slug = text.replace(" ", "-")
    if flavor == "gitlab":
        slug = re.sub(r"-{2,}", "-", slug)
    return slug


def anchors_in(markdown: str, flavor: str) -> set[str]:
    """Every anchor a link can land on in `markdown` as GitHub or GitLab renders it:
    explicit `<a id>`/`<a name>` anchors and heading ids (duplicates get -1, -2, ...).
    Fenced code is skipped."""
    anchors: set[str] = set()
    seen: dict[str, int] = {}
    fence = ""
    for line in markdown.splitlines():
        stripped = line.strip()
        if fence:
            if stripped.startswith(fence):
                fence = ""
            continue
        if stripped.startswith(("```", "~~~")):
            fence = stripped[:3]
            continue
        anchors.update(EXPLICIT_ANCHOR.findall(line))
        match = HEADING.match(line)
        if match:
            slug = heading_slug(match.group(2), flavor)
            count = seen.get(slug, 0)
            seen[slug] = count + 1
            anchors.add(slug if count == 0 else f"{slug}-{count}")
    return anchors


def split_row(line: str) -> list[str]:
    """The cells of a Markdown table row (escaped pipes stay inside their cell)."""
    inner = line.strip()
    if inner.startswith("|"):
        inner = inner[1:]
    if inner.endswith("|") and not inner.endswith("\\|"):
        inner = inner[:-1]
    return [c.strip() for c in re.split(r"(?<!\\)\|", inner)]


def upsert_table_rows(
    lines: list[str],
    heading: re.Pattern[str],
    ours: re.Pattern[str],
    build: Callable[[list[str], list[list[str]]], list[list[str]]],
) -> list[str]:
    """The table under the first heading matching `heading`, with the rows aiwf wrote before
    (any cell matching `ours`) replaced by `build(header, old_rows)`; `header` is the lower-case
    column names, `old_rows` the replaced rows as cell lists. No such table: `lines` unchanged."""
    start = next((i for i, line in enumerate(lines) if heading.match(line)), None)
    if start is None:
        return lines
    i = start + 1
    while i < len(lines) and (not lines[i].strip() or not lines[i].lstrip().startswith(("|", "#"))):
        if lines[i].startswith("#"):
            return lines
        i += 1
    if i + 1 >= len(lines) or not lines[i].lstrip().startswith("|"):
        return lines
    header = [c.lower() for c in split_row(lines[i])]
    first, end = i + 2, i + 2
    while end < len(lines) and lines[end].lstrip().startswith("|"):
        end += 1
    kept: list[str] = []
    old: list[list[str]] = []
    for row in lines[first:end]:
        cells = split_row(row)
        if any(ours.match(c) for c in cells):
            old.append(cells)
        else:
            kept.append(row)
    new = ["| " + " | ".join(cells) + " |" for cells in build(header, old)]
    return lines[:first] + kept + new + lines[end:]


def link(url: str) -> Md:
    """A URL as an autolink (`<https://...>`: markdownlint's no-bare-URL rule), or as block-safe
    plain text when it holds characters an autolink cannot (spaces, `<`, `>`)."""
    url = url.strip()
    return Md(f"<{url}>" if re.fullmatch(r"[^\s<>]+", url) else block_safe(url))


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
