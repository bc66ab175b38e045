"""aiwf-tui: Phase 5 (Operations) of the AI Engineering Workflow, as a keyboard-driven TUI."""

__version__ = "0.1.0"
