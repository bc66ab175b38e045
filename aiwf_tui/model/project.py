"""The project folder that Phases 0-4 leave behind, and the facts Phase 5 derives from it.

Everything the app and the renderers need is derived here, once: architecture and
what it implies (retrieval, training), each phase's status, the gate, the earlier
decisions joined with their decision-log entries, and whether Phase 5 is done.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from aiwf_tui.errors import AiwfError, Problem
from aiwf_tui.layout import DECISION_LOG, OPERATIONS_DIR, PHASE5_FILES, PROJECT_SPEC, SIDECAR
from aiwf_tui.model.decision_log import DecisionLog, DecisionLogEntry, parse_decision_log
from aiwf_tui.model.sidecar import Sidecar, parse_sidecar
from aiwf_tui.model.textfile import read_text
from aiwf_tui.model.yamlio import _roundtrip_yaml, dump_roundtrip, load_plain_fast, load_roundtrip, text_key_lines

#: (number, sidecar key, title, folder, main output) for phases 0-5.
PHASES: tuple[tuple[int, str, str, str, str], ...] = (
    (0, "phase_0_scoping", "Scoping", "phase-0-scoping", "architecture-decision.md"),
    (1, "phase_1_feature", "Feature", "phase-1-feature", "spec.md + config templates"),
    (2, "phase_2_training", "Training", "phase-2-training", "spec.md + config template"),
    (3, "phase_3_inference", "Inference", "phase-3-inference", "spec.md + deployment config"),
    (4, "phase_4_evaluation", "Evaluation", "phase-4-evaluation", "report.md + quality gate"),
    (5, "phase_5_operations", "Operations", OPERATIONS_DIR, "runbook.md + alerts config"),
)

#: Decision id prefix -> phase number (ids are `arch-001`, `fp-002`, ...).
ID_PREFIX_PHASE = {"arch": 0, "fp": 1, "tp": 2, "ip": 3, "ev": 4, "op": 5}

#: The step that revisits each phase, used when the gate says NO-GO.
ARCHITECTURE_LABELS = {"rag-only": "RAG-only", "fine-tuning": "Fine-tuning", "hybrid": "Hybrid (fine-tuning + RAG)"}


@dataclass(frozen=True)
class PhaseStatus:
    """One phase as the sidebar and the summary show it."""

    number: int
    key: str
    title: str
    folder: str
    output: str
    status: str  # complete | skipped | pending | in_progress | ...

    @property
    def label(self) -> str:
        return f"Phase {self.number}: {self.title}"


@dataclass(frozen=True)
class Decision:
    """An earlier (or operations) decision: the sidecar summary joined with its ADR entry."""

    id: str  # lower-case, as in the sidecar
    phase: int | None
    choice: str
    rationale: str
    knowledge_ref: str | None
    date: str | None
    entry: DecisionLogEntry | None

    @property
    def heading_id(self) -> str:
        return self.id.upper()

    @property
    def title(self) -> str:
        return self.entry.title if self.entry else ""


def decision_phase(decision_id: str, explicit: int | None = None) -> int | None:
    """The phase a decision belongs to: explicit, or from its id prefix."""
    if explicit is not None:
        return explicit
    prefix = decision_id.split("-", 1)[0].lower()
    return ID_PREFIX_PHASE.get(prefix)


@dataclass
class Project:
    """A loaded project folder. Build it with `load_project`."""

    root: Path
    sidecar: Sidecar
    sidecar_text: str
    spec_text: str
    decision_log_text: str
    _sidecar_yaml: Any = field(repr=False, default=None)
    _sidecar_data: Any = field(repr=False, default=None)  # plain data the sidecar was validated from

    # -- derived facts -------------------------------------------------------------
    @property
    def name(self) -> str:
        return self.sidecar.project_name

    @property
    def architecture(self) -> str:
        return self.sidecar.architecture or "rag-only"

    @property
    def architecture_label(self) -> str:
        return ARCHITECTURE_LABELS.get(self.architecture, self.architecture)

    @property
    def retrieves(self) -> bool:
        """Whether the system retrieves (RAG metrics, vector DB runbook entries)."""
        return self.architecture in ("rag-only", "hybrid")

    @property
    def trains(self) -> bool:
        """Whether the system trains a model (training-data drift, retraining)."""
        return self.architecture in ("fine-tuning", "hybrid")

    @property
    def gate_decision(self) -> str:
        return self.sidecar.quality_gate.decision if self.sidecar.quality_gate else "unknown"

    @property
    def gate_allows_phase5(self) -> bool:
        """The workflow starts Phase 5 only on GO or CONDITIONAL."""
        return self.gate_decision in ("go", "conditional")

    @property
    def gate_conditions(self) -> list[str]:
        return list(self.sidecar.quality_gate.conditions) if self.sidecar.quality_gate else []

    @property
    def gate_blockers(self) -> list[str]:
        return list(self.sidecar.quality_gate.blockers) if self.sidecar.quality_gate else []

    @property
    def gate_date(self) -> str | None:
        return self.sidecar.quality_gate.date if self.sidecar.quality_gate else None

    @cached_property
    def phases(self) -> list[PhaseStatus]:
        statuses = self.sidecar.phases
        result = []
        for number, key, title, folder, output in PHASES:
            status = statuses.get(key)
            if status is None:
                status = "skipped" if (number == 2 and not self.trains) else "pending"
            result.append(PhaseStatus(number, key, title, folder, output, str(status).lower()))
        return result

    @property
    def steps_completed(self) -> list[int]:
        return list(self.sidecar.stepsCompleted)

    @property
    def phase5_complete(self) -> bool:
        """Already finished: the final menu opens in review mode."""
        s = self.sidecar
        return (
            (s.workflow_status or "").lower() == "complete"
            or str(s.phases.get("phase_5_operations") or "").lower() == "complete"
            or 7 in s.stepsCompleted
        )

    @cached_property
    def decision_log(self) -> DecisionLog:
        return parse_decision_log(self.decision_log_text)

    @cached_property
    def decisions(self) -> list[Decision]:
        """Every sidecar decision joined with its decision-log entry, plus log-only entries."""
        entries = self.decision_log.by_id()
        result: list[Decision] = []
        seen: set[str] = set()
        for d in self.sidecar.decisions:
            key = d.id.lower()
            seen.add(key)
            entry = entries.get(key)
            result.append(
                Decision(
                    key,
                    decision_phase(key, d.phase),
                    d.choice,
                    d.rationale,
                    d.knowledge_ref,
                    d.date or (entry.fields.get("Date") if entry else None),
                    entry,
                )
            )
        for key, entry in entries.items():
            if key not in seen:
                f = entry.fields
                result.append(
                    Decision(
                        key,
                        decision_phase(key),
                        f.get("Decision", entry.title),
                        f.get("Choice Rationale", f.get("Rationale", "")),
                        (f.get("Knowledge Reference") or "").strip("`") or None,
                        f.get("Date"),
                        entry,
                    )
                )
        return result

    @property
    def earlier_decisions(self) -> list[Decision]:
        """Decisions of phases 0-4: shown, never edited."""
        return [d for d in self.decisions if d.phase != 5]

    def path(self, relative: str) -> Path:
        return self.root / relative

    def artifacts_present(self) -> dict[str, bool]:
        """Which Phase 5 artifacts exist on disk."""
        return {rel: (self.root / rel).is_file() for rel in PHASE5_FILES}

    # -- sidecar round trip -------------------------------------------------------
    def sidecar_yaml(self) -> Any:
        """The round-trip YAML instance with the sidecar's layout (made when first asked)."""
        if self._sidecar_yaml is None:
            yaml = _roundtrip_yaml(self.sidecar_text)
            text = self.sidecar_text
            if text.startswith("%") or "\n%" in text:
                # %YAML / %TAG directives are remembered by the instance that read them and
                # written back by its dumps: read the file with it once, as loading used to.
                load_roundtrip(text, SIDECAR, yaml)
            self._sidecar_yaml = yaml
        return self._sidecar_yaml

    def sidecar_data(self) -> Any:
        """sidecar.yaml as plain data (what `load_project` validated). Do not modify it."""
        if self._sidecar_data is None:
            self._sidecar_data = load_plain_fast(self.sidecar_text, SIDECAR)[0]
        return self._sidecar_data

    def sidecar_document(self) -> Any:
        """A fresh round-trip copy of sidecar.yaml for a writer to change (parsed on demand:
        loading the project reads plain data only)."""
        doc, _ = load_roundtrip(self.sidecar_text, SIDECAR)
        return doc

    def dump_sidecar(self, doc: Any) -> str:
        """Serialise a sidecar document with the file's own layout."""
        return dump_roundtrip(doc, self.sidecar_yaml())


