"""Custom PromQL in the plan, read by a real PromQL parser.

An alert rule may carry its own `promql`. It is parsed with `promql-parser` (Python bindings
of GreptimeTeam's Rust port of the Prometheus parser: the real grammar, function signatures
and argument types), never matched with regular expressions. `check_promql` refuses, with the
parser's message and the column where it went wrong:

- a syntax or type error (`rate(foo[5m]`, `foo >`, `rate(foo)`);
- an expression that can never be an alert condition: a range vector (`foo[5m]`), a string,
  a number or any other scalar, or a comparison with `bool` at the top (it returns 0 or 1 for
  every series, so the alert would always fire).

The parser does not report positions, so the column is found by asking it: the error lies
right after the longest prefix that some completion (closing brackets, an operand) makes valid.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import promql_parser

COMPARISONS = frozenset({"==", "!=", ">", "<", ">=", "<="})
SET_OPERATORS = frozenset({"and", "or", "unless"})
#: Longer expressions are not searched for the error column (the message still names the problem).
MAX_SEARCH = 2000

#: What may complete a valid prefix before its brackets are closed (tried in order).
_FILLERS = ("", "x", "1", '"', '"x"', "5m", "[5m]", "(x)", " x")
_PAIRS = {"(": ")", "[": "]", "{": "}"}


class PromQLError(ValueError):
    """Custom PromQL that cannot be an alert condition: the parser's message and a 1-based column."""

    def __init__(self, message: str, column: int | None, text: str) -> None:
        self.message = message
        self.column = column
        self.text = text
        where = f" at column {column}" if column is not None else ""
        super().__init__(f"PromQL {message}{where}: {_pointer(text, column)}")


def _pointer(text: str, column: int | None) -> str:
    """The expression on one line with `<-- here` after the offending column."""
    flat = " ".join(text.split())
    if column is None or len(flat) != len(text):
        return f"`{flat}`"
    if column <= 1:
        return f"here --> `{text}`"
    return f"`{text[: column - 1]}` <-- here `{text[column - 1 :]}`" if column <= len(text) else f"`{text}` <-- here"


def _parses(text: str) -> bool:
    try:
        promql_parser.parse(text)
    except (ValueError, TypeError, RuntimeError):
        return False
    return True


def _closers(prefix: str) -> str | None:
    """What closes the brackets and string open at the end of `prefix`; None if unbalanced."""
    stack: list[str] = []
    quote: str | None = None
    escaped = False
    for ch in prefix:
        if quote is not None:
            if escaped:
                escaped = False
            elif ch == "\\" and quote != "`":
                escaped = True
            elif ch == quote:
                quote = None
            continue
        if ch in "\"'`":
            quote = ch
        elif ch in _PAIRS:
            stack.append(_PAIRS[ch])
        elif ch in ")]}" and (not stack or stack.pop() != ch):
            return None
    return (quote or "") + "".join(reversed(stack))


def error_column(text: str) -> int | None:
    """The 1-based column right after the longest prefix of `text` that can still become valid."""
    if len(text) > MAX_SEARCH:
        return None
    for end in range(len(text), -1, -1):
        prefix = text[:end]
        closing = _closers(prefix)
        if closing is None:
            continue
        for filler in _FILLERS:
            for after in ("", " (x)"):
                if _parses(prefix + filler + closing + after):
                    return end + 1
    return 1


@dataclass(frozen=True)
class Parsed:
    """A custom expression that parsed: whether it is already a whole condition."""

    text: str
    is_condition: bool


def _strip_parens(expr: Any) -> Any:
    while isinstance(expr, promql_parser.ParenExpr):
        expr = expr.expr
    return expr


def _op(expr: Any) -> str:
    return str(expr.op).strip().lower()


def _is_bool(expr: Any) -> bool:
    modifier = getattr(expr, "modifier", None)
    return bool(modifier is not None and getattr(modifier, "return_bool", False))


def _condition(expr: Any) -> bool:
    """A comparison without `bool` at the top (through parentheses); for `and`/`unless` the left
    side decides, for `or` either side."""
    expr = _strip_parens(expr)
    if not isinstance(expr, promql_parser.BinaryExpr):
        return False
    op = _op(expr)
    if op in COMPARISONS:
        return not _is_bool(expr)
    if op in ("and", "unless"):
        return _condition(expr.lhs)
    if op == "or":
        return _condition(expr.lhs) or _condition(expr.rhs)
    return False


def _scalar(expr: Any) -> bool:
    """Whether the expression evaluates to a scalar (numbers and arithmetic on them, scalar(), time())."""
    expr = _strip_parens(expr)
    if isinstance(expr, promql_parser.NumberLiteral):
        return True
    if isinstance(expr, promql_parser.UnaryExpr):
        return _scalar(expr.expr)
    if isinstance(expr, promql_parser.BinaryExpr):
        return _scalar(expr.lhs) and _scalar(expr.rhs)
    if isinstance(expr, promql_parser.Call):
        return str(getattr(expr.func, "return_type", "")).lower().endswith("scalar")
    return False


def check_promql(text: str) -> Parsed:
    """Parse custom PromQL; raise PromQLError when it cannot be (part of) an alert condition."""
    source = text.strip()
    if not source:
        raise PromQLError("is empty - write an expression such as rate(my_errors_total[5m])", None, text)
    try:
        expr = promql_parser.parse(source)
    except (ValueError, TypeError, RuntimeError) as exc:
        message = str(exc).strip() or "is not valid"
        column = error_column(source)
        unknown = re.search(r"unknown function with name '([^']+)'", message)
        if unknown and source.find(unknown.group(1)) >= 0:
            column = source.find(unknown.group(1)) + 1
        raise PromQLError(message, column, source) from None
    top = _strip_parens(expr)
    if isinstance(top, (promql_parser.MatrixSelector, promql_parser.SubqueryExpr)):
        raise PromQLError(
            "is a range vector, which cannot be an alert condition - wrap it in a function such as rate() "
            "or max_over_time()",
            None,
            source,
        )
    if isinstance(top, promql_parser.StringLiteral):
        raise PromQLError("is a string, which cannot be an alert condition", None, source)
    if _scalar(top):
        raise PromQLError("is a scalar, which cannot be an alert condition - compare a series instead", None, source)
    if isinstance(top, promql_parser.BinaryExpr) and _op(top) in COMPARISONS and _is_bool(top):
        raise PromQLError(
            "compares with `bool`, so it returns 0 or 1 for every series and the alert would always fire - drop `bool`",
            None,
            source,
        )
    return Parsed(source, _condition(expr))


def is_condition(text: str) -> bool:
    """Whether parsable custom PromQL is already a whole condition (else the rule's comparator and
    threshold are applied to it). Unparsable text is not a condition."""
    try:
        return check_promql(text).is_condition
    except PromQLError:
        return False


__all__ = ["Parsed", "PromQLError", "check_promql", "error_column", "is_condition"]
