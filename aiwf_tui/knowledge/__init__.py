"""Knowledge server client and the embedded knowledge base (no Textual or Rich imports).

Main entry points::

    from aiwf_tui.knowledge import load_phase5_knowledge, query, PHASE5_QUERIES
    bundle = await load_phase5_knowledge(url, api_key)      # KnowledgeBundle
    bundle.status_line(); bundle.items_for("get_methodologies:drift-detection")
    result = await query("get_warnings", "production ML", url=url, api_key=key)
"""

from aiwf_tui.knowledge.models import KnowledgeItem, KnowledgeRef, knowledge_ref, slugify
from aiwf_tui.knowledge.service import (
    PHASE5_QUERIES,
    KnowledgeBundle,
    Phase5Query,
    QueryResult,
    load_phase5_knowledge,
    query,
)

__all__ = [
    "PHASE5_QUERIES",
    "KnowledgeBundle",
    "KnowledgeItem",
    "KnowledgeRef",
    "Phase5Query",
    "QueryResult",
    "knowledge_ref",
    "load_phase5_knowledge",
    "query",
    "slugify",
]
