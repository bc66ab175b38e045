"""Knowledge client, fallbacks, embedded knowledge base, safe text, config and the CLI verbs.

Most tests run against ``knowledge_server.KnowledgeServer``: a real HTTP server on
127.0.0.1 serving the canned answers in tests/fixtures/knowledge/ with the real server's exact-tag filter, switched into
fault modes per test. No test measures time: the budget is asserted through what the client
did (the timeout its reason names, the waits it slept, the requests the server saw).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import re
import subprocess
import sys
from types import SimpleNamespace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

try:
    from knowledge_server import FIXTURES, KnowledgeServer, refused_url
except ImportError:  # tests/ imported as a package
    from tests.knowledge_server import FIXTURES, KnowledgeServer, refused_url

from aiwf_tui import config as aiwf_config
from aiwf_tui.commands import config as config_cmd
from aiwf_tui.commands import knowledge as knowledge_cmd
from aiwf_tui.knowledge import PHASE5_QUERIES, KnowledgeBundle, embedded, load_phase5_knowledge, query
from aiwf_tui.knowledge.client import Deadline, KnowledgeClient, KnowledgeServerError
from aiwf_tui.knowledge.models import KnowledgeItem, KnowledgeRef, item_from_raw, knowledge_ref, slugify
from aiwf_tui.knowledge.service import display_url
from aiwf_tui.safetext import clean_text
from tests.helpers import REPO, examples

CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
API_KEY = "sekret-key-7f3a9"


@pytest.fixture
def waits(monkeypatch) -> list[float]:
    """Every wait the Knowledge client sleeps (it still sleeps them)."""
    from aiwf_tui.knowledge import client as client_module

    slept: list[float] = []
    real = client_module.asyncio

    async def sleep(seconds, *args, **kwargs):
        slept.append(seconds)
        return await real.sleep(seconds, *args, **kwargs)

    monkeypatch.setattr(client_module, "asyncio", SimpleNamespace(**{**vars(real), "sleep": sleep}))
    return slept


@pytest.fixture
def server():
    with KnowledgeServer() as srv:
        yield srv


def _assert_clean(text: str) -> None:
    assert "\x1b" not in text
    assert not CONTROL.search(text), repr(text)


def _all_text(item: KnowledgeItem) -> list[str]:
    return [
        item.title,
        item.summary,
        item.prevention,
        item.source_title,
        item.id,
        *item.steps,
        *item.prerequisites,
        *item.outputs,
        *item.symptoms,
        *item.consequences,
        *item.topics,
    ]


# --------------------------------------------------------------------------- safe text
#: The bidirectional formatting characters clean_text removes (ALM, LRM, RLM, LRE..RLO, LRI..PDI).
BIDI_CONTROLS = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"


class TestCleanText:
    def test_removes_escape_sequences_and_controls(self):
        raw = "a\x1b]52;c;aGFja2Vk\x07b\x1b[2Jc\x1b[31mred\x1b[0m\x9b2Jd\x1b]0;title\x1b\\e\x00\x7f\x85f"
        assert clean_text(raw) == "abcreddef"

    def test_keeps_newline_tab_and_markup(self):
        assert clean_text("[bold]x[/bold]\n\t[@click=app.quit]q[/]") == "[bold]x[/bold]\n\t[@click=app.quit]q[/]"

    def test_carriage_returns_become_newlines(self):
        assert clean_text("one\r\ntwo\rthree") == "one\ntwo\nthree"

    def test_unterminated_osc_and_lone_escape(self):
        assert clean_text("ok\x1b]52;c;AAAA") == "ok"
        assert clean_text("x\x1b") == "x"

    def test_lone_surrogate_removed(self):
        assert clean_text("a\ud800b") == "ab"

    def test_none_and_non_strings(self):
        assert clean_text(None) == ""
        assert clean_text(42) == "42"

    def test_truncation(self):
        assert clean_text("hello world this is long", 12) == "hello world…"
        assert clean_text("abcdefghij", 5) == "abcd…"
        assert clean_text("short", 10) == "short"
        assert clean_text("abc", 1) == "…"
        assert clean_text("abc", 0) == ""

    @settings(max_examples=examples(300), deadline=None)
    @given(
        st.text(alphabet=st.characters(codec="utf-8") | st.sampled_from("\x1b\x07\x9b\x9d\r[]")),
        st.one_of(st.none(), st.integers(min_value=0, max_value=50)),
    )
    def test_property_never_leaves_controls(self, text, max_len):
        out = clean_text(text, max_len)
        _assert_clean(out)
        if max_len is not None:
            assert len(out) <= max_len

    @settings(max_examples=examples(200), deadline=None)
    @given(st.text(alphabet=st.characters(blacklist_categories=("Cc", "Cs"), blacklist_characters=BIDI_CONTROLS)))
    def test_property_plain_text_unchanged(self, text):
        """Text without controls comes back as it was (bidi controls are removed on purpose:
        they reorder what a terminal shows, as in Trojan Source)."""
        assert clean_text(text) == text


# --------------------------------------------------------------------------- models
class TestModels:
    def test_phase5_queries_and_refs(self):
        assert [(q.endpoint, q.topic, q.ref) for q in PHASE5_QUERIES] == [
            ("get_methodologies", "drift detection", "get_methodologies:drift-detection"),
            ("get_methodologies", "MLOps monitoring", "get_methodologies:mlops-monitoring"),
            ("get_methodologies", "data drift", "get_methodologies:data-drift"),
            ("get_warnings", "production ML", "get_warnings:production-ml"),
        ]

    def test_knowledge_ref_type(self):
        from pydantic import TypeAdapter, ValidationError

        adapter = TypeAdapter(KnowledgeRef)
        assert adapter.validate_python("get_methodologies:drift-detection")
        with pytest.raises(ValidationError):
            adapter.validate_python("get methodologies: Drift")
        assert slugify("  MLOps  monitoring!") == "mlops-monitoring"
        assert knowledge_ref("get_warnings", "production ML") == "get_warnings:production-ml"

    def test_degraded_fixture_items(self):
        data = json.loads((FIXTURES / "get_methodologies__drift-detection.json").read_text())
        items = [item_from_raw(r, kind="methodology", origin="server") for r in data["results"]]
        assert [i.degraded for i in items] == [False, False, True]
        assert items[2].steps == [] and items[2].prerequisites == [] and items[2].outputs == []
        warnings = json.loads((FIXTURES / "get_warnings__production-ml.json").read_text())["results"]
        last = item_from_raw(warnings[-1], kind="warning", origin="server")
        assert last.degraded and last.source_title == "Unknown source" and last.symptoms == []

    def test_unusable_entries_are_skipped(self):
        for raw in (None, 1, "x", [], {}, {"name": None}, {"name": {"a": 1}}):
            assert item_from_raw(raw, kind="methodology", origin="server") is None


# --------------------------------------------------------------------------- embedded
class TestEmbedded:
    def test_every_phase5_query_has_items(self):
        for q in PHASE5_QUERIES:
            items = embedded.lookup(q.endpoint, q.topic)
            assert len(items) >= 2, q
            expected = "warning" if q.endpoint == "get_warnings" else "methodology"
            for item in items:
                assert item.origin == "embedded" and item.kind == expected
                assert item.source_title == embedded.EMBEDDED_SOURCE
                assert not item.degraded
                assert item.steps or item.symptoms

    def test_content_covers_the_brief(self):
        text = " ".join(t for i in embedded.all_items() for t in _all_text(i))
        for needle in (
            "Kolmogorov-Smirnov",
            "Chi-squared",
            "Wasserstein",
            "Jensen-Shannon",
            "Population Stability Index",
            "0.1",
            "0.25",
            "Embedding Drift",
            "Token usage",
            "Empty or weak retrieval",
            "Traces",
            "Logs",
            "Metrics",
        ):
            assert needle.lower() in text.lower(), needle
        titles = " ".join(i.title for i in embedded.all_items("warning")).lower()
        for needle in ("alert fatigue", "silent quality", "embedding model", "cost runaway"):
            assert needle in titles

    def test_search_and_unknown_topic(self):
        assert embedded.search("PSI threshold")[0].title == "Choosing a Statistical Test for Drift"
        assert embedded.lookup("get_methodologies", "DRIFT DETECTION")  # case-insensitive tags
        assert embedded.lookup("get_warnings", "embedding upgrade")  # keyword fallback
        assert embedded.search("   ") == []

    def test_data_files_have_server_shape(self):
        data_dir = REPO / "aiwf_tui" / "knowledge" / "data"
        for path in data_dir.glob("*.json"):
            data = json.loads(path.read_text(encoding="utf-8"))
            assert set(data) == {"results", "metadata"}
            assert all(isinstance(r["topics"], list) and r["source_title"] for r in data["results"])


# --------------------------------------------------------------------------- client + service
@pytest.mark.asyncio
async def test_live_bundle(server):
    bundle = await load_phase5_knowledge(server.url, None)
    assert bundle.status_line() == f"Knowledge: live ({server.url})"
    assert [(r.status, r.origin, len(r.items)) for r in bundle.results] == [
        ("live", "server", 3),
        ("live", "server", 3),
        ("live", "server", 2),
        ("live", "server", 7),
    ]
    drift = bundle.items_for("get_methodologies:drift-detection")
    assert drift[0].title == "Embedding-Based Input Drift Monitoring"
    assert drift[0].source_title == "LLM Engineer's Handbook" and drift[0].origin == "server"
    assert bundle.get("get_methodologies:drift-detection").degraded_count == 1
    assert bundle.get("get_warnings:production-ml").degraded_count == 1
    assert all(i.kind == "warning" for i in bundle.items_for("get_warnings:production-ml"))
    # The requests the real server expects.
    gets = server.calls("/get_methodologies")
    assert {c["params"]["topic"] for c in gets} == {"drift detection", "MLOps monitoring", "data drift"}
    assert all(c["method"] == "GET" and c["params"]["limit"] == "10" for c in gets)
    assert server.calls("/search_knowledge") == []
    assert all("X-API-Key" not in c["headers"] for c in server.calls())


@pytest.mark.asyncio
async def test_api_key_sent_but_never_logged(server, caplog):
    caplog.set_level(logging.DEBUG)
    server.mode = "500"
    bundle = await load_phase5_knowledge(server.url, API_KEY)
    assert all(c["headers"].get("X-API-Key") == API_KEY for c in server.calls())
    assert API_KEY not in caplog.text
    assert API_KEY not in bundle.model_dump_json()
    assert API_KEY not in bundle.status_line()


@pytest.mark.asyncio
async def test_exact_tag_filter_falls_back_to_search(server):
    result = await query("get_methodologies", "Drift Detection", url=server.url)  # wrong case: no tag
    assert result.status == "live" and result.origin == "server" and result.via == "search_knowledge"
    assert result.items and all(i.origin == "server" for i in result.items)
    assert "via search_knowledge" in result.status_line()
    (search,) = server.calls("/search_knowledge")
    assert search["method"] == "POST" and search["body"] == b""
    assert search["params"] == {"query": "Drift Detection", "limit": "10"}


@pytest.mark.asyncio
async def test_empty_answers_fall_back_to_search_then_embedded(server):
    server.mode = "empty"
    bundle = await load_phase5_knowledge(server.url, None)
    assert all(r.status == "embedded" and r.origin == "embedded" and r.items for r in bundle.results)
    assert all(i.origin == "embedded" for r in bundle.results for i in r.items)
    assert "server had no results" in bundle.results[0].reason
    assert bundle.status_line() == f"Knowledge: embedded — server had no results ({server.url})"
    assert {c["params"]["query"] for c in server.calls("/search_knowledge")} == {q.topic for q in PHASE5_QUERIES}


@pytest.mark.asyncio
async def test_degraded_results_are_flagged_not_dropped(server):
    server.mode = "degraded"
    bundle = await load_phase5_knowledge(server.url, None)
    for result in bundle.results:
        assert result.status == "live" and result.items
        assert all(i.degraded and i.origin == "server" for i in result.items)
    warning = bundle.items_for("get_warnings:production-ml")[0]
    assert warning.summary == "" and warning.symptoms == [] and warning.source_title == "Unknown source"


@pytest.mark.asyncio
async def test_connection_refused_goes_straight_to_embedded(waits):
    bundle = await load_phase5_knowledge(refused_url(), None)
    assert waits == []  # no retry, no wait
    assert bundle.status_line() == "Knowledge: embedded — server failed: connection refused"
    assert all(r.status == "failed" and r.origin == "embedded" and r.items for r in bundle.results)


@pytest.mark.asyncio
@pytest.mark.parametrize("mode", ["stall", "drip"])
async def test_stalled_server_times_out_within_budget(server, mode):
    server.mode = mode
    bundle = await load_phase5_knowledge(server.url, None)
    assert all(r.status == "failed" and r.items for r in bundle.results)
    # Cut off by the whole-request timeout (5 s, one attempt each), not after the 10 s stall.
    assert "timed out after 5 s" in bundle.status_line()
    assert len(server.calls()) == 4


@pytest.mark.asyncio
async def test_500_retried_once_then_embedded(server):
    server.mode = "500"
    result = await query("get_warnings", "production ML", url=server.url)
    assert len(server.calls("/get_warnings")) == 2
    assert result.status == "failed" and result.origin == "embedded" and result.items
    assert result.reason == "HTTP 500 after retry: Internal server error"


@pytest.mark.asyncio
async def test_500_once_recovers_on_retry(server):
    server.mode = "500_once"
    result = await query("get_warnings", "production ML", url=server.url)
    assert result.status == "live" and len(result.items) == 7
    assert len(server.calls("/get_warnings")) == 2


@pytest.mark.asyncio
@pytest.mark.parametrize("retry_after", [3600, 7.5])
async def test_429_with_long_retry_after_does_not_wait(server, retry_after, waits):
    server.mode, server.retry_after = "429", retry_after
    bundle = await load_phase5_knowledge(server.url, None)
    assert waits == []
    assert len(server.calls()) == 4  # no retry: the wait does not fit the budget
    assert all(r.status == "failed" and r.items for r in bundle.results)
    assert bundle.status_line().startswith("Knowledge: embedded — server failed: rate limited (HTTP 429)")


@pytest.mark.asyncio
@pytest.mark.parametrize("mode", ["429_once", "429_header_once"])
async def test_429_short_retry_after_is_honoured(server, mode, waits):
    server.mode, server.retry_after = mode, 1
    result = await query("get_methodologies", "data drift", url=server.url)
    assert waits == [1]
    assert result.status == "live" and len(result.items) == 2
    assert len(server.calls("/get_methodologies")) == 2


@pytest.mark.asyncio
async def test_429_always_waits_then_gives_up_within_budget(server, waits):
    server.mode, server.retry_after = "429", 1
    result = await query("get_methodologies", "data drift", url=server.url)
    assert waits == [1] and len(server.calls()) == 2  # one wait, one retry, then the embedded base
    assert result.status == "failed" and "after retry" in result.reason


@pytest.mark.asyncio
@pytest.mark.parametrize(
    "mode,reason",
    [
        ("invalid_json", "invalid answer (not JSON)"),
        ("wrong_shape", "invalid answer (no results list)"),
        ("huge", "answer too large (over 2 MB)"),
        ("huge_declared", "answer too large (over 2 MB)"),
    ],
)
async def test_bad_answers_go_to_embedded(server, mode, reason):
    server.mode = mode
    bundle = await load_phase5_knowledge(server.url, None)
    assert all(r.status == "failed" and r.origin == "embedded" and r.items for r in bundle.results)
    assert bundle.status_line() == f"Knowledge: embedded — server failed: {reason}"
    if mode == "huge":
        assert len(server.calls()) == 4  # not retried


@pytest.mark.asyncio
async def test_odd_items_are_bounded_and_never_crash(server):
    server.mode = "odd_items"
    result = await query("get_methodologies", "drift detection", url=server.url)
    assert result.status == "live"
    big, title_only = result.items
    assert len(big.title) <= 200 and big.title.endswith("…")
    assert len(big.steps) <= 30 and all(len(s) <= 1000 for s in big.steps)
    assert big.source_title == "42" and big.prerequisites == ["single string"]
    assert title_only.title == "Only a title" and title_only.degraded


@pytest.mark.asyncio
async def test_hostile_text_is_neutralised_markup_kept(server):
    server.mode = "hostile"
    bundle = await load_phase5_knowledge(server.url, None)
    items = [i for r in bundle.results for i in r.items]
    assert items and all(i.origin == "server" for i in items)
    for item in items:
        for text in _all_text(item):
            _assert_clean(text)
        assert "\n" not in item.title and "\n" not in item.source_title
    first = bundle.items_for("get_warnings:production-ml")[0]
    assert "[bold]loud[/bold]" in first.title and "[@click=app.quit]quit[/]" in first.title
    assert "52;c;" not in first.title and "aGFja2Vk" not in first.title
    assert first.symptoms[0].startswith("[bold]loud[/bold] [@click=app.quit]quit[/] red")


@pytest.mark.asyncio
async def test_no_url_makes_no_network_call():
    import httpx

    calls = []

    def handler(request):
        calls.append(request)
        return httpx.Response(200, json={"results": []})

    transport = httpx.MockTransport(handler)
    bundle = await load_phase5_knowledge(None, API_KEY, transport=transport)
    result = await query("search_knowledge", "drift", url=None, transport=transport)
    assert calls == []
    assert bundle.status_line() == "Knowledge: embedded (no server configured)"
    assert all(r.status == "embedded" and r.reason == "no server configured" for r in bundle.results)
    assert result.status_line() == "Knowledge: embedded (no server configured)"


@pytest.mark.asyncio
async def test_mock_transport_and_partial_status():
    import httpx

    def handler(request):
        if request.url.params.get("topic") == "production ML":
            return httpx.Response(
                503, json={"error": {"code": "UNAVAILABLE", "message": "down", "details": {}, "retry_after": 0}}
            )
        data = json.loads((FIXTURES / "get_methodologies__data-drift.json").read_text())
        return httpx.Response(200, json=data)

    bundle = await load_phase5_knowledge("http://kb.test", None, transport=httpx.MockTransport(handler))
    assert bundle.get("get_warnings:production-ml").status == "failed"
    assert bundle.status_line() == (
        "Knowledge: live (http://kb.test) — 1 of 4 topics from embedded (server failed: HTTP 503 after retry: down)"
    )
    assert isinstance(bundle, KnowledgeBundle) and bundle.status == "live"


@pytest.mark.asyncio
async def test_retry_wait_respects_remaining_budget(waits):
    import httpx

    hits = []

    def handler(request):
        hits.append(request)
        return httpx.Response(429, headers={"Retry-After": "1.5"}, json={"error": {"message": "slow down"}})

    async with KnowledgeClient("http://kb.test", transport=httpx.MockTransport(handler)) as client:
        with pytest.raises(KnowledgeServerError, match="rate limited"):
            await client.call("get_warnings", topic="x", deadline=Deadline(2.0))
        assert waits == [] and len(hits) == 1  # 1.5 s + an attempt > 2 s: no wait, no retry
        with pytest.raises(KnowledgeServerError, match="after retry"):
            await client.call("get_warnings", topic="x", deadline=Deadline(4.0))
        assert waits == [1.5] and len(hits) == 3


@pytest.mark.asyncio
async def test_invalid_url_is_a_failure_not_a_crash():
    result = await query("get_methodologies", "data drift", url="localhost-no-scheme:8000")
    assert result.status == "failed" and result.items
    result = await query("get_methodologies", "data drift", url="http://")
    assert result.status == "failed" and result.items


def test_display_url_hides_credentials():
    assert display_url("http://user:pw@kb.example:8000/api?token=x#f") == "http://kb.example:8000/api"


# --------------------------------------------------------------------------- config
class TestConfig:
    def test_resolution_order(self, isolated_config, monkeypatch):
        isolated_config.write_text('[knowledge]\nurl = "http://from-file:1/"\n')
        assert aiwf_config.knowledge_url(None) == "http://from-file:1"
        assert aiwf_config.resolve_knowledge_url(None).source == str(isolated_config)
        monkeypatch.setenv("AIWF_KNOWLEDGE_URL", "http://from-env:2")
        assert aiwf_config.knowledge_url(None) == "http://from-env:2"
        assert aiwf_config.knowledge_url("http://from-cli:3") == "http://from-cli:3"
        monkeypatch.setenv("AIWF_KNOWLEDGE_URL", "  ")
        assert aiwf_config.knowledge_url("") == "http://from-file:1"

    def test_no_config_means_no_url(self):
        assert aiwf_config.knowledge_url(None) is None

    def test_flat_key_and_broken_file(self, isolated_config):
        isolated_config.write_text('knowledge_url = "http://flat:1"\n')
        assert aiwf_config.knowledge_url(None) == "http://flat:1"
        isolated_config.write_text("[knowledge\nurl = ")
        with pytest.raises(aiwf_config.ConfigError, match="not valid TOML"):
            aiwf_config.knowledge_url(None)
        assert aiwf_config.knowledge_url("http://cli:1") == "http://cli:1"  # explicit URL still works
        isolated_config.write_text("[knowledge]\nurl = 5\n")
        with pytest.raises(aiwf_config.ConfigError, match="must be a string"):
            aiwf_config.knowledge_url(None)

    def test_platform_config_dir(self, monkeypatch, tmp_path):
        monkeypatch.delenv("AIWF_CONFIG")
        monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
        if sys.platform.startswith("linux"):
            assert aiwf_config.config_path() == tmp_path / "xdg" / "aiwf" / "config.toml"
        assert aiwf_config.config_path().name == "config.toml"

    def test_api_key_from_env_only(self, monkeypatch):
        assert aiwf_config.knowledge_api_key() is None
        monkeypatch.setenv("AIWF_KNOWLEDGE_API_KEY", API_KEY)
        assert aiwf_config.knowledge_api_key() == API_KEY


# --------------------------------------------------------------------------- CLI
def _parse(module, argv):
    parser = argparse.ArgumentParser(prog="aiwf")
    module.add_arguments(parser)
    return parser.parse_args(argv)


def _env(**extra):
    env = {k: v for k, v in os.environ.items() if not k.startswith("AIWF_")}
    env["PYTHONPATH"] = str(REPO) + os.pathsep + env.get("PYTHONPATH", "")
    env["NO_PROXY"] = env["no_proxy"] = "127.0.0.1,localhost"
    env.update(extra)
    return env


CLI_WIRED = (REPO / "aiwf_tui" / "cli.py").exists() and "aiwf_tui.commands.knowledge" in (
    REPO / "aiwf_tui" / "cli.py"
).read_text(encoding="utf-8")


def _cli(*argv, tmp_path, timeout=30, **env):
    env.setdefault("AIWF_CONFIG", str(tmp_path / "none.toml"))
    return subprocess.run(
        [sys.executable, "-m", "aiwf_tui", *argv],
        cwd=REPO,
        capture_output=True,
        env=_env(**env),
        timeout=timeout,
        encoding="utf-8",
        errors="replace",
    )


class TestKnowledgeCommandInProcess:
    def test_live_methodologies(self, server, capsys):
        args = _parse(knowledge_cmd, ["methodologies", "drift detection", "--knowledge-url", server.url])
        assert knowledge_cmd.run(args) == 0
        out = capsys.readouterr().out
        assert out.splitlines()[0] == f"Knowledge: live ({server.url})"
        assert "1. Embedding-Based Input Drift Monitoring" in out
        assert "origin: server · source: LLM Engineer's Handbook" in out
        assert "details unavailable" in out  # the degraded item says so

    def test_json_output(self, server, capsys, monkeypatch):
        monkeypatch.setenv("AIWF_KNOWLEDGE_URL", server.url)
        monkeypatch.setenv("AIWF_KNOWLEDGE_API_KEY", API_KEY)
        assert knowledge_cmd.run(_parse(knowledge_cmd, ["warnings", "production ML", "--json", "--limit", "3"])) == 0
        out = capsys.readouterr().out
        data = json.loads(out)
        assert data["status"] == "live" and data["ref"] == "get_warnings:production-ml"
        assert len(data["items"]) == 3
        assert all(i["origin"] == "server" and i["source_title"] for i in data["items"])
        assert server.calls("/get_warnings")[0]["params"]["limit"] == "3"
        assert API_KEY not in out

    def test_no_server_uses_embedded(self, capsys):
        assert knowledge_cmd.run(_parse(knowledge_cmd, ["search", "PSI"])) == 0
        out = capsys.readouterr().out
        assert out.startswith("Knowledge: embedded (no server configured)")
        assert "origin: embedded · source: aiwf embedded knowledge base" in out

    def test_config_file_url_used(self, server, isolated_config, capsys):
        isolated_config.write_text(f'[knowledge]\nurl = "{server.url}"\n')
        assert knowledge_cmd.run(_parse(knowledge_cmd, ["methodologies", "data drift"])) == 0
        assert capsys.readouterr().out.startswith(f"Knowledge: live ({server.url})")

    def test_errors_are_one_line(self, isolated_config, capsys):
        assert knowledge_cmd.run(_parse(knowledge_cmd, [])) == 2
        isolated_config.write_text("not = [valid")
        assert knowledge_cmd.run(_parse(knowledge_cmd, ["methodologies", "x"])) == 1
        assert knowledge_cmd.run(_parse(knowledge_cmd, ["methodologies", "   "])) == 2
        err = capsys.readouterr().err
        assert len(err.strip().splitlines()) == 3 and "Traceback" not in err

    def test_limit_validation(self):
        parser = argparse.ArgumentParser(prog="aiwf knowledge")
        knowledge_cmd.add_arguments(parser)
        with pytest.raises(SystemExit):
            parser.parse_args(["methodologies", "x", "--limit", "900"])

    def test_config_commands(self, isolated_config, capsys, monkeypatch):
        assert config_cmd.run(_parse(config_cmd, ["path"])) == 0
        assert capsys.readouterr().out.strip() == str(isolated_config)
        monkeypatch.setenv("AIWF_KNOWLEDGE_API_KEY", API_KEY)
        monkeypatch.setenv("AIWF_KNOWLEDGE_URL", "http://u:p@kb:1")
        assert config_cmd.run(_parse(config_cmd, ["show"])) == 0
        out = capsys.readouterr().out
        assert "http://kb:1 (from AIWF_KNOWLEDGE_URL)" in out and "api key:       set" in out
        assert API_KEY not in out and "u:p" not in out
        assert config_cmd.run(_parse(config_cmd, [])) == 2


@pytest.mark.skipif(not CLI_WIRED, reason="aiwf_tui/cli.py does not wire the knowledge verb yet")
class TestKnowledgeCommandSubprocess:
    def test_live_and_origin(self, server, tmp_path):
        proc = _cli("knowledge", "methodologies", "drift detection", "--knowledge-url", server.url, tmp_path=tmp_path)
        assert proc.returncode == 0, proc.stderr
        assert proc.stdout.splitlines()[0] == f"Knowledge: live ({server.url})"
        assert "origin: server · source: LLMs in Production" in proc.stdout

    def test_env_url_and_json(self, server, tmp_path):
        proc = _cli("knowledge", "search", "drift", "--json", tmp_path=tmp_path, AIWF_KNOWLEDGE_URL=server.url)
        assert proc.returncode == 0, proc.stderr
        data = json.loads(proc.stdout)
        assert data["status"] == "live" and data["items"][0]["origin"] == "server"

    def test_stall_is_bounded(self, server, tmp_path):
        server.mode = "stall"
        proc = _cli("knowledge", "warnings", "production ML", "--knowledge-url", server.url, tmp_path=tmp_path)
        assert proc.returncode == 0 and "Traceback" not in proc.stderr
        assert proc.stdout.startswith("Knowledge: embedded — server failed: timed out after 5 s")
        assert "origin: embedded" in proc.stdout

    def test_refused(self, tmp_path):
        proc = _cli("knowledge", "warnings", "production ML", "--knowledge-url", refused_url(), tmp_path=tmp_path)
        assert proc.returncode == 0 and proc.stderr == ""
        assert proc.stdout.startswith("Knowledge: embedded — server failed: connection refused")

    @pytest.mark.parametrize("mode", ["hostile", "huge", "invalid_json"])
    def test_hostile_answers_print_safely(self, server, tmp_path, mode):
        server.mode = mode
        proc = _cli("knowledge", "warnings", "production ML", "--knowledge-url", server.url, tmp_path=tmp_path)
        assert proc.returncode == 0 and "Traceback" not in proc.stderr
        assert "\x1b" not in proc.stdout and not CONTROL.search(proc.stdout.replace("\n", ""))
        if mode == "hostile":
            assert "[bold]loud[/bold]" in proc.stdout and "[@click=app.quit]" in proc.stdout

    def test_config_path(self, tmp_path):
        proc = _cli("config", "path", tmp_path=tmp_path, AIWF_CONFIG=str(tmp_path / "c.toml"))
        assert proc.returncode == 0 and proc.stdout.strip() == str(tmp_path / "c.toml")

    def test_bad_config_is_one_line(self, tmp_path):
        bad = tmp_path / "bad.toml"
        bad.write_text("[knowledge\n")
        proc = _cli("knowledge", "methodologies", "data drift", tmp_path=tmp_path, AIWF_CONFIG=str(bad))
        assert proc.returncode == 1 and len(proc.stderr.strip().splitlines()) == 1
        assert "Traceback" not in proc.stderr
