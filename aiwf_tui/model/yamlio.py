"""Every YAML load and dump of aiwf, and the dialect they share.

The dialect: aiwf reads YAML 1.2 (as ruamel.yaml does: `yes`, `on` are strings, `1e3` is
a number, `0o17` octal); it writes YAML that reads back as exactly the values written under
YAML 1.2 *and* YAML 1.1 (PyYAML, and the Go YAML library Prometheus and Alertmanager use):
`dump_yaml` quotes every string that either version would take for something else
(`1e3`, `0o17`, `yes`, `null`, `~`, `2024-01-01`, `1:20`, `=`, `<<`).

sidecar.yaml is shared with the rest of the workflow and edited by hand, so it is
written with ruamel.yaml's round-trip mode: comments, key order and quoting survive,
and loading then saving without a change gives back the same bytes.

Plain data for validation is read with a faster loader: PyYAML's libyaml parser
(`yaml.CSafeLoader`, pure `SafeLoader` where the C extension is missing) with the
implicit resolvers of ruamel's YAML 1.2 round-trip mode (`yes/no/on/off` are strings,
no sexagesimal numbers, `0o17` is octal, `017` is 17). Anything that loader is not
sure to read exactly as ruamel does (explicit tags other than the core ones, merge keys,
timestamps with a time, duplicate keys, directives, unusual line breaks) and every error
goes to the round-trip parser instead, so results and error messages stay those of
ruamel. Either way the plain data comes from a bounded walk, which is what defuses YAML
alias bombs (both loaders keep aliases as shared references; only the walk would
expand them).

ruamel.yaml itself is imported only when a round-trip document or an error message is
needed (it is a large, pure-Python import).
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from aiwf_tui.errors import AiwfError, Problem

if TYPE_CHECKING:  # pragma: no cover
    from ruamel.yaml import YAML

#: Far above any real project file; an alias bomb expands past it at once.
MAX_NODES = 200_000
MAX_DEPTH = 64
#: What a document may expand to, in characters of text, once its aliases are followed: the
#: size limit of a project file (20 MB). A few kilobytes of anchors and aliases could
#: otherwise stand for gigabytes of runbook.
MAX_EXPANDED_CHARS = 20 * 1024 * 1024
#: Integers longer than this are refused (with their line) rather than converted.
MAX_INT_DIGITS = 1000

_LONE_SURROGATE = re.compile(r"[\ud800-\udfff]")


class _NoParse:
    """Stands in for the YAML instance `load_yaml_guess_indent` loads with: its guess is
    text-based, and the document it would parse is thrown away (that halved every load)."""

    @staticmethod
    def load(_text: str) -> None:
        return None


_NO_PARSE = _NoParse()


def guess_indent(text: str) -> tuple[int, int | None]:
    """(indent, block sequence indent) of `text`, as ruamel guesses them (text only)."""
    from ruamel.yaml.util import load_yaml_guess_indent

    try:
        # The guess reads the text only; its trailing full parse is skipped (the caller parses once).
        _, indent, block_seq_indent = load_yaml_guess_indent(text, yaml=_NO_PARSE)
    except Exception:
        indent, block_seq_indent = 2, None
    return indent, block_seq_indent


def null_word(text: str) -> str:
    """How the file spells null (`null`, `~`), or "" when it shows no habit."""
    return (
        "null"
        if re.search(r":\s+null\s*(#.*)?$", text, re.M)
        else ("~" if re.search(r":\s+~\s*(#.*)?$", text, re.M) else "")
    )


def _roundtrip_yaml(text: str, layout_text: str | None = None) -> YAML:
    """A round-trip YAML instance whose indentation matches `text` (or `layout_text`)."""
    from ruamel.yaml import YAML
    from ruamel.yaml.representer import RoundTripRepresenter

    layout = text if layout_text is None else layout_text
    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 1_000_000  # never rewrap long values
    indent, block_seq_indent = guess_indent(layout)
    if block_seq_indent:
        yaml.indent(mapping=2, sequence=indent, offset=block_seq_indent)
    else:
        yaml.indent(mapping=indent or 2, sequence=indent or 2, offset=0)
    # ruamel does not remember how a null was spelled: follow the file's habit.
    word = null_word(layout)
    if word:
        # A subclass per instance: add_representer mutates the class it is called on.
        representer: Any = type("NullStyleRepresenter", (RoundTripRepresenter,), {})
        representer.add_representer(type(None), lambda rep, _data: rep.represent_scalar("tag:yaml.org,2002:null", word))
        yaml.Representer = representer
    return yaml


def yaml_problem(exc: Exception, shown: str) -> AiwfError:
    """Turn a YAML parser exception into a one-line error with line and column."""
    from ruamel.yaml.error import MarkedYAMLError

    if isinstance(exc, MarkedYAMLError):
        mark = exc.problem_mark or exc.context_mark
        parts = [p for p in (exc.context, exc.problem) if p]
        message = "invalid YAML: " + ", ".join(parts)
        if exc.context_mark is not None and exc.problem_mark is not None and exc.context:
            message += f" (started at line {exc.context_mark.line + 1})"
        return AiwfError.at(
            shown,
            message,
            "fix the syntax at that line (quotes, brackets, indentation)",
            line=mark.line + 1 if mark else None,
            column=mark.column + 1 if mark else None,
        )
    if isinstance(exc, RecursionError):
        return AiwfError.at(shown, "is nested too deeply to be a project file", "check the file's structure")
    return AiwfError.at(shown, f"invalid YAML: {exc}", "fix the syntax")


def load_roundtrip(text: str, shown: str, yaml: YAML | None = None) -> tuple[Any, YAML]:
    """Parse `text` keeping comments and layout; returns (document, yaml instance)."""
    from ruamel.yaml.error import YAMLError

    if yaml is None:
        yaml = _roundtrip_yaml(text)
    try:
        doc = yaml.load(text)
    except (YAMLError, RecursionError) as exc:
        raise yaml_problem(exc, shown) from None
    except Exception as exc:  # ruamel raises a few non-YAMLError types on odd input
        if "integer string conversion" in str(exc):
            raise _too_long(shown, *_long_number_line(text)) from None
        raise AiwfError.at(shown, f"invalid YAML: {exc}", "fix the syntax") from None
    return doc, yaml


def dump_roundtrip(doc: Any, yaml: YAML) -> str:
    """Serialise a round-trip document with the layout it was read with."""
    out = io.StringIO()
    yaml.dump(doc, out)
    return out.getvalue()


def _escape_line(text: str | None) -> int | None:
    """The line of the first `\\uD800`-style escape in `text` (where a lone surrogate comes from)."""
    if not text:
        return None
    match = re.search(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}|\\U0000[dD][89a-fA-F][0-9a-fA-F]{2}", text)
    return text.count("\n", 0, match.start()) + 1 if match else None


def to_plain(node: Any, shown: str, source: str | None = None) -> Any:
    """Convert a loaded document into plain dicts/lists/scalars, bounded.

    Dates become ISO strings, so models never see `datetime.date`. `source`, the text the
    document came from, lets an error name its line.
    """
    budget = [MAX_NODES, MAX_EXPANDED_CHARS]

    def walk(value: Any, depth: int) -> Any:
        budget[0] -= 1
        if isinstance(value, str):
            budget[1] -= len(value)
            if _LONE_SURROGATE.search(value):
                raise AiwfError.at(
                    shown,
                    "holds a lone UTF-16 surrogate (an escape like \\ud800), which is not a character",
                    "remove it, or write the whole character",
                    line=_escape_line(source),
                )
        if budget[0] < 0 or budget[1] < 0:
            raise AiwfError.at(
                shown,
                f"expands to too much data (a YAML alias bomb?): over {MAX_NODES:,} values or "
                f"{MAX_EXPANDED_CHARS // (1024 * 1024)} MB of text once its aliases are followed",
                "remove the repeated anchors/aliases",
            )
        if depth > MAX_DEPTH:
            raise AiwfError.at(shown, "is nested too deeply to be a project file", "check the file's structure")
        if isinstance(value, dict):
            return {str(k) if not isinstance(k, (str, int)) else k: walk(v, depth + 1) for k, v in value.items()}
        if isinstance(value, (list, tuple)):
            return [walk(v, depth + 1) for v in value]
        if isinstance(value, (datetime, date)):
            return value.isoformat()
        if isinstance(value, str):
            return str(value)
        if isinstance(value, bool) or value is None:
            return value
        if isinstance(value, int):
            return int(value)
        if isinstance(value, float):
            return float(value)
        return str(value)

    return walk(node, 0)


# -- the fast loader ----------------------------------------------------------------------------
class NeedsRoundTrip(Exception):
    """The fast loader cannot promise ruamel's reading of this text: use the round-trip parser."""


