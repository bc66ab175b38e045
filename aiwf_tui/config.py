"""User configuration: where it lives and how the Knowledge server URL is chosen.

The config file is TOML (read with the standard library's ``tomllib``) at
``platformdirs.user_config_path("aiwf") / "config.toml"``; ``aiwf config path`` prints it.
The environment variable ``AIWF_CONFIG`` points at another file (tests use it so that no user
config leaks in). Example::

    [knowledge]
    url = "http://localhost:8000"

The Knowledge API key is deliberately *not* read from the file: it comes only from the
``AIWF_KNOWLEDGE_API_KEY`` environment variable and is never logged or written anywhere.

No Textual or Rich imports: the CLI and the tests use this module headless.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import platformdirs

__all__ = [
    "APP_NAME",
    "CONFIG_ENV",
    "KNOWLEDGE_API_KEY_ENV",
    "KNOWLEDGE_URL_ENV",
    "ConfigError",
    "KnowledgeUrl",
    "config_path",
    "knowledge_api_key",
    "knowledge_url",
    "load_config",
    "resolve_knowledge_url",
    "rest_base",
]

APP_NAME = "aiwf"
CONFIG_ENV = "AIWF_CONFIG"
KNOWLEDGE_URL_ENV = "AIWF_KNOWLEDGE_URL"
KNOWLEDGE_API_KEY_ENV = "AIWF_KNOWLEDGE_API_KEY"


class ConfigError(Exception):
    """The user config file exists but cannot be read or has the wrong shape (one-line message)."""


@dataclass(frozen=True)
class KnowledgeUrl:
    """A resolved Knowledge server URL and where it came from.

    ``url`` is ``None`` when no server is configured. ``source`` is ``"--knowledge-url"``,
    ``"AIWF_KNOWLEDGE_URL"``, the config file path, or ``"none"``.
    """

    url: str | None
    source: str
    given: str | None = None  # the URL as configured, when `url` was derived from it
    note: str = ""  # why `url` differs from `given`


def rest_base(url: str) -> tuple[str, str]:
    """The REST base for a Knowledge URL, and a note when it is not the URL itself.

    The Knowledge server publishes ``<base>/mcp`` for MCP clients, and that is the URL people
    paste; aiwf speaks the server's REST API, whose routes (``/get_methodologies``, ...) hang
    off ``<base>``. So a URL whose path ends in ``/mcp`` becomes ``<base>``, and says so.
    """
    parts = urlsplit(url)
    path = parts.path.rstrip("/")
    if not path.lower().endswith("/mcp"):
        return url, ""
    base = urlunsplit((parts.scheme, parts.netloc, path[: -len("/mcp")], parts.query, "")).rstrip("/")
    return base, "the URL ends in /mcp, the server's endpoint for MCP clients: aiwf uses its REST API at the base URL"


def config_path() -> Path:
    """Path of the user config file (it need not exist)."""
    override = os.environ.get(CONFIG_ENV, "").strip()
    if override:
        return Path(override).expanduser()
    return platformdirs.user_config_path(APP_NAME, appauthor=False) / "config.toml"


LOG_ENV = "AIWF_LOG"


def log_path() -> Path:
    """Where `aiwf --debug` writes its log (``AIWF_LOG=FILE`` names another file and turns it on)."""
    override = os.environ.get(LOG_ENV, "").strip()
    if override:
        return Path(override).expanduser()
    return platformdirs.user_log_path(APP_NAME, appauthor=False) / "aiwf.log"


def start_log(path: Path) -> None:
    """Append aiwf's log records (and the libraries' warnings) to `path`, for a bug report."""
    import logging  # here: only a debug run pays for it

    path.parent.mkdir(parents=True, exist_ok=True)
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(logging.WARNING)
    logging.getLogger("aiwf").setLevel(logging.DEBUG)
    logging.getLogger("aiwf_tui").setLevel(logging.DEBUG)


def template_cache_dir() -> Path | None:
    """Where `aiwf` keeps compiled templates (the user cache folder); None when
    AIWF_NO_TEMPLATE_CACHE is set (the test suite sets it)."""
    if os.environ.get("AIWF_NO_TEMPLATE_CACHE"):
        return None
    return platformdirs.user_cache_path(APP_NAME, appauthor=False) / "templates"


def load_config(path: Path | None = None) -> dict[str, Any]:
    """Read the config file; a missing file is an empty config.

    Raises ConfigError for a file that is unreadable or not valid TOML.
    """
    import tomllib  # here, not at the top: `aiwf render` needs only template_cache_dir (~6 ms saved)

    path = config_path() if path is None else path
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return {}
    except OSError as exc:
        raise ConfigError(f"cannot read config file {path}: {exc.strerror or exc}") from None
    try:
        return tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise ConfigError(f"config file {path} is not UTF-8 text") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"config file {path} is not valid TOML: {exc}") from None


def _normalise_url(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    value = value.strip().rstrip("/")
    return value or None


def resolve_knowledge_url(cli_value: str | None = None) -> KnowledgeUrl:
    """Pick the Knowledge server URL: ``--knowledge-url`` > ``AIWF_KNOWLEDGE_URL`` > config file.

    Empty values count as unset. The config file is only read when neither the CLI nor the
    environment gives a URL, so a broken file does not get in the way of an explicit URL.
    Raises ConfigError when the file has to be read and is broken, or ``[knowledge] url``
    is not a string.
    """
    url = _normalise_url(cli_value)
    if url:
        return _knowledge_url(url, "--knowledge-url")
    url = _normalise_url(os.environ.get(KNOWLEDGE_URL_ENV))
    if url:
        return _knowledge_url(url, KNOWLEDGE_URL_ENV)
    path = config_path()
    data = load_config(path)
    section = data.get("knowledge", {})
    value: object = None
    if isinstance(section, dict):
        value = section.get("url")
    if value is None:
        value = data.get("knowledge_url")  # flat form, also accepted
    if value is not None and not isinstance(value, str):
        raise ConfigError(f"config file {path}: knowledge url must be a string")
    url = _normalise_url(value)
    if url:
        return _knowledge_url(url, str(path))
    return KnowledgeUrl(None, "none")


def _knowledge_url(url: str, source: str) -> KnowledgeUrl:
    base, note = rest_base(url)
    return KnowledgeUrl(base, source, url, note) if note else KnowledgeUrl(url, source)


def knowledge_url(cli_value: str | None = None) -> str | None:
    """The Knowledge server URL (CLI > env > config file), or None when none is configured."""
    return resolve_knowledge_url(cli_value).url


def knowledge_api_key() -> str | None:
    """The optional API key from ``AIWF_KNOWLEDGE_API_KEY`` (sent as ``X-API-Key``; never logged)."""
    key = os.environ.get(KNOWLEDGE_API_KEY_ENV, "").strip()
    return key or None


def user_keymap(data: dict[str, Any], path: Path | None = None) -> dict[str, str]:
    """The ``[keymap]`` table: binding id -> keys (``"section.next" = "right,n"``), for Textual's keymap.

    Raises ConfigError naming the entry when a value is not a string of keys.
    """
    table = data.get("keymap", {})
    where = path or config_path()
    if not isinstance(table, dict):
        raise ConfigError(f'config file {where}: [keymap] must be a table of binding id = "keys"')
    keymap: dict[str, str] = {}
    for binding_id, keys in table.items():
        if not isinstance(keys, str) or not keys.strip():
            raise ConfigError(f'config file {where}: keymap {binding_id!r} must be keys in quotes, like "ctrl+n"')
        keymap[str(binding_id)] = keys.strip()
    return keymap


THEME_NAME = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


def user_theme(data: dict[str, Any]) -> str | None:
    """The theme saved in ``[ui] theme`` (None: Textual's default)."""
    section = data.get("ui", {})
    value = section.get("theme") if isinstance(section, dict) else None
    return value if isinstance(value, str) and THEME_NAME.match(value) else None


def save_theme(name: str, path: Path | None = None) -> None:
    """Keep the chosen theme in ``[ui] theme``, leaving every other line of the file as it is."""
    if not THEME_NAME.match(name):
        raise ConfigError(f"theme name {name!r} is not a plain name")
    path = config_path() if path is None else path
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        text = ""
    lines = text.splitlines()
    setting = f'theme = "{name}"'
    section = None
    for number, line in enumerate(lines):
        stripped = line.strip()
        if stripped.startswith("["):
            if section == "ui":  # [ui] had no theme line: add one at its end
                lines.insert(number, setting)
                break
            section = stripped.strip("[] ")
        elif section == "ui" and re.match(r"theme\s*=", stripped):
            lines[number] = setting
            break
    else:
        if section == "ui":
            lines.append(setting)
        else:
            lines += ([""] if lines else []) + ["[ui]", setting]
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text("\n".join(lines) + "\n", encoding="utf-8")
    os.replace(tmp, path)
