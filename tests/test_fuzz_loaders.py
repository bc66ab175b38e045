"""Fuzzing the loaders: whatever the bytes, nothing but `AiwfError` ever escapes.

The sidecar, decision-log, project-spec and plan loaders are fed random text, random YAML
built from random data, mutations of real files, and random bytes on disk.
"""

from __future__ import annotations

import copy
import shutil

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aiwf_tui.errors import AiwfError
from aiwf_tui.model.decision_log import parse_decision_log
from aiwf_tui.model.plan_io import dump_plan, parse_plan
from aiwf_tui.model.project import load_project
from aiwf_tui.model.sidecar import parse_sidecar
from aiwf_tui.model.textfile import read_text
from aiwf_tui.model.yamlio import load_plain, load_roundtrip, to_plain
from tests.helpers import DEMO_DIR, FIXTURES, examples

FUZZ = settings(max_examples=examples(200), deadline=None, suppress_health_check=list(HealthCheck))

SIDECAR_TEXT = (DEMO_DIR / "sidecar.yaml").read_text(encoding="utf-8")
LOG_TEXTS = [
    (DEMO_DIR / "decision-log.md").read_text(encoding="utf-8"),
    (FIXTURES / "contract-finetune" / "decision-log.md").read_text(encoding="utf-8"),
]
SPEC_TEXT = (DEMO_DIR / "project-spec.md").read_text(encoding="utf-8")


def _plan_text() -> str:
    from aiwf_tui.model.defaults import new_plan

    return dump_plan(new_plan(load_project(DEMO_DIR)))


PLAN_TEXT = _plan_text()
PLAN_DATA = yaml.safe_load(PLAN_TEXT)  # parsed once; each example changes a deep copy
# libyaml's emitter when PyYAML has it: the same YAML, ~5 times faster than the Python one
FAST_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)

# Text that looks like YAML / Markdown more often than uniform noise does.
TOKENS = st.sampled_from(
    [
        ":",
        ": ",
        "- ",
        "-",
        "\n",
        "\n  ",
        "\n    ",
        "  ",
        "[",
        "]",
        "{",
        "}",
        ",",
        "&a ",
        "*a",
        "&b ",
        "*b",
        "!!str ",
        "!!python/object:os.system ",
        "!tag ",
        "'",
        '"',
        "|",
        ">",
        "#",
        "---\n",
        "...\n",
        "? ",
        "%YAML 1.2\n",
        "\t",
        "\r\n",
        "\x00",
        "\ufeff",
        "\x1b[2J",
        "~",
        "null",
        "true",
        "1e309",
        "0x1F",
        "2026-03-10",
        "12:30:00",
        "version",
        "project_name",
        "architecture",
        "quality_gate",
        "decision",
        "go",
        "no-go",
        "stepsCompleted",
        "decisions",
        "id",
        "phases",
        "monitoring",
        "status",
        "confirmed",
        "alerting",
        "rules",
        "channels",
        "## ",
        "### ",
        "ARCH-001",
        "Phase 5: ",
        "**Decision:** ",
        "```",
        "<<: *a",
        "=",
        "é",
        "☃",
        "\U0001f600",
        "\udcff",
    ]
)
YAMLISH = st.lists(st.one_of(TOKENS, st.text(max_size=8)), max_size=60).map("".join)
PLAIN_DATA = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True), st.text(max_size=20)),
    lambda children: st.one_of(
        st.lists(children, max_size=5), st.dictionaries(st.text(max_size=10), children, max_size=5)
    ),
    max_leaves=30,
)


def _mutate(text: str, data) -> str:
    """Cut, duplicate, or splice random tokens into a real file."""
    for _ in range(data.draw(st.integers(1, 6))):
        if not text:
            break
        at = data.draw(st.integers(0, len(text)))
        op = data.draw(st.sampled_from(["insert", "delete", "swap"]))
        if op == "insert":
            text = text[:at] + data.draw(st.one_of(TOKENS, YAMLISH)) + text[at:]
        elif op == "delete":
            text = text[:at] + text[at + data.draw(st.integers(1, 40)) :]
        else:
            other = data.draw(st.integers(0, len(text)))
            text = text[:at] + text[other : other + 30] + text[at:]
    return text


def load_sidecar_text(text: str):
    """The sidecar path of `load_project`, from text."""
    doc, _ = load_roundtrip(text, "sidecar.yaml")
    return parse_sidecar(to_plain(doc, "sidecar.yaml"), "sidecar.yaml")


def only_aiwf_errors(load, text: str) -> None:
    try:
        load(text)
    except AiwfError as exc:
        assert exc.lines() and all("\n" not in line for line in exc.lines())


# -- sidecar ------------------------------------------------------------------------------------------
@FUZZ
@given(YAMLISH)
def test_sidecar_random_text(text):
    only_aiwf_errors(load_sidecar_text, text)