class NumberTooLong(Exception):
    """An integer with more digits than `MAX_INT_DIGITS` (line, digits)."""


def _too_long(shown: str, line: int | None, digits: int) -> AiwfError:
    return AiwfError.at(
        shown,
        f"holds a number with {digits:,} digits (at most {MAX_INT_DIGITS:,})",
        "shorten it, or quote it if it is text",
        line=line,
    )


def _long_number_line(text: str) -> tuple[int | None, int]:
    """(line, digits) of the first run of more than `MAX_INT_DIGITS` digits in `text`."""
    match = re.search(rf"[0-9_]{{{MAX_INT_DIGITS + 1},}}", text)
    if not match:
        return None, 0
    return text.count("\n", 0, match.start()) + 1, len(match.group())


def check_depth(text: str, shown: str) -> None:
    """Refuse, within a fraction of a second, a document nested deeper than `MAX_DEPTH`: the
    round-trip parser recurses and took 7-13 s to give up on 20,000 nested brackets. libyaml's
    event parser is iterative and stops at its own limit (1,000) at once. Any other problem is
    left to the round-trip parser, which words it."""
    import yaml

    too_deep = False
    try:
        loader = (getattr(yaml, "CBaseLoader", None) or yaml.BaseLoader)(text)
    except Exception:
        return
    depth = 0
    try:
        while loader.check_event() and not too_deep:
            event = loader.get_event()
            if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                depth += 1
                too_deep = depth > MAX_DEPTH
            elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                depth -= 1
    except Exception as exc:
        too_deep = "maximum nesting depth" in str(exc)
    finally:
        loader.dispose()
    if too_deep:
        raise AiwfError.at(shown, "is nested too deeply to be a project file", "check the file's structure")


