"""The bad-input corpus: broken projects and plans through `aiwf check` and `aiwf render`.

Each committed case is a folder under tests/bad_inputs/ with a CASE.md saying what is broken
and what the user must read. Its files are laid over a copy of the demo project (with a
confirmed plan); CASE.md may also delete files or edit the sidecar/plan in place:

    - base: demo
    - check: <fragment of the expected message>   (or "ok": must succeed)
    - render: <fragment>                          (or "ok")
    - delete: <relative path>
    - names: <what the message must name>         (default: the file the case name starts with)
    - plan-replace: 'old text' => 'new text'
    - sidecar-replace: 'old text' => 'new text'

Cases that cannot be committed as text (binary, non-UTF-8, huge files, symbolic links, CRLF
and BOM files that git might normalise, odd folder names) are generated below.

For every failing case: exit code != 0, the expected fragment, every line naming the file and
giving the fix ("... - what to do"), no traceback, and not one byte changed on disk.

Most cases call the CLI in this process (`aiwf_in_process`: the same `cli.main` the console
script runs, ~10 times cheaper than a new interpreter); the cases in REAL_PROCESS run as
`python -m aiwf_tui`, where only a real process shows the behaviour or survives its regression.
"""

from __future__ import annotations

import ast
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.helpers import DEMO_DIR, REPO, aiwf_in_process, isolate_environment, tree_hashes
from tests.test_crash_safety import small_ready_plan

# Every case's outcome comes from one module fixture: keep the module on one xdist worker.
pytestmark = pytest.mark.xdist_group("bad_inputs")

CASES_DIR = Path(__file__).resolve().parent / "bad_inputs"
PLAN = "phase-5-operations/operations-plan.yaml"
HUGE = 21 * 1024 * 1024  # over read_text's 20 MB limit


@dataclass
class Case:
    name: str
    check: str
    render: str
    folder: Path | None = None  # committed case folder
    deletes: list[str] = field(default_factory=list)
    plan_edits: list[tuple[str, str]] = field(default_factory=list)
    sidecar_edits: list[tuple[str, str]] = field(default_factory=list)
    make: Callable[[Path, Path], Path] | None = None  # generated: (project, scratch) -> path to pass
    named: str | None = None  # what the message must name, when not the file the prefix implies

    @property
    def names(self) -> str | None:
        """The file every message must name."""
        if self.named:
            return self.named
        for prefix, name in (
            ("sidecar-", "sidecar.yaml"),
            ("plan-", "operations-plan.yaml"),
            ("spec-", "project-spec.md"),
            ("decision-log-", "decision-log.md"),
        ):
            if self.name.startswith(prefix):
                return name
        return None


def parse_case(folder: Path) -> Case:
    case = Case(folder.name, "", "", folder)
    for line in (folder / "CASE.md").read_text(encoding="utf-8").splitlines():
        match = re.match(r"^- ([a-z-]+): (.*)$", line)
        if not match:
            continue
        key, value = match.groups()
        if key == "check":
            case.check = value
        elif key == "render":
            case.render = value
        elif key == "delete":
            case.deletes.append(value)
        elif key == "names":
            case.named = value
        elif key in ("plan-replace", "sidecar-replace"):
            old, new = (ast.literal_eval(part.strip()) for part in value.split(" => "))
            (case.plan_edits if key == "plan-replace" else case.sidecar_edits).append((old, new))
    assert case.check and case.render, f"{folder}/CASE.md gives no expected check/render result"
    return case


# -- generated cases ------------------------------------------------------------------------------
def _write(rel: str, data: bytes):
    def make(project: Path, scratch: Path) -> Path:
        (project / rel).write_bytes(data)
        return project

    return make


def _huge(rel: str):
    def make(project: Path, scratch: Path) -> Path:
        with open(project / rel, "ab") as handle:
            handle.truncate(HUGE)  # sparse: cheap to make, too large to be a project file
        return project

    return make


def _link_outside(rel: str):
    def make(project: Path, scratch: Path) -> Path:
        outside = scratch / ("outside-" + Path(rel).name)
        shutil.copy(project / rel, outside)  # a perfectly valid file, but not the project's
        (project / rel).unlink()
        (project / rel).symlink_to(outside)
        return project

    return make


def _link_inside(project: Path, scratch: Path) -> Path:
    (project / "docs").mkdir()
    shutil.move(project / "project-spec.md", project / "docs" / "spec.md")
    (project / "project-spec.md").symlink_to(Path("docs") / "spec.md")
    return project