@FUZZ
@given(st.data())
def test_sidecar_mutated(data):
    only_aiwf_errors(load_sidecar_text, _mutate(SIDECAR_TEXT, data))


@FUZZ
@given(
    st.dictionaries(
        st.sampled_from(
            [
                "project_name",
                "architecture",
                "quality_gate",
                "stepsCompleted",
                "decisions",
                "phases",
                "currentPhase",
                "warnings_acknowledged",
                "created",
                "other",
            ]
        ),
        PLAIN_DATA,
        max_size=8,
    )
)
def test_sidecar_random_structure(data):
    text = yaml.safe_dump(data, allow_unicode=True)
    only_aiwf_errors(load_sidecar_text, text)


# -- decision log (never fails at all) -----------------------------------------------------------------
@FUZZ
@given(st.one_of(YAMLISH, st.text(max_size=300)))
def test_decision_log_random_text(text):
    log = parse_decision_log(text)
    log.by_id()


@FUZZ
@given(st.data())
def test_decision_log_mutated(data):
    log = parse_decision_log(_mutate(data.draw(st.sampled_from(LOG_TEXTS)), data))
    for entry in log.entries:
        assert 0 <= entry.start < entry.end <= len(log.lines)


# -- project spec: read verbatim, then Phase 5 adds its section -----------------------------------------
@FUZZ
@given(st.data())
def test_project_spec_text(tmp_path_factory, data):
    from aiwf_tui.model.defaults import new_plan
    from aiwf_tui.render.spec_section import render_spec

    text = data.draw(st.one_of(YAMLISH, st.just(SPEC_TEXT).map(lambda t: t), st.text(max_size=200)))
    if data.draw(st.booleans()):
        text = _mutate(SPEC_TEXT, data)
    root = tmp_path_factory.mktemp("spec") / "p"
    shutil.copytree(DEMO_DIR, root, ignore=shutil.ignore_patterns("phase-*"))
    (root / "project-spec.md").write_bytes(text.encode("utf-8", "surrogatepass"))
    try:
        project = load_project(root)
        render_spec(project, new_plan(project))
    except AiwfError:
        return


# -- plan ------------------------------------------------------------------------------------------------
@FUZZ
@given(YAMLISH)
def test_plan_random_text(text):
    only_aiwf_errors(lambda t: parse_plan(t, "operations-plan.yaml"), text)


@FUZZ
@given(st.data())
def test_plan_mutated(data):
    only_aiwf_errors(lambda t: parse_plan(t, "operations-plan.yaml"), _mutate(PLAN_TEXT, data))


@pytest.mark.slow
@FUZZ
@given(st.data())
def test_plan_with_random_values(data):
    """Replace a random value of a real plan with random data of any type."""
    plan = copy.deepcopy(PLAN_DATA)
    node = plan
    for _ in range(data.draw(st.integers(1, 4))):
        if isinstance(node, dict) and node:
            key = data.draw(st.sampled_from(sorted(node, key=str)))
            if not isinstance(node[key], (dict, list)) or data.draw(st.booleans()):
                node[key] = data.draw(PLAIN_DATA)
                break
            node = node[key]
        elif isinstance(node, list) and node:
            index = data.draw(st.integers(0, len(node) - 1))
            if not isinstance(node[index], (dict, list)) or data.draw(st.booleans()):
                node[index] = data.draw(PLAIN_DATA)
                break
            node = node[index]
    only_aiwf_errors(
        lambda t: parse_plan(t, "operations-plan.yaml"), yaml.dump(plan, Dumper=FAST_DUMPER, allow_unicode=True)
    )


# -- YAML core and files on disk ---------------------------------------------------------------------------
@FUZZ
@given(YAMLISH)
def test_load_plain_random_text(text):
    only_aiwf_errors(lambda t: load_plain(t, "x.yaml"), text)


@FUZZ
@given(st.binary(max_size=400), st.sampled_from(["sidecar.yaml", "project-spec.md", "decision-log.md"]))
def test_project_with_random_bytes(tmp_path_factory, data, name):
    """Random bytes in any one project file: load_project raises AiwfError or loads."""
    root = tmp_path_factory.mktemp("fuzz") / "p"
    shutil.copytree(DEMO_DIR, root, ignore=shutil.ignore_patterns("phase-*"))
    (root / name).write_bytes(data)
    try:
        project = load_project(root)
    except AiwfError:
        return
    assert isinstance(project.decisions, list)  # the derived facts work on whatever loaded
    assert isinstance(project.phases, list)


@FUZZ
@given(st.binary(max_size=400))
def test_read_text_random_bytes(tmp_path_factory, data):
    path = tmp_path_factory.mktemp("bytes") / "f.md"
    path.write_bytes(data)
    try:
        text = read_text(path)
    except AiwfError:
        return
    assert "\x00" not in text
