"""The Jinja2 environment every Markdown renderer uses.

Sandboxed, `StrictUndefined` (a misspelt variable is an error, not an empty
string), no HTML autoescaping (the output is Markdown) but every interpolated string that
aiwf did not build itself is made block-safe (`markdown.finalize`), and trailing newlines
kept. User text only ever reaches templates as variable *values*; template source
is never built from user text, so `{{ 7*7 }}` typed into a field comes out verbatim.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from jinja2 import FileSystemBytecodeCache, FileSystemLoader, StrictUndefined
from jinja2.bccache import Bucket
from jinja2.sandbox import SandboxedEnvironment

from aiwf_tui.markdown import Md
from aiwf_tui.render import markdown

TEMPLATES_DIR = Path(__file__).resolve().parent.parent / "templates"


class _QuietBytecodeCache(FileSystemBytecodeCache):
    """Compiled templates kept in a folder: compiling them is ~60 ms of every `aiwf render`
    otherwise. A cache that cannot be read or written is simply not used."""

    def load_bytecode(self, bucket: Bucket) -> None:
        try:
            super().load_bytecode(bucket)
        except Exception:
            bucket.reset()

    def dump_bytecode(self, bucket: Bucket) -> None:
        try:
            super().dump_bytecode(bucket)
        except Exception:
            pass


@lru_cache(maxsize=1)
def environment() -> SandboxedEnvironment:
    """The shared environment (templates are loaded from `aiwf_tui/templates/`)."""
    env = SandboxedEnvironment(
        loader=FileSystemLoader(str(TEMPLATES_DIR)),
        undefined=StrictUndefined,
        autoescape=False,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        finalize=markdown.finalize,
    )
    env.filters.update(
        cell=markdown.md_cell,
        cell_or_todo=markdown.cell_or_todo,
        or_todo=markdown.or_todo,
        number_or_todo=markdown.number_or_todo,
        oneline=markdown.oneline,
        code=markdown.code_span,
        anchor_tag=markdown.anchor_tag,
        item=markdown.item_text,
    )
    # `verbatim`: text inside a code block whose fence (`fence_for`) it cannot close.
    env.globals.update(
        link=markdown.link, todo=markdown.todo, fence_for=markdown.fence_for, code=markdown.code_span, verbatim=Md
    )
    return env


def render_template(template_name: str, /, **context: object) -> str:
    """Render one template with `context` as data."""
    return environment().get_template(template_name).render(**context)


def use_bytecode_cache(folder: Path) -> None:
    """Keep compiled templates in `folder` from now on. Only the `aiwf` entry points ask for
    it (with the user cache folder); the renderers alone never write anywhere."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return
    environment().bytecode_cache = _QuietBytecodeCache(str(folder))