def _dangling(project: Path, scratch: Path) -> Path:
    (project / "decision-log.md").unlink()
    (project / "decision-log.md").symlink_to("nowhere/decision-log.md")
    return project


def _line_endings(crlf: bool, bom: bool):
    def make(project: Path, scratch: Path) -> Path:
        for rel in ("sidecar.yaml", "project-spec.md", "decision-log.md", PLAN):
            text = (project / rel).read_text(encoding="utf-8")
            if crlf:
                text = text.replace("\n", "\r\n")
            (project / rel).write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8"))
        return project

    return make


def _odd_name(project: Path, scratch: Path) -> Path:
    target = project.parent / "Dépôt de projet ☃ (copy)"
    project.rename(target)
    (target / "notes – été ☃.md").write_text("unicode names are fine\n", encoding="utf-8")
    return target


def _is_file(project: Path, scratch: Path) -> Path:
    return project / "sidecar.yaml"


def _nowhere(project: Path, scratch: Path) -> Path:
    return project.parent / "no-such-project"


def _folder_outside(rel: str, dangling: bool = False):
    """A folder aiwf writes into, replaced by a link to a folder outside the project."""

    def make(project: Path, scratch: Path) -> Path:
        target = scratch / Path(rel).name
        if (project / rel).exists():
            shutil.move(project / rel, target)
        if dangling:
            shutil.rmtree(target, ignore_errors=True)
        (project / rel).symlink_to(target, target_is_directory=True)
        return project

    return make


def _fifo(rel: str):
    def make(project: Path, scratch: Path) -> Path:
        (project / rel).unlink()
        os.mkfifo(project / rel)
        return project

    return make


def _loop(rel: str):
    def make(project: Path, scratch: Path) -> Path:
        (project / rel).unlink()
        (project / rel).symlink_to(Path(rel).name)
        return project

    return make


def _crlf_only(rel: str):
    def make(project: Path, scratch: Path) -> Path:
        (project / rel).write_bytes((project / rel).read_bytes().replace(b"\n", b"\r\n"))
        return project

    return make


def _replace_in(rel: str, old: str, new: str):
    def make(project: Path, scratch: Path) -> Path:
        text = (project / rel).read_text(encoding="utf-8")
        assert old in text, f"{rel} has no {old!r}"
        (project / rel).write_text(text.replace(old, new, 1), encoding="utf-8")
        return project

    return make


def _text_alias_bomb(project: Path, scratch: Path) -> Path:
    """A plan of ~1.2 MB whose text fields all alias one 1.2 MB answer: 20+ MB once expanded."""
    import re as _re

    path = project / PLAN
    text = path.read_text(encoding="utf-8")
    big = "x" * (1200 * 1024)
    text = text.replace("infrastructure: Answer to monitoring.infrastructure", f"infrastructure: &big '{big}'", 1)
    text, count = _re.subn(
        r"^(\s+(?:- )?(?:why|description|changes|purpose|how|capture|tools): ).*$", r"\1*big", text, flags=_re.M
    )
    assert count >= 18, count
    path.write_text(text, encoding="utf-8")
    return project


SIDECAR_LATIN1 = (DEMO_DIR / "sidecar.yaml").read_text(encoding="utf-8").replace("Priya Raman", "Andrés Peña")

