"""Phase 5 artifacts: each a pure function of (project, plan).

`artifacts.render_all` renders every file, `artifacts.write_artifacts` checks and
writes them all-or-nothing. Modules are imported lazily by their users so the app
starts without Jinja2.
"""