def _key_lines(doc: Any) -> dict[str, int]:
    """1-based line of each top-level key, for error messages."""
    lines: dict[str, int] = {}
    lc = getattr(doc, "lc", None)
    if lc is None or not isinstance(doc, dict):
        return lines
    for key in doc:
        try:
            lines[str(key)] = lc.key(key)[0] + 1
        except Exception:
            pass
    return lines


def _sidecar_key_lines(text: str, data: Any) -> dict[str, int]:
    """1-based line of each top-level key: from the text, or (odd layouts) the round-trip document."""
    if isinstance(data, dict):
        lines = text_key_lines(text, list(data))
        if lines is not None:
            return lines
    try:
        doc, _ = load_roundtrip(text, SIDECAR)
    except AiwfError:
        return {}
    return _key_lines(doc)


def _parse_sidecar_text(text: str) -> tuple[Sidecar, Any]:
    """Validate sidecar.yaml's text: (model, plain data); error lines name the top-level key's line."""
    data, _ = load_plain_fast(text, SIDECAR)
    key_lines = _LazyKeyLines(text, data)
    sidecar = parse_sidecar(data, SIDECAR, key_lines)
    if sidecar.architecture is None:
        raise AiwfError.at(
            SIDECAR,
            "architecture is not set",
            "set architecture to rag-only, fine-tuning or hybrid (decided in Phase 0)",
            line=key_lines.get("architecture"),
        )
    return sidecar, data


