"""`--json` for every scripted verb: the real output and docs/json.md's examples have the same shape.

The verbs run as a user runs them (`python -m aiwf_tui ...`); each output must be exactly one
JSON object on stdout, nothing on stderr, and validate against the shape in
tests/json_shapes.py, which docs/json.md's examples must validate against too.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import tarfile
from pathlib import Path

import pytest

from aiwf_tui.layout import PLAN_FILE
from tests import json_shapes
from tests.helpers import DEMO_DIR, aiwf_in_process
from tests.render_helpers import confirm_file

DOC = Path(__file__).resolve().parents[1] / "docs" / "json.md"


def doc_examples() -> dict[str, dict]:
    """docs/json.md: section (`error`, or the verb of "## `aiwf VERB ...`") -> its first JSON example."""
    text = DOC.read_text(encoding="utf-8")
    examples = {}
    for heading, body in re.findall(r"^## (.+?)\n(.*?)(?=^## |\Z)", text, re.DOTALL | re.MULTILINE):
        match = re.search(r"```json\n(.*?)```", body, re.DOTALL)
        if not match:
            continue
        verb = re.match(r"`aiwf (\S+)", heading)
        examples["error" if heading.startswith("Errors") else verb.group(1) if verb else heading] = json.loads(
            match.group(1)
        )
    return examples


def run_json(*args) -> tuple[int, dict]:
    result = aiwf_in_process(*args, "--json")
    assert result.stderr == "", result.stderr
    assert result.stdout.isascii()
    return result.returncode, json.loads(result.stdout)  # one object, nothing else


def shaped(section: str, payload: dict):
    return json_shapes.SHAPES[section].model_validate(payload)


@pytest.fixture
def project(tmp_path) -> Path:
    return Path(shutil.copytree(DEMO_DIR, tmp_path / "fleet-docs-assistant"))


def test_every_documented_example_has_its_shape():
    examples = doc_examples()
    assert set(examples) == set(json_shapes.SHAPES)
    for section, example in examples.items():
        shaped(section, example)


def test_check(project):
    code, out = run_json("check", project)
    assert code == 0
    check = shaped("check", out)
    assert check.status == "ready" and check.project == "fleet-docs-assistant"
    assert check.revisit_phase is None and check.decisions.earlier == 12


def test_check_no_go_is_the_summary_with_exit_3(project):
    sidecar = project / "sidecar.yaml"
    text = sidecar.read_text(encoding="utf-8")
    assert 'decision: "conditional"' in text
    sidecar.write_text(
        text.replace('decision: "conditional"', 'decision: "no-go"\n  blockers: ["Phase 3 latency p95 is 4 s"]'),
        encoding="utf-8",
    )
    code, out = run_json("check", project)
    assert code == 3
    check = shaped("check", out)
    assert check.status == "no_go" and "NO-GO" in check.message
    assert check.revisit_phase is not None and check.revisit_phase.number == 3 and check.gate.blockers


def test_errors_are_json_with_their_problems(tmp_path, project):
    code, out = run_json("check", tmp_path / "missing")
    assert code == 1
    error = shaped("error", out).error
    assert error.verb == "check" and error.exit_code == 1
    assert error.problems[0].path == str(tmp_path / "missing") and error.problems[0].fix

    (project / "sidecar.yaml").write_text("project: [unclosed\n", encoding="utf-8")
    code, out = run_json("check", project)
    problem = shaped("error", out).error.problems[0]
    assert code == 1 and problem.path == "sidecar.yaml" and problem.line == 2


def test_usage_errors_are_json_too(project):
    from aiwf_tui.commands.common import json_output

    code, out = run_json("render", project, "--no-such-flag")
    assert code == 2
    error = shaped("error", out).error
    assert error.exit_code == 2 and "--no-such-flag" in error.message
    assert not json_output()  # the next command in this process prints text again


def test_render_refusal_lists_the_open_answers(project):
    code, _ = run_json("render", project)
    assert code == 1  # no plan yet
    assert aiwf_in_process("plan", project).returncode == 0
    code, out = run_json("render", project)
    assert code == 1
    problems = shaped("error", out).error.problems
    assert problems and problems[0].path == PLAN_FILE and "still open" in problems[0].message
    assert any("[runbook.contacts[0].name]" in p.message for p in problems[1:])


def test_render_lists_files_with_their_hashes(project):
    assert aiwf_in_process("plan", project).returncode == 0
    confirm_file(project / PLAN_FILE)
    before = {p: p.read_bytes() for p in project.rglob("*") if p.is_file()}

    code, out = run_json("render", project, "--dry-run")
    dry = shaped("render", out)
    assert code == 0 and dry.dry_run and dry.written == [] and "+++ b/" in dry.diff
    assert {p: p.read_bytes() for p in project.rglob("*") if p.is_file()} == before

    code, out = run_json("render", project)
    render = shaped("render", out)
    assert code == 0 and not render.dry_run and render.diff == ""
    assert render.written == [f.path for f in render.files if f.changed] and render.written
    for entry in render.files:
        data = (project / entry.path).read_bytes()
        assert hashlib.sha256(data).hexdigest() == entry.sha256 and len(data) == entry.bytes
    assert [f.sha256 for f in render.files] == [f.sha256 for f in dry.files]

    code, out = run_json("render", project)
    again = shaped("render", out)
    assert code == 0 and again.written == [] and not any(f.changed for f in again.files)


def test_export_archive_and_its_manifest_digest(project, tmp_path):
    archive = tmp_path / "out.tar.gz"
    code, out = run_json("export", project, "-o", archive)
    export = shaped("export", out)
    assert code == 0 and export.output == str(archive) and export.size == archive.stat().st_size
    with tarfile.open(archive) as tar:
        manifest = tar.extractfile("fleet-docs-assistant/MANIFEST.sha256").read()
    assert hashlib.sha256(manifest).hexdigest() == export.manifest_sha256
    assert len(export.files) == manifest.decode().count("\n")

    code, out = run_json("export", project, "-o", archive)  # exists: refused, as JSON
    assert code == 1 and "already exists" in shaped("error", out).error.message


def test_export_dry_run_and_prometheus(project, tmp_path):
    code, out = run_json("export", project, "--dry-run", "-o", tmp_path / "x.zip")
    dry = shaped("export", out)
    assert code == 0 and dry.dry_run and dry.size is None and dry.manifest_sha256 is None and dry.files
    assert not (tmp_path / "x.zip").exists()

    code, out = run_json("export", project, "--format", "prometheus")
    assert code == 2 and "-o DIR" in shaped("error", out).error.message


def test_every_verb_has_a_row_in_readmes_exit_code_table():
    from aiwf_tui.cli import VERBS

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    table = readme.split("### Exit codes", 1)[1].split("\n\n", 2)[1]
    named = {verb for row in table.splitlines()[2:] for verb in re.findall(r"`(\w+)`", row.split("|")[1])}
    assert set(VERBS) <= named, set(VERBS) - named


def test_todo_and_plan(project):
    code, out = run_json("todo", project)
    todo = shaped("todo", out)
    assert code == 1 and not todo.plan_exists and todo.open and not todo.complete

    code, out = run_json("plan", project)
    plan = shaped("plan", out)
    assert code == 0 and plan.created and plan.answered == [] and plan.confirmed == []
    assert all(s.status == "draft" for s in plan.sections)
    assert [i.path for i in plan.open] == [i.path for i in todo.open]

    code, out = run_json("plan", project)
    assert code == 1 and "already exists" in shaped("error", out).error.message

    code, out = run_json("plan", project, "--confirm", "all")
    refused = shaped("error", out).error
    assert code == 1 and "cannot confirm Phase 5" in refused.message
    assert [p.text for p in refused.problems] and all("[" in p.text for p in refused.problems)
    assert len(refused.problems) == len(todo.open)

    from aiwf_tui.model.plan_io import load_plan
    from tests.test_todo import answer_for

    counts = {s.key: sum(i.section == s.key for i in plan.open) for s in plan.sections}
    section = min(counts, key=counts.__getitem__)  # the section with the fewest open answers
    items = [i for i in plan.open if i.section == section]
    saved = load_plan(project / PLAN_FILE, project)
    sets = [arg for i in items for arg in ("--set", f"{i.path}={answer_for(i.model_dump(), saved)}")]
    code, out = run_json("plan", project, *sets, "--confirm", section)
    updated = shaped("plan", out)
    assert code == 0 and not updated.created
    assert updated.answered == [i.path for i in items] and updated.confirmed == [section]
    assert not [i for i in updated.open if i.section == section]
    assert {s.key: s.status for s in updated.sections}[section] == "confirmed"

    code, out = run_json("todo", project)
    assert shaped("todo", out).plan_exists and [i.path for i in shaped("todo", out).open] == [
        i.path for i in updated.open
    ]

    code, out = run_json("plan", project, "--set", "no.such.path=1")
    assert code == 1 and "no such answer" in shaped("error", out).error.message