#: ruamel.yaml's implicit resolvers for YAML 1.2 (ruamel/yaml/resolver.py), in its order.
YAML12_IMPLICIT = (
    ("tag:yaml.org,2002:bool", r"^(?:true|True|TRUE|false|False|FALSE)$", "tTfF"),
    (
        "tag:yaml.org,2002:float",
        r"""^(?:
         [-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+]?[0-9]+)?
        |[-+]?(?:[0-9][0-9_]*)(?:[eE][-+]?[0-9]+)
        |[-+]?\.[0-9_]+(?:[eE][-+][0-9]+)?
        |[-+]?\.(?:inf|Inf|INF)
        |\.(?:nan|NaN|NAN))$""",
        "-+0123456789.",
    ),
    (
        "tag:yaml.org,2002:int",
        r"""^(?:[-+]?0b[0-1_]+
        |[-+]?0o?[0-7_]+
        |[-+]?[0-9_]+
        |[-+]?0x[0-9a-fA-F_]+)$""",
        "-+0123456789",
    ),
    ("tag:yaml.org,2002:merge", r"^(?:<<)$", "<"),
    (
        "tag:yaml.org,2002:null",
        r"""^(?: ~
        |null|Null|NULL
        | )$""",
        ["~", "n", "N", ""],
    ),
    (
        "tag:yaml.org,2002:timestamp",
        r"""^(?:[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]
        |[0-9][0-9][0-9][0-9] -[0-9][0-9]? -[0-9][0-9]?
        (?:[Tt]|[ \t]+)[0-9][0-9]?
        :[0-9][0-9] :[0-9][0-9] (?:\.[0-9]*)?
        (?:[ \t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?)$""",
        "0123456789",
    ),
    ("tag:yaml.org,2002:value", r"^(?:=)$", "="),
)

_PLAIN_DECIMAL = re.compile(r"[-+]?(?:0|[1-9][0-9]*)\Z")
_DATE_ONLY = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})\Z")
#: Text the fast loader leaves to ruamel: odd line breaks (a lone CR, NEL, LS, PS).
_UNSURE_CHARS = ("\r", "\x85", "\u2028", "\u2029")

_FAST_LOADER: Any = None