GENERATED = [
    Case(
        "sidecar-binary",
        "is binary, not text",
        "is binary, not text",
        make=_write("sidecar.yaml", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"),
    ),
    Case(
        "sidecar-latin1",
        "is not UTF-8 text",
        "re-save it as UTF-8",
        make=_write("sidecar.yaml", SIDECAR_LATIN1.encode("latin-1")),
    ),
    Case(
        "spec-cp1252",
        "is not UTF-8 text",
        "is not UTF-8 text",
        make=_write("project-spec.md", b"# Spec\n\x93smart quotes\x94\n"),
    ),
    Case("decision-log-binary", "is binary", "is binary", make=_write("decision-log.md", bytes(range(256)) * 4)),
    Case("plan-binary", "ok", "is binary", make=_write(PLAN, b"\x00\x01\x02version: 1\n")),
    Case("plan-utf16", "ok", "operations-plan.yaml", make=_write(PLAN, "version: 1\n".encode("utf-16"))),
    Case("sidecar-huge", "is too large", "is too large", make=_huge("sidecar.yaml")),
    Case("spec-huge", "is too large", "is too large", make=_huge("project-spec.md")),
    Case("plan-huge", "ok", "is too large", make=_huge(PLAN)),
    Case(
        "sidecar-symlink-outside",
        "leads outside the project",
        "leads outside the project",
        make=_link_outside("sidecar.yaml"),
    ),
    Case(
        "spec-symlink-outside",
        "leads outside the project",
        "leads outside the project",
        make=_link_outside("project-spec.md"),
    ),
    Case(
        "decision-log-symlink-outside",
        "leads outside the project",
        "leads outside the project",
        make=_link_outside("decision-log.md"),
    ),
    Case("plan-symlink-outside", "leads outside the project", "leads outside the project", make=_link_outside(PLAN)),
    Case("decision-log-dangling-symlink", "decision-log.md: is missing", "is missing", make=_dangling),
    Case("project-is-a-file", "is not a folder", "is not a folder", make=_is_file),
    Case("project-missing", "does not exist", "does not exist", make=_nowhere),
    Case("valid-symlink-inside", "ok", "ok", make=_link_inside),
    Case("valid-crlf", "ok", "ok", make=_line_endings(crlf=True, bom=False)),
    Case("valid-bom", "ok", "ok", make=_line_endings(crlf=False, bom=True)),
    Case("valid-crlf-and-bom", "ok", "ok", make=_line_endings(crlf=True, bom=True)),
    Case("valid-spaces-and-unicode-names", "ok", "ok", make=_odd_name),
    # issue 13: writes leave the project through a linked folder
    Case(
        "operations-folder-linked-outside",
        "leads outside the project",
        "leads outside the project",
        make=_folder_outside("phase-5-operations"),
        named="phase-5-operations",
    ),
    Case(
        "prometheus-folder-linked-outside",
        "leads outside the project",
        "leads outside the project",
        make=_folder_outside("phase-5-operations/prometheus"),
        named="phase-5-operations/prometheus",
    ),
    Case(
        "templates-folder-linked-nowhere-outside",
        "leads outside the project",
        "leads outside the project",
        make=_folder_outside("phase-5-operations/templates", dangling=True),
        named="phase-5-operations/templates",
    ),
    # issue 13: only regular files are read
    Case("spec-fifo", "is a named pipe (FIFO)", "is a named pipe (FIFO)", make=_fifo("project-spec.md")),
    Case("plan-fifo", "is a named pipe (FIFO)", "is a named pipe (FIFO)", make=_fifo(PLAN)),
    Case(
        "sidecar-symlink-loop",
        "is a symbolic link that loops",
        "is a symbolic link that loops",
        make=_loop("sidecar.yaml"),
    ),
    Case(
        "decision-log-symlink-loop",
        "is a symbolic link that loops",
        "is a symbolic link that loops",
        make=_loop("decision-log.md"),
    ),
    # issue 13: line endings kept (one CRLF file among LF ones)
    Case("valid-crlf-decision-log-only", "ok", "ok", make=_crlf_only("decision-log.md")),
    # issue 13: unbounded work
    Case(
        "plan-huge-integer",
        "ok",
        "holds a number with 5,000 digits",
        make=_replace_in(PLAN, "threshold: 0.05", "threshold: " + "9" * 5000),
    ),
    Case(
        "sidecar-huge-integer",
        "holds a number with 4,400 digits",
        "holds a number with 4,400 digits",
        make=_replace_in(
            "sidecar.yaml", "stepsCompleted: [1, 2, 3, 4, 5, 6]", "stepsCompleted: [1, " + "7" * 4400 + "]"
        ),
    ),
    Case(
        "plan-deep-flow-nesting",
        "ok",
        "nested too deeply",
        make=_replace_in(
            PLAN, "infrastructure: Answer to monitoring.infrastructure", "infrastructure: " + "[" * 20000 + "]" * 20000
        ),
    ),
    Case(
        "sidecar-deep-flow-unclosed",
        "nested too deeply",
        "nested too deeply",
        make=_replace_in("sidecar.yaml", "stepsCompleted: [1, 2, 3, 4, 5, 6]", "stepsCompleted: " + "{a: [" * 5000),
    ),
    Case("plan-text-alias-bomb", "ok", "alias bomb", make=_text_alias_bomb),
    # issue 13: injection into generated files (renders; the text stays a value)
    Case(
        "valid-service-with-newline-and-keys",
        "ok",
        "ok",
        make=_replace_in(
            PLAN, "service: fleet-docs-assistant", 'service: "fleet\\nextra_key: 1\\u2028route: {}\\r\\x85x"'
        ),
    ),
    Case(
        # an e-mail target is an address: Go template text in it is refused before it could reach
        # Alertmanager (test_hostile_projects checks the escaping of text that is let through)
        "email-target-with-go-template",
        "ok",
        "an e-mail address",
        make=_replace_in(
            PLAN,
            "target: ml-oncall@example.com",
            "target: 'ml-oncall@example.com{{ if true }}, someone@example.net{{ end }}'",
        ),
    ),
    # issue 13: Markdown structure in user text (renders, and stays text)
    Case(
        "valid-rationale-with-unbalanced-fence",
        "ok",
        "ok",
        make=_replace_in(
            PLAN,
            "rationale: Answer to decisions.decisions[0].rationale",
            'rationale: "see:\\n```\\nunbalanced\\n## Quick Reference"',
        ),
    ),
    Case(
        "valid-answer-with-heading-anchor-and-rule",
        "ok",
        "ok",
        make=_replace_in(
            PLAN,
            "  answer: Answer to incident.answer",
            '  answer: "# X {#service-down}\\n---\\n**Full Runbook:** See `phase-5-operations/runbook.md`"',
        ),
    ),
    Case("valid-crlf-sidecar-only", "ok", "ok", make=_crlf_only("sidecar.yaml")),
]

COMMITTED = [parse_case(folder) for folder in sorted(CASES_DIR.iterdir()) if (folder / "CASE.md").is_file()]
ALL = COMMITTED + GENERATED

#: Cases run as a real `python -m aiwf_tui` process. Where a regression would hurt the test
#: process itself: a read that blocks on a FIFO (a subprocess times out), a stack or memory
#: bomb, a YAML tag that runs code. And the console boundary: a non-ASCII path in argv,
#: non-UTF-8 input quoted through a real stderr pipe, a plain refusal.
REAL_PROCESS = {
    "spec-fifo",
    "plan-fifo",
    "sidecar-deep-nesting",
    "plan-deep-flow-nesting",
    "sidecar-deep-flow-unclosed",
    "sidecar-alias-bomb",
    "plan-alias-bomb",
    "plan-text-alias-bomb",
    "sidecar-python-tag",
    "valid-spaces-and-unicode-names",
    "sidecar-latin1",
    "plan-malformed",
}


def test_the_corpus_is_big_enough():
    assert len(COMMITTED) >= 40 and len(ALL) >= 60
    assert len({c.name for c in ALL}) == len(ALL)
    assert not REAL_PROCESS - {c.name for c in ALL}, "a real-process case was renamed or removed"


# -- running the corpus ----------------------------------------------------------------------------
@dataclass
class Outcome:
    path: Path
    check: subprocess.CompletedProcess
    render: subprocess.CompletedProcess
    before: dict[str, str]
    after_check: dict[str, str]
    after_render: dict[str, str]
    project: Path


def _edit(path: Path, edits: list[tuple[str, str]]) -> None:
    text = path.read_text(encoding="utf-8")
    for old, new in edits:
        assert old in text, f"{path.name} has no {old!r} to replace"
        text = text.replace(old, new, 1)
    path.write_text(text, encoding="utf-8")


def _build(case: Case, base: Path, where: Path) -> tuple[Path, Path]:
    project = where / "fleet-docs-assistant"
    scratch = where / "outside"
    scratch.mkdir(parents=True)
    shutil.copytree(base, project, symlinks=True)
    for rel in case.deletes:
        target = project / rel
        shutil.rmtree(target) if target.is_dir() and not target.is_symlink() else target.unlink()
    if case.folder is not None:
        for source in sorted(case.folder.rglob("*")):
            rel = source.relative_to(case.folder)
            if str(rel) == "CASE.md" or (source.name == ".gitkeep" and source.parent == case.folder):
                continue
            target = project / rel
            if source.is_dir():
                target.mkdir(parents=True, exist_ok=True)
            elif source.name != ".gitkeep":
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy(source, target)
    if case.plan_edits:
        _edit(project / PLAN, case.plan_edits)
    if case.sidecar_edits:
        _edit(project / "sidecar.yaml", case.sidecar_edits)
    path = case.make(project, scratch) if case.make else project
    return path, (path if path.is_dir() else path.parent if path.exists() else project)


def _run(*args) -> subprocess.CompletedProcess:
    """`aiwf ARGS` as a real process, as a user runs it."""
    return subprocess.run(
        [sys.executable, "-m", "aiwf_tui", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=120,
        stdin=subprocess.DEVNULL,
    )


def _hashes(root: Path) -> dict[str, str]:
    return tree_hashes(root) if root.is_dir() else {}


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory) -> dict[str, Outcome]:
    """Every case through `aiwf check` then `aiwf render`: the REAL_PROCESS cases as processes in
    two threads, meanwhile the others in this process, one after the other."""
    root = tmp_path_factory.mktemp("bad-inputs")
    base = root / "base"
    shutil.copytree(DEMO_DIR, base)
    small_ready_plan(base)

    def one(case: Case, run: Callable[..., subprocess.CompletedProcess]) -> tuple[str, Outcome]:
        path, project = _build(case, base, root / case.name)
        before = _hashes(project)
        check = run("check", path)
        after_check = _hashes(project)
        render = run("render", path)
        return case.name, Outcome(path, check, render, before, after_check, _hashes(project), project)

    # Module scope starts before the per-test isolation: the same isolation, for the whole corpus.
    with pytest.MonkeyPatch.context() as monkeypatch, ThreadPoolExecutor(2) as pool:
        isolate_environment(monkeypatch, root / "home", root / "cache")
        real = [pool.submit(one, case, _run) for case in ALL if case.name in REAL_PROCESS]
        done = dict(one(case, aiwf_in_process) for case in ALL if case.name not in REAL_PROCESS)
        done.update(future.result() for future in real)
    return done


def _assert_clear_failure(result: subprocess.CompletedProcess, case: Case, fragment: str, verb: str) -> None:
    err = result.stderr
    assert result.returncode != 0, f"{verb} accepted {case.name}:\n{result.stdout}{err}"
    assert "Traceback" not in err and "Error:" not in err.split(":", 1)[0], err
    assert fragment in err, f"{verb} of {case.name}: expected {fragment!r} in:\n{err}"
    lines = err.strip().splitlines()
    assert lines, "no message"
    for line in lines:
        assert line.startswith(f"aiwf {verb}: "), line
        assert " - " in line, f"no fix given: {line}"
    if case.names:
        assert case.names in err, f"the message does not name {case.names}: {err}"
    assert "\x1b" not in err


@pytest.mark.parametrize("case", ALL, ids=lambda c: c.name)
def test_check(case: Case, outcomes):
    outcome = outcomes[case.name]
    if case.check == "ok":
        assert outcome.check.returncode == 0, outcome.check.stderr
        assert outcome.check.stderr == ""
    else:
        _assert_clear_failure(outcome.check, case, case.check, "check")
    assert outcome.after_check == outcome.before, "aiwf check changed files"


@pytest.mark.parametrize("case", ALL, ids=lambda c: c.name)
def test_render(case: Case, outcomes):
    outcome = outcomes[case.name]
    if case.render == "ok":
        assert outcome.render.returncode == 0, outcome.render.stderr
        assert "Traceback" not in outcome.render.stderr
        assert outcome.after_render != outcome.before  # it did write the Phase 5 files
    else:
        _assert_clear_failure(outcome.render, case, case.render, "render")
        assert outcome.after_render == outcome.before, "a failed render changed files"
    assert not list(outcome.project.rglob(".aiwf-tmp-*")) if outcome.project.is_dir() else True
    assert not (outcome.project / ".aiwf.lock").exists()


@pytest.mark.parametrize("name", ["valid-crlf", "valid-bom", "valid-crlf-and-bom"])
def test_crlf_and_bom_files_render_with_consistent_line_endings(name, outcomes):
    """CRLF and BOM files are valid input. Rendered files use one line ending each (aiwf
    writes LF; it never leaves a file with a mixture) and no BOM in the middle of a file."""
    project = outcomes[name].project
    for rel in ("sidecar.yaml", "project-spec.md", "decision-log.md", "phase-5-operations/runbook.md"):
        data = (project / rel).read_bytes()
        crlf, lf = data.count(b"\r\n"), data.count(b"\n")
        assert crlf in (0, lf), f"{rel} mixes CRLF and LF line endings"
        assert b"\xef\xbb\xbf" not in data[3:], f"{rel} has a BOM inside"
    result = aiwf_in_process("render", project)  # and it renders again, unchanged
    assert result.returncode == 0 and "already up to date" in result.stderr, result.stderr


def test_a_python_tag_is_never_executed(outcomes):
    assert not Path("/tmp/aiwf-pwned").exists()
    assert outcomes["sidecar-python-tag"].check.returncode != 0
