"""Split a promtool unit-test file into parts that run side by side, one per core.

`promtool test rules` runs its tests one after another on one core, and it is the longest
check of `aiwf validate` (on the demo, the two daily-token tests alone take ~3.8 of its
~4.5 CPU-seconds). Each part keeps the file's settings and a share of its tests, balanced
by each test's longest evaluation time (longest first, each to the lightest part), and
names the rule files by absolute path so the parts can live in a temporary folder.

promtool evaluates every rule of the rule files at every step of every test, so tests are
grouped by the rule groups they need, and a part whose tests check alerts only gets its own
rule file with just those groups (the alerts' own and those of the recording rules they
read): on the demo the two two-day token-budget tests evaluate 3 rules a step instead of 20
(2.1 s instead of 5.5 s). The alerts a test does not name cannot change its result.

The parts are built from the YAML node tree, not from re-dumped data, so every scalar is
written exactly as it was (`1e3` stays `1e3`; promtool reads labels as strings).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

import yaml  # the node classes; loading and dumping go through yamlio

from aiwf_tui.layout import RULES_NAME
from aiwf_tui.model.yamlio import compose_nodes, serialize_nodes

_DURATION = re.compile(r"(\d+)(ms|s|m|h|d|w|y)")
_SECONDS = {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800, "y": 31536000}


def duration_seconds(text: str) -> float:
    """`1h30m` -> 5400.0; 0 for anything that is not a Prometheus duration."""
    text = text.strip()
    parts = _DURATION.findall(text)
    if not parts or "".join(n + u for n, u in parts) != text:
        return 0.0
    return sum(int(n) * _SECONDS[u] for n, u in parts)


def _get(node: yaml.MappingNode, key: str) -> yaml.Node | None:
    for k, v in node.value:
        if isinstance(k, yaml.ScalarNode) and k.value == key and isinstance(v, yaml.Node):
            return v
    return None


def _weight(test: yaml.Node) -> float:
    """The test's longest `eval_time`: promtool evaluates every rule up to it."""
    longest = 0.0
    if isinstance(test, yaml.MappingNode):
        for group in ("alert_rule_test", "promql_expr_test"):
            cases = _get(test, group)
            if isinstance(cases, yaml.SequenceNode):
                for case in cases.value:
                    when = _get(case, "eval_time") if isinstance(case, yaml.MappingNode) else None
                    if isinstance(when, yaml.ScalarNode):
                        longest = max(longest, duration_seconds(when.value))
    return longest


