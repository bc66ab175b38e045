"""One view per Phase 5 section (widgets mounted by the workflow screen, not Screens)."""