class _LazyKeyLines(dict[str, int]):
    """Key lines worked out only when an error message asks for one."""

    def __init__(self, text: str, data: Any) -> None:
        super().__init__()
        self._text, self._data = text, data
        self._lines: dict[str, int] | None = None

    def __bool__(self) -> bool:
        return True

    def get(self, key: Any, default: Any = None) -> Any:
        if self._lines is None:
            self._lines = _sidecar_key_lines(self._text, self._data)
        return self._lines.get(key, default)


def folder_problem(root: Path) -> Problem | None:
    """Why `root` cannot be a project folder, as one problem: it does not exist, is not a
    folder, or holds nothing of the workflow (none of its files, no `phase-N-*` folder: a wrong
    folder, not three missing files). None when it may be one."""
    if not root.exists():
        return Problem(str(root), "does not exist", "pass the path of a project folder (the one holding sidecar.yaml)")
    if not root.is_dir():
        return Problem(str(root), "is not a folder", "pass the project folder, not a file inside it")
    if any(os.path.lexists(root / name) for name in (SIDECAR, PROJECT_SPEC, DECISION_LOG)):
        return None
    try:
        if any(name.startswith("phase-") for name in os.listdir(root)):
            return None
    except OSError:
        return None  # reading it tells the rest
    return Problem(
        str(root),
        f"is not a workflow project (it holds no {SIDECAR}, {PROJECT_SPEC}, {DECISION_LOG} or phase folder)",
        "pass the project folder: the one the earlier phases wrote them to",
    )


def load_project(root: str | Path) -> Project:
    """Load and validate a project folder; raises `AiwfError` listing every problem."""
    root = Path(root)
    problem = folder_problem(root)
    if problem is not None:
        raise AiwfError(problem)
    root = root.resolve()
    problems: list[Problem] = []
    texts: dict[str, str] = {}
    for name in (SIDECAR, PROJECT_SPEC, DECISION_LOG):
        try:
            texts[name] = read_text(root / name, root)
        except AiwfError as exc:
            problems.extend(exc.problems)
    sidecar = data = None
    if SIDECAR in texts:
        try:
            if not texts[SIDECAR].strip():
                raise AiwfError.at(SIDECAR, "is empty", "restore it from version control or the earlier phases")
            sidecar, data = _parse_sidecar_text(texts[SIDECAR])
            if sidecar.quality_gate is None:
                raise AiwfError.at(
                    SIDECAR,
                    "quality_gate is missing",
                    "finish Phase 4: record quality_gate {decision: go | no-go | conditional, date}",
                )
        except AiwfError as exc:
            problems.extend(exc.problems)
            sidecar = None
    if not problems:
        # Every file aiwf would write must stay inside the project: a folder linked outside
        # is refused here, so check, plan, render and the app all say so before any write.
        from aiwf_tui.layout import WRITTEN_FILES
        from aiwf_tui.model.textfile import outside_problems

        problems.extend(outside_problems([root / rel for rel in WRITTEN_FILES], root))
    if problems:
        raise AiwfError(*problems)
    assert sidecar is not None
    return Project(root, sidecar, texts[SIDECAR], texts[PROJECT_SPEC], texts[DECISION_LOG], _sidecar_data=data)
