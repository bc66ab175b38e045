"""Which metric profile the earlier decisions point to (`metrics.profile` in the plan).

Only what the project states counts, and the suggestion names the decision it comes from:

- a decision that serves the model with vLLM (a self-hosted inference server) suggests `vllm`;
- a decision that instruments calls with OpenTelemetry suggests `opentelemetry-genai`;
- otherwise `aiwf`: the service exports the metrics under aiwf's own names.

The engineer confirms it like any other answer (it is prefilled in the Monitoring section).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from aiwf_tui.model.project import Project

_VLLM_RE = re.compile(r"\bvllm\b", re.IGNORECASE)
_OTEL_RE = re.compile(r"\bopen\s*telemetry\b|\botel\b", re.IGNORECASE)


@dataclass(frozen=True)
class ProfileSuggestion:
    """The suggested profile, the decision it comes from (None: no decision names one) and why."""

    profile: str
    source: str | None
    reasoning: str


def suggest_profile(project: Project) -> ProfileSuggestion:
    """The metric profile the project's earlier decisions suggest."""
    decisions = list(getattr(project, "earlier_decisions", []) or [])
    for decision in decisions:
        if _VLLM_RE.search(f"{decision.choice} {decision.rationale}"):
            return ProfileSuggestion(
                "vllm",
                decision.id.upper(),
                f"{decision.id.upper()} serves the model with vLLM, which exports vllm:* metrics itself",
            )
    for decision in decisions:
        if _OTEL_RE.search(f"{decision.choice} {decision.rationale}"):
            return ProfileSuggestion(
                "opentelemetry-genai",
                decision.id.upper(),
                f"{decision.id.upper()} instruments the LLM calls with OpenTelemetry (GenAI client metrics)",
            )
    return ProfileSuggestion(
        "aiwf",
        None,
        "no earlier decision names vLLM or OpenTelemetry: the service exports aiwf's metric names itself",
    )


__all__ = ["ProfileSuggestion", "suggest_profile"]
