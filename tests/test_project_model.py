"""The project-folder model: every fixture variant loads, derived facts, byte-identical round trip."""

from __future__ import annotations

import pytest

from aiwf_tui.errors import AiwfError
from aiwf_tui.model import load_project
from aiwf_tui.model.decision_log import parse_decision_log
from aiwf_tui.model.sidecar import Sidecar
from tests.helpers import FIXTURES

GOOD = ["support-rag-bot", "contract-finetune", "blocked-nogo", "already-complete"]


@pytest.mark.parametrize("name", GOOD)
def test_fixture_loads_and_sidecar_round_trips_byte_identical(name):
    project = load_project(FIXTURES / name)
    assert project.name == name
    assert project.dump_sidecar(project.sidecar_document()) == project.sidecar_text


def test_derived_facts_rag_only():
    p = load_project(FIXTURES / "support-rag-bot")
    assert (p.architecture, p.retrieves, p.trains) == ("rag-only", True, False)
    assert [ph.status for ph in p.phases] == ["complete", "complete", "skipped", "complete", "complete", "pending"]
    assert p.gate_decision == "go" and p.gate_allows_phase5 and not p.phase5_complete
    ids = [d.id for d in p.decisions]
    assert ids[0] == "arch-001" and len(ids) == 11
    # Sidecar ids are lower-case, decision-log headings upper-case: joined all the same.
    assert all(d.entry is not None for d in p.decisions)
    assert p.decisions[0].entry.id == "ARCH-001"


def test_derived_facts_hybrid_conditional():
    p = load_project(FIXTURES / "contract-finetune")
    assert (p.architecture, p.retrieves, p.trains) == ("hybrid", True, True)
    assert p.gate_decision == "conditional" and len(p.gate_conditions) == 2
    assert p.decision_log.layout == "phased"
    assert p.decision_log.phase5_heading is not None
    assert p.sidecar.metadata["workflow_version"] == "1.0"  # unknown keys are kept


def test_nogo_and_complete():
    nogo = load_project(FIXTURES / "blocked-nogo")
    assert nogo.gate_decision == "no-go" and not nogo.gate_allows_phase5 and len(nogo.gate_blockers) == 2
    done = load_project(FIXTURES / "already-complete")
    assert done.phase5_complete
    assert [d.id for d in done.decisions if d.phase == 5] == ["op-001", "op-002", "op-003", "op-004"]


@pytest.mark.parametrize(
    "value,expected", [("passed", "go"), ("blocked", "no-go"), ("conditional", "conditional"), ("GO", "go")]
)
def test_quality_gate_string_form(value, expected):
    s = Sidecar.model_validate({"project_name": "x", "quality_gate": value})
    assert s.quality_gate.decision == expected


def test_broken_yaml_names_file_and_line():
    with pytest.raises(AiwfError) as err:
        load_project(FIXTURES / "broken")
    lines = err.value.lines()
    assert len(lines) == 1 and lines[0].startswith("sidecar.yaml:13:")


def test_broken_schema_one_line_per_field():
    with pytest.raises(AiwfError) as err:
        load_project(FIXTURES / "broken-schema")
    lines = err.value.lines()
    assert all(line.startswith("sidecar.yaml:") for line in lines)
    assert any("stepsCompleted" in line for line in lines) and any("decisions" in line for line in lines)


def test_invalid_inputs(tmp_path):
    (tmp_path / "file").write_text("x")
    for path, needle in [(tmp_path / "nope", "does not exist"), (tmp_path / "file", "not a folder")]:
        with pytest.raises(AiwfError) as err:
            load_project(path)
        assert needle in str(err.value)
    project = tmp_path / "p"
    project.mkdir()
    (project / "sidecar.yaml").write_bytes(b"project_name: \xff\xfe\n")
    (project / "project-spec.md").write_text("")
    with pytest.raises(AiwfError) as err:
        load_project(project)
    text = str(err.value)
    assert "sidecar.yaml" in text and "UTF-8" in text and "decision-log.md: is missing" in text


def test_alias_bomb_is_refused(tmp_path):
    bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
    prev = "a"
    for name in "bcdefghi":
        bomb += f"{name}: &{name} [" + ", ".join(f"*{prev}" for _ in range(10)) + "]\n"
        prev = name
    (tmp_path / "sidecar.yaml").write_text("project_name: bomb\n" + bomb)
    (tmp_path / "project-spec.md").write_text("# spec\n")
    (tmp_path / "decision-log.md").write_text("# log\n")
    with pytest.raises(AiwfError) as err:
        load_project(tmp_path)
    assert "alias bomb" in str(err.value)


def test_decision_log_layouts():
    flat = parse_decision_log((FIXTURES / "support-rag-bot" / "decision-log.md").read_text())
    phased = parse_decision_log((FIXTURES / "contract-finetune" / "decision-log.md").read_text())
    assert flat.layout == "flat" and phased.layout == "phased"
    assert flat.entries[0].fields["Decision"] == "RAG-only"
    assert [e.id for e in phased.entries][-1] == "EV-002"
    # The Quick Reference table is not part of the last entry.
    assert "Quick Reference" not in phased.entries[-1].text


def test_demo_project_loads():
    from tests.helpers import DEMO_DIR

    p = load_project(DEMO_DIR)
    assert p.retrieves and p.gate_allows_phase5 and not p.phase5_complete
    assert all(d.entry is not None for d in p.decisions)
