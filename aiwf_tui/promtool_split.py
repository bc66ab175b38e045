"""Split a promtool unit-test file into parts that run side by side, one per core.

`promtool test rules` runs its tests one after another on one core, and it is the longest
check of `aiwf validate` (on the demo, the two daily-token tests alone take ~3.8 of its
~4.5 CPU-seconds). Each part keeps the file's settings and a share of its tests, balanced
by each test's longest evaluation time (longest first, each to the lightest part), and
names the rule files by absolute path so the parts can live in a temporary folder.

The parts are built from the YAML node tree, not from re-dumped data, so every scalar is
written exactly as it was (`1e3` stays `1e3`; promtool reads labels as strings).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import yaml  # the node classes; loading and dumping go through yamlio

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


def split_test_file(path: Path, parts: int) -> list[str] | None:
    """The text of up to `parts` test files that together hold every test of `path`;
    None when there is nothing to gain (one test, one part) or the file is not a plain
    test file (promtool, run on the file itself, will say what is wrong)."""
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
    parts = min(parts, len(tests.value))
    if parts < 2:
        return None
    shares: list[list[yaml.Node]] = [[] for _ in range(parts)]
    loads = [0.0] * parts
    for test in sorted(tests.value, key=_weight, reverse=True):
        lightest = loads.index(min(loads))
        shares[lightest].append(test)
        loads[lightest] += _weight(test) or 1.0
    folder = path.parent.resolve()
    if any(ch in str(folder) for ch in "*?[\\"):
        return None  # promtool reads rule_files as globs: such a folder name would not match itself
    absolute = yaml.SequenceNode(
        rule_files.tag,
        [yaml.ScalarNode(f.tag, os.path.join(folder, f.value), style="'") for f in rule_files.value],
    )
    texts = []
    for share in shares:
        share.sort(key=tests.value.index)  # the file's own order within a part
        value = []
        for key, node in root.value:
            name = key.value if isinstance(key, yaml.ScalarNode) else None
            if name == "tests":
                node = yaml.SequenceNode(tests.tag, share)
            elif name == "rule_files":
                node = absolute
            value.append((key, node))
        texts.append(serialize_nodes(yaml.MappingNode(root.tag, value)))
    return texts
