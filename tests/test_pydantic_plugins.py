"""The stand-in for pydantic's plugin loader: no plugin lookup (nor importlib.metadata) while
plugins are disabled, pydantic's own loader as soon as they are not."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

PROBE = """
import os, sys
from aiwf_tui.pydantic_plugins import install
install()
from pydantic import BaseModel

class Row(BaseModel):
    x: int = 0

assert Row.model_validate({"x": 3}).x == 3
from pydantic.plugin._loader import get_plugins
print(type(sys.modules["pydantic.plugin._loader"]).__name__, "importlib.metadata" in sys.modules, list(get_plugins()))
"""


@pytest.mark.parametrize(
    "setting,loader,metadata",
    [
        ("__all__", "_StandIn", "False"),
        ("1", "_StandIn", "False"),
        ("", "module", "True"),
        ("logfire", "module", "True"),
    ],
)
def test_the_real_loader_is_imported_only_when_plugins_are_enabled(setting, loader, metadata):
    env = {**os.environ, "PYDANTIC_DISABLE_PLUGINS": setting}
    result = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, timeout=120, env=env)
    assert result.stdout.split() == [loader, metadata, "[]"], result.stdout + result.stderr


def test_a_command_run_as_the_program_reads_no_distribution_metadata(fixture_copy):
    root = fixture_copy("support-rag-bot")
    probe = (
        "import atexit, sys; from aiwf_tui import cli; "
        "atexit.register(lambda: print('importlib.metadata' in sys.modules, 'pydantic' in sys.modules)); "
        f"sys.argv = ['aiwf', 'check', {str(root)!r}]; cli.main()"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == "False True", result.stdout + result.stderr
