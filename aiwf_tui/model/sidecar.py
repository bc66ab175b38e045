"""The sidecar: the workflow's state file (`sidecar.yaml`).

Two layouts exist in real projects (the step file's 7-step layout and the later
template with `workflow_status`, `metadata`, per-decision `phase`/`date`), and
people add keys of their own, so unknown keys are always allowed and kept.
"""

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from aiwf_tui.errors import AiwfError, Problem
from aiwf_tui.model.fields import new_dict, new_list

Architecture = Literal["rag-only", "fine-tuning", "hybrid"]
GateDecision = Literal["go", "no-go", "conditional"]

#: The string form of `quality_gate` (step-06 section 11) mapped onto the mapping form.
GATE_STRING_FORMS: dict[str, GateDecision] = {
    "passed": "go",
    "pass": "go",
    "go": "go",
    "blocked": "no-go",
    "no-go": "no-go",
    "nogo": "no-go",
    "no_go": "no-go",
    "conditional": "conditional",
}


class SidecarDecision(BaseModel):
    """A decision summary as the sidecar records it (ids are lower-case here)."""

    model_config = ConfigDict(extra="allow")

    id: str
    choice: str = ""
    rationale: str = ""
    knowledge_ref: str | None = None
    phase: int | None = None
    date: str | None = None

    @field_validator("id")
    @classmethod
    def _id_shape(cls, value: str) -> str:
        value = value.strip()
        if not value:
            raise ValueError("a decision id must not be empty")
        return value

    @field_validator("choice", "rationale", mode="before")
    @classmethod
    def _none_is_empty(cls, value: Any) -> Any:
        return "" if value is None else value


class QualityGate(BaseModel):
    """The Phase 4 quality gate: GO / CONDITIONAL let Phase 5 start, NO-GO does not."""

    model_config = ConfigDict(extra="allow")

    decision: GateDecision
    date: str | None = None
    conditions: list[str] = Field(default_factory=new_list)
    blockers: list[str] = Field(default_factory=new_list)

    @field_validator("decision", mode="before")
    @classmethod
    def _normalise(cls, value: Any) -> Any:
        if isinstance(value, str):
            key = value.strip().lower()
            if key in GATE_STRING_FORMS:
                return GATE_STRING_FORMS[key]
        return value

    @field_validator("conditions", "blockers", mode="before")
    @classmethod
    def _none_is_empty(cls, value: Any) -> Any:
        return [] if value is None else value


class Sidecar(BaseModel):
    """The fields of sidecar.yaml that Phase 5 reads; everything else is kept as is."""

    model_config = ConfigDict(extra="allow")

    project_name: str
    created: str | None = None
    user_name: str | None = None
    architecture: Architecture | None = None
    currentPhase: int | None = None
    stepsCompleted: list[int] = Field(default_factory=new_list)
    workflow_status: str | None = None
    completed_date: str | None = None
    decisions: list[SidecarDecision] = Field(default_factory=new_list)
    quality_gate: QualityGate | None = None
    phases: dict[str, str | None] = Field(default_factory=new_dict)
    warnings_acknowledged: list[dict[str, Any]] | None = None

    @field_validator("quality_gate", mode="before")
    @classmethod
    def _gate_string_form(cls, value: Any) -> Any:
        if isinstance(value, str):
            return {"decision": value}
        return value

    @field_validator("architecture", mode="before")
    @classmethod
    def _architecture_case(cls, value: Any) -> Any:
        if isinstance(value, str):
            return value.strip().lower().replace("_", "-").replace(" ", "-")
        return value

    @field_validator("decisions", "stepsCompleted", mode="before")
    @classmethod
    def _none_is_empty_list(cls, value: Any) -> Any:
        return [] if value is None else value

    @field_validator("phases", mode="before")
    @classmethod
    def _none_is_empty_map(cls, value: Any) -> Any:
        return {} if value is None else value


#: What to tell the user for each field that can be wrong.
_FIELD_FIXES: dict[str, str] = {
    "project_name": 'set project_name to the project folder\'s name, e.g. project_name: "my-project"',
    "architecture": "set architecture to rag-only, fine-tuning or hybrid (decided in Phase 0)",
    "currentPhase": "set currentPhase to a phase number, e.g. currentPhase: 5",
    "stepsCompleted": "write stepsCompleted as a list of step numbers, e.g. stepsCompleted: [1, 2, 3, 4, 5, 6]",
    "decisions": 'write decisions as a list of entries, each "- id: ...", with choice, rationale and knowledge_ref',
    "quality_gate": "write quality_gate as a mapping {decision: go | no-go | conditional, date, conditions}",
    "phases": "write phases as a mapping, e.g. phase_0_scoping: complete",
    "warnings_acknowledged": "write warnings_acknowledged as a list of mappings",
}


def _describe(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def parse_sidecar(data: Any, shown: str, key_lines: dict[str, int] | None = None) -> Sidecar:
    """Validate plain sidecar data, turning pydantic's errors into one line per field."""
    if data is None:
        raise AiwfError.at(shown, "is empty", "restore it from version control or the earlier phases")
    if not isinstance(data, dict):
        raise AiwfError.at(
            shown,
            f"must be a YAML mapping of keys, not {type(data).__name__}",
            "restore the sidecar's key: value layout",
        )
    try:
        return Sidecar.model_validate(data)
    except ValidationError as exc:
        problems: list[Problem] = []
        seen: set[str] = set()
        for err in exc.errors():
            loc = [str(p) for p in err["loc"]]
            top = loc[0] if loc else ""
            if top in seen:
                continue
            seen.add(top)
            field = ".".join(loc)
            value = data.get(top) if isinstance(data, dict) else None
            if err["type"] == "missing":
                message = f"{field} is missing"
            else:
                message = f"{field} is invalid ({err['msg'].lower()}; got {_describe(err.get('input', value))})"
            fix = _FIELD_FIXES.get(top, "correct the value")
            line = (key_lines or {}).get(top)
            problems.append(Problem(shown, message, fix, line))
        raise AiwfError(*problems) from None