def _fast_loader_class() -> Any:
    """A PyYAML loader (C-backed when available) that reads YAML 1.2 as ruamel does."""
    global _FAST_LOADER
    if _FAST_LOADER is not None:
        return _FAST_LOADER
    import yaml
    from yaml.nodes import MappingNode, ScalarNode

    base = getattr(yaml, "CSafeLoader", None) or yaml.SafeLoader

    def refuse(loader: Any, node: Any) -> Any:
        raise NeedsRoundTrip(node.tag)

    def construct_int(loader: Any, node: Any) -> int:
        value = loader.construct_scalar(node)
        if len(value) > MAX_INT_DIGITS:
            raise NumberTooLong(node.start_mark.line + 1, len(value))
        if _PLAIN_DECIMAL.match(value):
            return int(value)
        digits = value.replace("_", "")
        sign = 1
        if digits[:1] in ("+", "-"):
            sign = -1 if digits[0] == "-" else 1
            digits = digits[1:]
        for prefix, radix in (("0b", 2), ("0x", 16), ("0o", 8)):
            if digits.startswith(prefix):
                return sign * int(digits[2:], radix)
        return sign * int(digits)  # YAML 1.2: a leading zero is not octal

    def construct_float(loader: Any, node: Any) -> float:
        value = loader.construct_scalar(node).replace("_", "").lower()
        sign = -1 if value[:1] == "-" else 1
        if value[:1] in ("+", "-"):
            value = value[1:]
        if value == ".inf":
            return sign * float("inf")
        if value == ".nan":
            return float("nan")
        return sign * float(value)

    def construct_bool(loader: Any, node: Any) -> bool:
        return {"true": True, "false": False}[loader.construct_scalar(node).lower()]

    def construct_timestamp(loader: Any, node: Any) -> date:
        match = _DATE_ONLY.match(loader.construct_scalar(node))
        if not match:
            raise NeedsRoundTrip("timestamp")  # ruamel's TimeStamp keeps details of its own
        return date(int(match.group(1)), int(match.group(2)), int(match.group(3)))

    def construct_mapping(loader: Any, node: Any) -> Any:
        data: dict[Any, Any] = {}
        yield data
        if not isinstance(node, MappingNode):
            raise NeedsRoundTrip("mapping")
        construct = loader.construct_object
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:str" and type(key_node) is ScalarNode:
                key = key_node.value
            else:
                if key_node.tag == "tag:yaml.org,2002:merge":
                    raise NeedsRoundTrip("merge key")
                key = construct(key_node)
                if not (key is None or isinstance(key, (str, int, date))):
                    raise NeedsRoundTrip("key type")
            if key in data:
                raise NeedsRoundTrip("duplicate key")  # ruamel refuses it, with its own message
            data[key] = construct(value_node)

    class FastLoader(base):  # type: ignore[misc, valid-type]
        pass

    FastLoader.yaml_implicit_resolvers = {}
    for tag, pattern, first in YAML12_IMPLICIT:
        FastLoader.add_implicit_resolver(tag, re.compile(pattern, re.X), list(first))
    FastLoader.yaml_constructors = {
        tag: fn
        for tag, fn in FastLoader.yaml_constructors.items()
        if tag in ("tag:yaml.org,2002:null", "tag:yaml.org,2002:str", "tag:yaml.org,2002:seq")
    }
    constructors: tuple[tuple[str | None, Callable[..., Any]], ...] = (
        ("tag:yaml.org,2002:int", construct_int),
        ("tag:yaml.org,2002:float", construct_float),
        ("tag:yaml.org,2002:bool", construct_bool),
        ("tag:yaml.org,2002:timestamp", construct_timestamp),
        ("tag:yaml.org,2002:map", construct_mapping),
        (None, refuse),
    )
    for constructed, construct in constructors:
        FastLoader.add_constructor(constructed, construct)
    _FAST_LOADER = FastLoader
    return FastLoader


def load_fast(text: str) -> Any:
    """The document in `text` as plain Python data, read the way ruamel's round-trip mode
    reads it; raises `NeedsRoundTrip` (or any parser error) when only ruamel can say."""
    if text.startswith("%") or "\n%" in text or any(ch in text for ch in _UNSURE_CHARS):
        raise NeedsRoundTrip("directive or line break")  # %YAML 1.1 would change the meaning
    loader = _fast_loader_class()(text)
    try:
        return loader.get_single_data()
    finally:
        loader.dispose()


