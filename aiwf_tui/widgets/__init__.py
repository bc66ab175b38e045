"""Reusable widgets: editable table, answer field, editor bar, sidebar, preview, decisions table."""
