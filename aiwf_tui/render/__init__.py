"""Phase 5 artifacts: each a pure function of (project, plan) that returns text.

`artifacts.render_all` renders every file and `artifacts.check_artifacts` checks them;
nothing here reads or writes the disk (`aiwf_tui.publish` diffs and writes). Modules are
imported lazily by their users so the app starts without Jinja2.
"""