def load_plain_fast(text: str, shown: str) -> tuple[Any, bool]:
    """(plain data, whether the fast loader read it): like `load_plain`."""
    try:
        data = load_fast(text)
    except NumberTooLong as exc:
        raise _too_long(shown, *exc.args) from None
    except Exception:  # any doubt: ruamel decides, with its own messages
        check_depth(text, shown)
        doc, _ = load_roundtrip(text, shown)
        return to_plain(doc, shown, text), False
    return to_plain(data, shown, text), True


def load_plain(text: str, shown: str) -> Any:
    """Parse YAML into plain data (bounded against alias bombs and deep nesting)."""
    return load_plain_fast(text, shown)[0]


_TOP_KEY = re.compile(r"^([A-Za-z_][\w-]*)[ \t]*:(?:[ \t]|$)", re.M)


def text_key_lines(text: str, keys: list[Any]) -> dict[str, int] | None:
    """1-based line of each top-level key, read from the text (column-0 `key:` lines).

    None when what the text shows is not exactly `keys` in order (quoted or flow-style
    keys, odd layouts): then only the round-trip document can say.
    """
    found: list[str] = []
    lines: dict[str, int] = {}
    line, pos = 1, 0
    for match in _TOP_KEY.finditer(text):
        line += text.count("\n", pos, match.start())
        pos = match.start()
        key = match.group(1)
        found.append(key)
        lines.setdefault(key, line)
    if found != keys:
        return None
    return lines


# -- "parses back" checks ----------------------------------------------------------------------
def check_parses(text: str) -> None:
    """Raise `yaml.YAMLError` as `yaml.safe_load(text)` would, or return; libyaml does the
    work when available, the pure loader decides (and words the error) when it objects."""
    import yaml

    loader = getattr(yaml, "CSafeLoader", None)
    if loader is not None:
        try:
            yaml.load(text, Loader=loader)
            return
        except Exception:
            pass
    yaml.safe_load(text)


def parse_problem(text: str, rel: str) -> Problem | None:
    """None when `text` parses back as YAML; otherwise the problem, naming `rel`."""
    import yaml

    try:
        check_parses(text)
    except yaml.YAMLError as exc:
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        return Problem(
            rel,
            f"would not parse back as YAML ({first})",
            "this is a bug in aiwf: please report it; nothing was written",
        )
    return None


# -- the emitter --------------------------------------------------------------------------------
_DUMPERS: dict[tuple[bool, bool, bool], Any] = {}


def _dumper_class(indent_sequences: bool, literal_blocks: bool, libyaml: bool = False) -> Any:
    """A PyYAML safe dumper that quotes any string YAML 1.1 or YAML 1.2 would resolve to
    another type (PyYAML alone knows only 1.1: it wrote `1e3` and `0o17` bare).

    `libyaml`: the same dumper on libyaml's emitter (None when PyYAML was built without it)."""
    key = (indent_sequences, literal_blocks, libyaml)
    if key in _DUMPERS:
        return _DUMPERS[key]
    import yaml

    if libyaml:
        base = getattr(yaml, "CSafeDumper", None)
        if base is None or indent_sequences:
            _DUMPERS[key] = None
            return None

        class Dumper(base):  # type: ignore[valid-type,misc]
            pass

    else:

        class Dumper(yaml.SafeDumper):  # type: ignore[no-redef]
            def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
                return super().increase_indent(flow, indentless and not indent_sequences)

    for tag, pattern, first in YAML12_IMPLICIT:
        Dumper.add_implicit_resolver(tag, re.compile(pattern, re.X), list(first))

    def represent_str(dumper: yaml.SafeDumper, value: str) -> Any:
        if any(ch in value for ch in _UNSURE_CHARS):
            # PyYAML writes CR, NEL, LS and PS raw in plain and single-quoted scalars, where a
            # reader folds them: only double quotes (which escape them) keep them.
            return dumper.represent_scalar("tag:yaml.org,2002:str", value, style='"')
        if literal_blocks and "\n" in value and value == value.rstrip(" \t"):
            # A literal block only where it reads back unchanged (PyYAML falls back to quotes
            # when a block cannot hold the text).
            return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|")
        return dumper.represent_scalar("tag:yaml.org,2002:str", value)

    Dumper.add_representer(str, represent_str)
    _DUMPERS[key] = Dumper
    return Dumper


