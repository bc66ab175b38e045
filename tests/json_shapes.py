"""The shape of each verb's `--json` object, as docs/json.md documents it.

Every model forbids unknown keys and requires every key, so an object that validates has
exactly the documented keys; the tests validate both the real output and the examples in
docs/json.md against these models.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class Shape(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


SHA256 = Field(pattern=r"^[0-9a-f]{64}$")


class Problem(Shape):
    text: str
    path: str | None
    line: int | None
    column: int | None
    message: str
    fix: str


class ErrorBody(Shape):
    verb: str
    exit_code: int
    message: str
    problems: list[Problem]


class Error(Shape):
    error: ErrorBody


class Phase(Shape):
    number: int
    status: str


class Gate(Shape):
    decision: str
    date: str | None
    conditions: list[str]
    blockers: list[str]


class DecisionCounts(Shape):
    earlier: int
    operations: int


class FilePresence(Shape):
    path: str
    present: bool


class Revisit(Shape):
    number: int
    name: str


class Check(Shape):
    project: str
    path: str
    status: Literal["ready", "complete", "no_go"]
    message: str
    architecture: str
    retrieves: bool
    trains: bool
    steps_completed: list[int]
    phases: list[Phase]
    gate: Gate
    decisions: DecisionCounts
    phase5_files: list[FilePresence]
    revisit_phase: Revisit | None


class RenderedFile(Shape):
    path: str
    sha256: str = SHA256
    bytes: int
    changed: bool


class Render(Shape):
    project: str
    plan: str
    dry_run: bool
    files: list[RenderedFile]
    written: list[str]
    diff: str


class ExportedFile(Shape):
    path: str
    bytes: int


class Export(Shape):
    format: Literal["archive", "prometheus", "grafana", "prometheus-operator"]
    dry_run: bool
    output: str
    size: int | None
    manifest_sha256: str | None = Field(pattern=r"^[0-9a-f]{64}$")
    files: list[ExportedFile]


class ValidateCheck(Shape):
    name: str
    tool: str | None
    version: str | None
    status: Literal["PASS", "FAIL", "SKIP"]
    seconds: float
    output: str
    detail: str
    cached: bool


class Validate(Shape):
    checks: list[ValidateCheck]
    passed: bool


#: docs/json.md section -> its shape
class DrillAlert(Shape):
    name: str
    fired: bool
    seconds: float | None
    receiver: str | None
    expected_receiver: str
    runbook_url_ok: bool | None
    inhibited: bool | None
    expected_inhibited: bool | None
    severity: str
    note: str


class Drill(Shape):
    alerts: list[DrillAlert]
    passed: bool
    time_factor: float
    seconds: float


SHAPES: dict[str, type[Shape]] = {
    "error": Error,
    "check": Check,
    "render": Render,
    "export": Export,
    "drill": Drill,
    "validate": Validate,
}


class KnowledgeItem(Shape):
    kind: Literal["methodology", "warning"]
    id: str
    title: str
    summary: str
    steps: list[str]
    prerequisites: list[str]
    outputs: list[str]
    symptoms: list[str]
    consequences: list[str]
    prevention: str
    topics: list[str]
    source_title: str
    origin: Literal["server", "embedded"]
    degraded: bool


class Knowledge(Shape):
    endpoint: Literal["get_methodologies", "get_warnings", "search_knowledge"]
    topic: str
    ref: str
    items: list[KnowledgeItem]
    origin: Literal["server", "embedded"]
    status: Literal["live", "embedded", "failed"]
    reason: str
    via: str
    server: str
    elapsed_ms: int
    status_line: str
    note: str


class LastAnswer(Shape):
    at: str
    command: str
    status: Literal["live", "embedded", "failed"]
    server: str
    line: str
    configured: str
    note: str


class Config(Shape):
    config_file: str
    config_file_exists: bool
    knowledge_url: str | None
    knowledge_url_source: str
    configured_url: str | None
    note: str
    api_key_set: bool
    state_file: str
    last_answer: LastAnswer | None


SHAPES.update(knowledge=Knowledge, config=Config)


class Section(Shape):
    key: str
    title: str
    status: Literal["draft", "confirmed"]


class OpenItem(Shape):
    path: str
    section: str
    question: str
    kind: Literal["text", "lines", "url", "email", "number", "duration", "choice", "bool"]
    choices: list[str]
    suggestion: str | None
    source: str | None
    reasoning: str | None
    guidance: str


class Plan(Shape):
    project: str
    plan: str
    created: bool
    answered: list[str]
    confirmed: list[str]
    sections: list[Section]
    open: list[OpenItem]


class Todo(Shape):
    project: str
    plan: str
    plan_exists: bool
    open: list[OpenItem]
    sections: list[Section]
    complete: bool


SHAPES.update(plan=Plan, todo=Todo)