def split_test_file(path: Path, parts: int) -> list[dict[str, str]] | None:
    """Parts that together hold every test of `path`, each as {file name: text} for a folder
    of its own: the test file (named as `path`) and, where its tests check alerts only, the
    rule file it reads (`alert-rules.yml`: just the groups those alerts need).

    Tests are grouped by the rule groups they need (on the files aiwf writes: one part per
    category, all run at once); where that makes one part, they are shared among up to
    `parts` parts by weight, each reading the whole rule file. None when there is nothing to
    gain (one test, one part) or the file is not a plain test file (promtool, run on the
    file itself, will say what is wrong)."""
    if parts < 2:
        return None  # one core: the whole file in one run
    try:
        root = compose_nodes(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return None
    if not isinstance(root, yaml.MappingNode):
        return None
    tests, rule_files = _get(root, "tests"), _get(root, "rule_files")
    if not isinstance(tests, yaml.SequenceNode) or not isinstance(rule_files, yaml.SequenceNode):
        return None
    if not all(isinstance(f, yaml.ScalarNode) for f in rule_files.value):
        return None
    folder = path.parent.resolve()
    if any(ch in str(folder) for ch in "*?[\\"):
        return None  # promtool reads rule_files as globs: such a folder name would not match itself
    parsed = _rule_groups(folder / rule_files.value[0].value) if len(rule_files.value) == 1 else None
    by_need: dict[frozenset[int] | None, list[yaml.Node]] = {}
    for test in tests.value:
        by_need.setdefault(_groups_needed(test, parsed) if parsed else None, []).append(test)
    if len(by_need) > 1:
        shares = list(by_need.items())
    else:
        count = min(parts, len(tests.value))
        if count < 2:
            return None
        split: list[list[yaml.Node]] = [[] for _ in range(count)]
        loads = [0.0] * count
        for test in sorted(tests.value, key=_weight, reverse=True):
            lightest = loads.index(min(loads))
            split[lightest].append(test)
            loads[lightest] += _weight(test) or 1.0
        shares = [(None, share) for share in split]
    absolute = yaml.SequenceNode(
        rule_files.tag,
        [yaml.ScalarNode(f.tag, os.path.join(folder, f.value), style="'") for f in rule_files.value],
    )
    own = yaml.SequenceNode(rule_files.tag, [yaml.ScalarNode(rule_files.value[0].tag, RULES_NAME)])
    result = []
    for need, share in shares:
        share.sort(key=tests.value.index)  # the file's own order within a part
        value = []
        for key, node in root.value:
            name = key.value if isinstance(key, yaml.ScalarNode) else None
            if name == "tests":
                node = yaml.SequenceNode(tests.tag, share)
            elif name == "rule_files":
                node = absolute if need is None else own
            value.append((key, node))
        part = {path.name: serialize_nodes(yaml.MappingNode(root.tag, value))}
        if need is not None and parsed is not None:
            part[RULES_NAME] = _rules_text(parsed, need)
        result.append(part)
    return result


@dataclass(frozen=True)
class _Parsed:
    """A rule file's root node and groups, with each group's {alert: expr} and {record: expr}."""

    root: yaml.MappingNode
    groups: list[yaml.MappingNode]
    alerts: list[dict[str, str]]
    records: list[dict[str, str]]


def _rule_groups(path: Path) -> _Parsed | None:
    """The rule file parsed once (its groups and their alerts and records), or None where it is not
    a plain rule file."""
    try:
        root = compose_nodes(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return None
    groups = _get(root, "groups") if isinstance(root, yaml.MappingNode) else None
    if not isinstance(groups, yaml.SequenceNode) or not all(isinstance(g, yaml.MappingNode) for g in groups.value):
        return None
    found = list(groups.value)
    return _Parsed(root, found, [_rules_of(g, "alert") for g in found], [_rules_of(g, "record") for g in found])


def _rules_of(group: yaml.MappingNode, key: str) -> dict[str, str]:
    """{alert or record name: its expression} of the group's rules."""
    found: dict[str, str] = {}
    rules = _get(group, "rules")
    for rule in rules.value if isinstance(rules, yaml.SequenceNode) else []:
        name = _get(rule, key) if isinstance(rule, yaml.MappingNode) else None
        expr = _get(rule, "expr") if isinstance(rule, yaml.MappingNode) else None
        if isinstance(name, yaml.ScalarNode) and isinstance(expr, yaml.ScalarNode):
            found[name.value] = expr.value
    return found


def _groups_needed(test: yaml.Node, parsed: _Parsed) -> frozenset[int] | None:
    """The groups holding the alerts `test` checks and the recording rules those read; None
    (every rule) where it checks anything but an alert, or an alert the file does not have
    (promtool will say so)."""
    if not isinstance(test, yaml.MappingNode) or _get(test, "promql_expr_test") is not None:
        return None
    names: set[str] = set()
    cases = _get(test, "alert_rule_test")
    for case in cases.value if isinstance(cases, yaml.SequenceNode) else []:
        name = _get(case, "alertname") if isinstance(case, yaml.MappingNode) else None
        if not isinstance(name, yaml.ScalarNode):
            return None
        names.add(name.value)
    alerts, records = parsed.alerts, parsed.records
    if not names or not names <= {name for a in alerts for name in a}:
        return None
    keep = {i for i, a in enumerate(alerts) if names & a.keys()}
    while True:  # the groups whose recording rules the kept ones read
        read = " ".join(expr for i in keep for expr in [*alerts[i].values(), *records[i].values()])
        more = {
            i
            for i, r in enumerate(records)
            if i not in keep and any(re.search(rf"(?<![\w:]){re.escape(n)}(?![\w:])", read) for n in r)
        }
        if not more:
            return frozenset(keep)
        keep |= more


def _rules_text(parsed: _Parsed, keep: frozenset[int]) -> str:
    """The rule file with only the groups in `keep` (scalars as written)."""
    root, groups = parsed.root, parsed.groups
    value = [
        (key, yaml.SequenceNode(node.tag, [g for i, g in enumerate(groups) if i in keep]))
        if isinstance(key, yaml.ScalarNode) and key.value == "groups"
        else (key, node)
        for key, node in root.value
    ]
    return serialize_nodes(yaml.MappingNode(root.tag, value))