def libyaml_writes_the_same(data: Any) -> bool:
    """Whether libyaml's emitter writes `data` byte for byte as PyYAML's Python emitter does
    (dumped without `indent_sequences` or `literal_blocks`): plain data whose strings are
    printable, in the Basic Multilingual Plane and, as keys, not empty. Beyond that they differ
    (libyaml escapes astral characters, writes an empty key as a simple key, ends a document
    that ends in a block scalar with `...`); tests compare the two on generated data."""
    stack = [data]
    while stack:
        value = stack.pop()
        if isinstance(value, str):
            if not value.isprintable() or not (value.isascii() or max(value) <= "\uffff"):
                return False
        elif isinstance(value, dict):
            for key, item in value.items():
                if key == "" or isinstance(key, (dict, list)):
                    return False
                stack.append(key)
                stack.append(item)
        elif isinstance(value, list):
            stack.extend(value)
        elif not (value is None or isinstance(value, (bool, int, float))):
            return False
    return True


def dump_yaml(data: Any, *, indent_sequences: bool = False, literal_blocks: bool = False) -> str:
    """Block-style YAML of plain data (dicts, lists, str, int, float, bool, None), keys in
    the order the data was built, never re-wrapped; reads back to exactly `data`.

    `indent_sequences`: list items indented under their key (the workflow's alerts config);
    `literal_blocks`: multi-line strings as `|` blocks (the plan, for readable diffs).

    Written by libyaml's emitter where it gives the same bytes as PyYAML's Python one (5-6x
    faster: the Prometheus files were ~30 ms of a demo render), else by the Python one, so
    the text never depends on whether PyYAML was built with libyaml.
    """
    dumper = None
    if not indent_sequences and not literal_blocks and libyaml_writes_the_same(data):
        dumper = _dumper_class(False, False, libyaml=True)
    return dump_with(dumper or _dumper_class(indent_sequences, literal_blocks), data)


def dump_with(dumper: Any, data: Any) -> str:
    """`data` written by `dumper` (a `_dumper_class`) with dump_yaml's settings."""
    import yaml

    return yaml.dump(
        data, Dumper=dumper, sort_keys=False, allow_unicode=True, width=1_000_000, default_flow_style=False
    )


# -- the node tree --------------------------------------------------------------------------
def compose_nodes(text: str) -> Any:
    """The YAML node tree of `text` (scalars as written, nothing resolved), for tools that
    rearrange a file without re-typing its values; raises `yaml.YAMLError`."""
    import yaml

    return yaml.compose(text, Loader=getattr(yaml, "CSafeLoader", None) or yaml.SafeLoader)


def value_lines(text: str) -> Callable[[tuple[Any, ...]], int | None] | None:
    """`path -> line`: the 1-based line of the value at a path of keys and list indexes (the
    deepest part found), from libyaml's node tree; None when libyaml refuses `text`. For
    naming the line of a validation error without ruamel's round trip (30 times slower)."""
    import yaml

    try:
        root = compose_nodes(text)
    except Exception:
        return None

    def line_of(path: tuple[Any, ...]) -> int | None:
        line, node = None, root
        for part in path:
            if isinstance(node, yaml.MappingNode) and isinstance(part, str):
                found = [value for key, value in node.value if isinstance(key, yaml.ScalarNode) and key.value == part]
                node = found[-1] if found else None
            elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value):
                node = node.value[part]
            else:
                node = None
            if node is None:
                break
            line = node.start_mark.line + 1
        return line

    return line_of


def serialize_nodes(node: Any) -> str:
    """YAML text of a node tree from `compose_nodes` (scalars keep their style and text)."""
    import yaml

    return yaml.serialize(node, Dumper=yaml.SafeDumper)


# -- comments ----------------------------------------------------------------------------------
def comment_text(text: object) -> str:
    """`text` for the inside of one `# ...` comment line: every line break (LF, CR, NEL, LS, PS)
    and run of whitespace becomes one space, and control characters (which YAML forbids even
    in comments) are removed, so outside text in a header can never start a line of its own."""
    from aiwf_tui.safetext import clean_text

    return " ".join(clean_text(" ".join(str(text).split())).split())
