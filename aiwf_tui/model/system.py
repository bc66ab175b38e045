"""What the earlier phases say the system is made of: vector DB, model server or external
provider, response cache, platform, retraining.

Phase 5's defaults (health checks, commands, runbook issues, contacts, token alerts,
exported metrics) include a part only when these facts say the system has it, and the
runbook's components and dependencies are suggested from them, each citing the decision
it comes from. The facts are read from the decisions' own words; nothing is assumed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

#: (pattern, name) of vector databases, self-hosted model servers, external LLM providers,
#: caches and platforms, as decisions name them.
VECTOR_DBS = (
    (r"\bqdrant\b", "Qdrant"),
    (r"\bpgvector\b", "pgvector"),
    (r"\bweaviate\b", "Weaviate"),
    (r"\bpinecone\b", "Pinecone"),
    (r"\bmilvus\b", "Milvus"),
    (r"\bchroma(db)?\b", "Chroma"),
    (r"\bopensearch\b", "OpenSearch"),
    (r"\belasticsearch\b", "Elasticsearch"),
    (r"\bfaiss\b", "FAISS"),
    (r"\bredis\s+vector", "Redis vector search"),
    (r"\bvespa\b", "Vespa"),
    (r"\blancedb\b", "LanceDB"),
)
MODEL_SERVERS = (
    (r"\bvllm\b", "vLLM"),
    (r"\btgi\b|text-generation-inference", "TGI"),
    (r"\btriton\b", "Triton"),
    (r"\bollama\b", "Ollama"),
    (r"llama\.cpp", "llama.cpp"),
    (r"\bsagemaker\b", "SageMaker endpoint"),
    (r"\bray serve\b", "Ray Serve"),
    (r"\bkserve\b", "KServe"),
    (r"\bsglang\b", "SGLang"),
)
PROVIDERS = (
    (r"\bazure openai\b", "Azure OpenAI"),
    (r"\bopenai\b|\bgpt-[0-9o]", "OpenAI"),
    (r"\banthropic\b|\bclaude\b", "Anthropic"),
    (r"\bbedrock\b", "Amazon Bedrock"),
    (r"\bvertex\b|\bgemini\b", "Google Vertex AI"),
    (r"\bcohere\b", "Cohere"),
    (r"\bmistral api\b", "Mistral"),
)
CACHES = ((r"\bredis\b", "Redis"), (r"\bmemcached\b", "Memcached"), (r"\bgptcache\b", "GPTCache"))
PLATFORMS = (
    (r"\baks\b", "AKS"),
    (r"\beks\b", "EKS"),
    (r"\bgke\b", "GKE"),
    (r"\becs\b|\bfargate\b", "ECS Fargate"),
    (r"\bkubernetes\b|\bk8s\b", "Kubernetes"),
    (r"\bcloud run\b", "Cloud Run"),
    (r"\blambda\b", "AWS Lambda"),
)
NEGATION = re.compile(r"^\s*(no|without|none)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Part:
    """A part of the system and the decision that names it (`ip-002: Redis semantic cache ...`)."""

    name: str
    decision: str  # the decision id, e.g. ip-002
    choice: str

    @property
    def source(self) -> str:
        return f"sidecar.yaml {self.decision}"


@dataclass(frozen=True)
class SystemFacts:
    """The parts the earlier decisions name (None: the system has none)."""

    retrieves: bool
    trains: bool
    vector_db: Part | None = None
    model_server: Part | None = None
    provider: Part | None = None
    cache: Part | None = None
    platform: Part | None = None
    embedding: Part | None = None
    sources: tuple[str, ...] = field(default=())


def _first(decisions: list[Any], table: tuple[tuple[str, str], ...], prefixes: tuple[str, ...]) -> Part | None:
    for decision in decisions:
        if not decision.id.startswith(prefixes) or NEGATION.match(decision.choice or ""):
            continue
        for pattern, name in table:
            if re.search(pattern, decision.choice or "", re.IGNORECASE):
                return Part(name, decision.id, " ".join((decision.choice or "").split()))
    return None


def system_facts(project: Any) -> SystemFacts:
    """The facts for `project` (an architecture-only view when it has no decisions)."""
    decisions = list(getattr(project, "earlier_decisions", []) or [])
    retrieves, trains = bool(project.retrieves), bool(project.trains)
    serving = ("ip-",)
    cache = None
    for decision in decisions:
        text = decision.choice or ""
        if decision.id.startswith(serving) and "cache" in text.lower() and not NEGATION.match(text):
            match = next(
                (name for pattern, name in CACHES if re.search(pattern, text, re.IGNORECASE)), "Response cache"
            )
            cache = Part(match, decision.id, " ".join(text.split()))
            break
    embedding = None
    if retrieves:
        embedding = next(
            (
                Part(d.choice.split()[0].rstrip(",;:"), d.id, " ".join(d.choice.split()))
                for d in decisions
                if d.id.startswith("fp-")
                and re.search(r"embed|\bdims?\b|\be5\b|\bbge\b", d.choice or "", re.IGNORECASE)
            ),
            None,
        )
    return SystemFacts(
        retrieves=retrieves,
        trains=trains,
        vector_db=_first(decisions, VECTOR_DBS, ("fp-", "ip-", "arch-")) if retrieves else None,
        model_server=_first(decisions, MODEL_SERVERS, serving),
        provider=_first(decisions, PROVIDERS, serving),
        cache=cache,
        platform=_first(decisions, PLATFORMS, serving),
        embedding=embedding,
    )


def _label(part: Part, kind: str) -> str:
    """`Qdrant (vector DB)`: a component name without ':' (the 'Name: purpose' separator)."""
    return f"{part.name} ({kind})".replace(":", " ")


def _described(parts: list[tuple[Part | None, str, str]]) -> tuple[list[str], list[str]]:
    """(`Name (kind): text` lines, their decisions) for the parts the earlier phases name."""
    named = [(part, kind, text) for part, kind, text in parts if part is not None]
    return [f"{_label(part, kind)}: {text}" for part, kind, text in named], [part.decision for part, _, _ in named]


def component_lines(facts: SystemFacts, project_name: str) -> tuple[list[str], list[str]]:
    """(`Name: purpose` lines, sources) for the runbook's key components."""
    first = f"{project_name} API: answers requests end to end".replace(":", " ", project_name.count(":"))
    lines, sources = _described(
        [
            (facts.vector_db, "vector DB", "stores and searches the document embeddings"),
            (facts.embedding, "embeddings", "turns queries and documents into vectors"),
            (facts.model_server, "model server", "serves the self-hosted model"),
            (facts.provider, "LLM provider", "generates the answers"),
            (facts.cache, "cache", "answers repeated questions without a model call"),
            (facts.platform, "platform", "runs the service"),
        ]
    )
    return [first, *lines], sources


def dependency_lines(facts: SystemFacts) -> tuple[list[str], list[str]]:
    """(`Name: what breaks` lines, sources) for the runbook's dependencies."""
    return _described(
        [
            (facts.provider, "LLM provider", "no answers are generated; requests fail or time out"),
            (facts.model_server, "model server", "no answers are generated; requests fail or time out"),
            (facts.vector_db, "vector DB", "retrieval fails; answers lose their grounding"),
            (facts.embedding, "embeddings", "queries cannot be embedded; retrieval fails"),
            (facts.cache, "cache", "every request reaches the model: latency and cost rise"),
            (facts.platform, "platform", "the service is down"),
        ]
    )
