"""pydantic's plugin loader, imported only when plugins are enabled.

pydantic imports its plugin loader (`pydantic.plugin._loader`) to build the first model,
and the loader imports `importlib.metadata`, with email, zipfile and csv (~7 ms of every
`aiwf` command), even when `PYDANTIC_DISABLE_PLUGINS` (which `aiwf` sets unless told
otherwise) means that it will look for no plugin at all. `install` puts a stand-in in its
place: it answers "no plugins" where the loader itself would, on the same test of that
variable, and hands everything else over to the real loader, imported then.
"""

from __future__ import annotations

import importlib
import os
import sys
from types import ModuleType
from typing import Any

LOADER = "pydantic.plugin._loader"
#: The values of PYDANTIC_DISABLE_PLUGINS for which pydantic's loader returns no plugin
#: without reading any distribution's metadata.
DISABLED = ("__all__", "1", "true")


class _StandIn(ModuleType):
    """`pydantic.plugin._loader` until something other than "no plugins" is asked of it."""

    def get_plugins(self) -> Any:
        if os.environ.get("PYDANTIC_DISABLE_PLUGINS") in DISABLED:
            return ()
        return real_loader().get_plugins()

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        return getattr(real_loader(), name)


def real_loader() -> ModuleType:
    """pydantic's own loader (in place of the stand-in from now on)."""
    if isinstance(sys.modules.get(LOADER), _StandIn):
        del sys.modules[LOADER]
    return importlib.import_module(LOADER)


def install() -> None:
    """Stand in for pydantic's plugin loader, unless pydantic has already imported it."""
    if LOADER not in sys.modules:
        sys.modules[LOADER] = _StandIn(LOADER)
