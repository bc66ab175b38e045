"""The Knowledge URL people paste (the server's `/mcp` endpoint for MCP clients) never falls
back silently, and `aiwf config show` says which knowledge source answered last and why.

Against the real HTTP server on loopback (tests/knowledge_server.py), which answers the REST
routes and, at its MCP path, what an MCP streamable-HTTP endpoint answers a plain client.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from aiwf_tui.config import resolve_knowledge_url, rest_base
from aiwf_tui.knowledge.client import KnowledgeClient, KnowledgeServerError
from aiwf_tui.knowledge.last_source import last, state_path
from aiwf_tui.knowledge.service import load_phase5_knowledge, query
from tests import json_shapes
from tests.knowledge_server import KnowledgeServer, refused_url
from tests.waiting import pilot_wait_until

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture
def server():
    with KnowledgeServer() as srv:
        yield srv


def aiwf(*args: str, **env: str) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if k != "AIWF_KNOWLEDGE_URL"}
    environment.update(NO_PROXY="127.0.0.1,localhost", no_proxy="127.0.0.1,localhost", **env)
    return subprocess.run(
        [sys.executable, "-m", "aiwf_tui", *args],
        check=False,
        capture_output=True,
        text=True,
        timeout=60,
        cwd=REPO,
        env=environment,
    )


@pytest.mark.parametrize(
    "given,base",
    [
        ("http://kb:8000/mcp", "http://kb:8000"),
        ("http://kb:8000/mcp/", "http://kb:8000"),
        ("https://kb.example.com/knowledge/mcp", "https://kb.example.com/knowledge"),
    ],
)
def test_an_mcp_url_becomes_the_rest_base_and_says_so(given, base, monkeypatch):
    assert rest_base(given)[0] == base
    monkeypatch.setenv("AIWF_KNOWLEDGE_URL", given)
    resolved = resolve_knowledge_url()
    assert (resolved.url, resolved.given) == (base, given.rstrip("/"))
    assert "/mcp" in resolved.note and "REST" in resolved.note


@pytest.mark.parametrize("url", ["http://kb:8000", "http://kb:8000/mcpserver", "http://kb/mcp/extra"])
def test_other_urls_are_kept(url, monkeypatch):
    assert rest_base(url) == (url, "")
    monkeypatch.setenv("AIWF_KNOWLEDGE_URL", url)
    assert resolve_knowledge_url().given is None


def test_the_pasted_mcp_url_answers_live(server):
    result = aiwf("knowledge", "methodologies", "drift detection", "--json", AIWF_KNOWLEDGE_URL=server.url + "/mcp")
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout)
    assert answer["status"] == "live" and answer["server"] == server.url and answer["items"]
    assert "/mcp" in answer["note"]
    assert server.calls("/get_methodologies") and not [c for c in server.calls() if c["path"].startswith("/mcp")]

    shown = aiwf("config", "show", AIWF_KNOWLEDGE_URL=server.url + "/mcp")
    assert shown.returncode == 0, shown.stderr
    assert f"knowledge url: {server.url} (from AIWF_KNOWLEDGE_URL)" in shown.stdout
    assert f"configured as {server.url}/mcp" in shown.stdout
    assert f"last answer:   Knowledge: live ({server.url})" in shown.stdout
    assert "by aiwf knowledge at " in shown.stdout


async def test_an_mcp_endpoint_elsewhere_is_recognised_by_its_answer(server):
    server.mcp_path = "/tools/knowledge-mcp"
    url = server.url + "/tools/knowledge-mcp"
    bundle = await load_phase5_knowledge(url)
    reason = f"{url} is an MCP endpoint, not the REST API aiwf speaks - use {server.url}/tools"
    assert bundle.status == "failed"
    assert {r.reason for r in bundle.results} == {reason}
    assert bundle.status_line() == f"Knowledge: embedded — server failed: {reason}"
    assert len([c for c in server.calls() if c["path"] == "/tools/knowledge-mcp"]) == 1  # asked once, not per query


async def test_the_client_alone_refuses_an_mcp_url_instead_of_reporting_404(server):
    async with KnowledgeClient(server.url + "/mcp") as client:
        with pytest.raises(KnowledgeServerError, match=r"is an MCP endpoint, not the REST API aiwf speaks - use http"):
            await client.call("get_warnings", topic="production ML")


async def test_a_rest_server_at_a_wrong_path_is_still_a_plain_404(server):
    result = await query("get_warnings", "production ML", url=server.url + "/wrong")
    assert result.status == "failed" and result.reason.startswith("HTTP 404")
    assert "MCP" not in result.reason


def test_config_show_tells_the_last_source_and_why(tmp_path):
    assert "none recorded yet" in aiwf("config", "show").stdout
    url = refused_url()
    assert aiwf("knowledge", "warnings", "production ML", AIWF_KNOWLEDGE_URL=url).returncode == 0
    recorded = last()
    assert recorded is not None and recorded.status == "failed" and recorded.command == "aiwf knowledge"
    assert state_path().is_relative_to(Path(os.environ["XDG_STATE_HOME"]))  # never the real user folder
    shown = aiwf("config", "show").stdout
    assert "last answer:   Knowledge: embedded — server failed: connection refused" in shown

    code, payload = _json("config", "show")
    assert code == 0
    config = json_shapes.SHAPES["config"].model_validate(payload)
    assert config.knowledge_url is None and config.last_answer is not None
    assert config.last_answer.status == "failed" and "connection refused" in config.last_answer.line


def _json(*args: str, **env: str) -> tuple[int, dict]:
    result = aiwf(*args, "--json", **env)
    assert result.stderr == ""
    return result.returncode, json.loads(result.stdout)


def test_knowledge_json_has_its_documented_shape(server):
    code, payload = _json("knowledge", "search", "drift", AIWF_KNOWLEDGE_URL=server.url)
    assert code == 0
    json_shapes.SHAPES["knowledge"].model_validate(payload)
    code, payload = _json("knowledge", "search", "drift", AIWF_CONFIG=str(REPO / "README.md"))  # not TOML
    assert code == 1 and "not valid TOML" in json_shapes.SHAPES["error"].model_validate(payload).error.message


def test_an_unreadable_state_file_is_no_answer():
    path = state_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("{not json", encoding="utf-8")
    assert last() is None
    assert "none recorded yet" in aiwf("config", "show").stdout


async def test_the_app_records_which_source_answered(tmp_path, server, monkeypatch):
    from tests.app_helpers import make_app
    from tests.helpers import DEMO_DIR, copy_project

    monkeypatch.setenv("AIWF_KNOWLEDGE_URL", server.url + "/mcp")
    app = make_app(copy_project(DEMO_DIR, tmp_path))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot_wait_until(pilot, lambda: last() is not None)
    recorded = last()
    assert recorded.command == "aiwf (app)" and recorded.status == "live" and recorded.server == server.url
    assert recorded.configured == server.url + "/mcp" and recorded.note
