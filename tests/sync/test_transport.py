"""Answers that are not what the protocol says, and HTTP failures, through the real supabase-py client: each
becomes one error of sync.errors, and nothing of a bad answer is applied."""

from __future__ import annotations

import json
import threading
import uuid
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from supabase import ClientOptions, create_client

from localdb.mirror import Mirror
from sync import errors
from sync.engine import SyncEngine
from sync.transport import SupabaseTransport, make_http_client, parse_pull, parse_push, parse_server_info
from tests.fixtures.faultproxy import FaultProxy

NOW = "2026-11-23T12:00:00+00:00"
INFO = {"server_time": NOW, "schema_version": 5, "min_app_schema": 1, "epoch": "e1", "device_id": "x"}
ORG_ID = "0e000000-0000-4000-8000-0000000000aa"
ORG_ROW = {
    "id": ORG_ID, "created_at": NOW, "updated_at": NOW, "deleted_at": None, "field_stamps": {},
    "writer_device": None, "row_version": 1, "name": "A school", "slug": "a-school", "country": None,
    "settings": {},
}
GOOD_ORG = {"t": "organisations", "r": ORG_ROW}
BAD_TIME = {"t": "lessons", "r": {"id": "x", "updated_at": "yesterday-ish"}}


def _page(rows: Any, **extra: Any) -> dict[str, Any]:
    return {"rows": rows, "cursor": "e1:5:1", "has_more": False, "schema_version": 5, "min_app_schema": 1,
            "server_time": NOW, "reset": False, **extra}


class Junk:
    """What the fake server answers per RPC: (status, body bytes, content type)."""

    def __init__(self) -> None:
        self.answers: dict[str, tuple[int, bytes, str]] = {}

    def set(self, fn: str, status: int, body: Any, content_type: str = "application/json") -> None:
        raw = body if isinstance(body, bytes) else json.dumps(body).encode()
        self.answers[fn] = (status, raw, content_type)


@pytest.fixture
def junk() -> Iterator[tuple[Junk, str]]:
    """A server that speaks HTTP but answers what the test says (fault injection, not the protocol)."""
    plan = Junk()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            fn = self.path.rsplit("/", 1)[-1]
            status, body, content_type = plan.answers.get(fn, (404, b'{"code":"PGRST202","message":"?"}',
                                                               "application/json"))
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield plan, f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join()


@pytest.fixture
def engine_on(junk: tuple[Junk, str], tmp_path: Path) -> Iterator[SyncEngine]:
    plan, url = junk
    plan.set("sync_register_device", 200, INFO)
    device = str(uuid.uuid4())
    http = make_http_client(timeout=5)
    client = create_client(url, "anon", ClientOptions(auto_refresh_token=False, persist_session=False,
                                                        httpx_client=http))
    mirror = Mirror.open(tmp_path / "m.sqlite3", device_id=device)
    yield SyncEngine(mirror, SupabaseTransport(client, device), device)
    mirror.close()
    http.close()


@pytest.mark.parametrize(
    ("body", "why"),
    [
        (b"this is not json", "not JSON"),
        ([1, 2, 3], "a list, not an object"),
        ({"rows": "nope"}, "rows is not a list"),
        (_page([GOOD_ORG, BAD_TIME]), "bad timestamp"),
        (_page([GOOD_ORG, {"t": "no_such_table", "r": {"id": "x"}}]), "unknown table"),
        (_page([GOOD_ORG, {"t": "organisations"}]), "entry without a row"),
        (_page([GOOD_ORG], has_more="yes"), "has_more is not a bool"),
    ],
)
def test_malformed_pull_answer_applies_nothing(
    junk: tuple[Junk, str], engine_on: SyncEngine, body: Any, why: str
) -> None:
    plan, _ = junk
    plan.set("sync_pull", 200, body)
    report = engine_on.run()
    assert report.status == "error", why
    assert isinstance(report.error, errors.MalformedAnswer), why
    assert "does not understand" in report.message
    assert engine_on.mirror.get_state("cursor") is None
    assert engine_on.mirror.get_row("organisations", ORG_ID) is None


def test_the_good_page_of_those_cases_does_apply(junk: tuple[Junk, str], engine_on: SyncEngine) -> None:
    """The control case: without the bad entry the same page applies, so the cases above test validation."""
    plan, _ = junk
    plan.set("sync_pull", 200, _page([GOOD_ORG]))
    plan.set("sync_counts", 200, {})
    engine_on.run()
    assert engine_on.mirror.get_row("organisations", ORG_ID)["name"] == "A school"
    assert engine_on.mirror.get_state("cursor") == "e1:5:1"


JSON = "application/json"


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        ((503, {"code": "PGRST000", "message": "db down"}, JSON), errors.Offline),
        ((502, b"<html>bad gateway</html>", "text/html"), errors.Offline),
        # A gateway's own JSON, without PostgREST's code: the status alone says "try later".
        ((503, {"message": "Service Unavailable"}, JSON), errors.Offline),
        ((504, {"error": "upstream timed out"}, JSON), errors.Offline),
        ((404, {"code": "PGRST202", "message": "no such function"}, JSON), errors.ServerError),
        ((500, {"code": "XX000", "message": "internal"}, JSON), errors.ServerError),
        ((401, {"code": "PGRST303", "message": "JWT expired"}, JSON), errors.SessionExpired),
    ],
)
def test_http_failures_map_to_the_error_tree(
    junk: tuple[Junk, str], engine_on: SyncEngine, answer: tuple[int, Any, str], expected: type
) -> None:
    plan, _ = junk
    plan.set("sync_register_device", *answer)
    report = engine_on.run()
    assert isinstance(report.error, expected)
    assert report.status == expected.status
    assert "Traceback" not in report.message and report.message


def test_parsers_reject_wrong_shapes() -> None:
    with pytest.raises(errors.MalformedAnswer):
        parse_server_info({**INFO, "schema_version": "5"})
    with pytest.raises(errors.MalformedAnswer):
        parse_server_info({**INFO, "server_time": None})
    assert parse_server_info(INFO).server_time == "2026-11-23T12:00:00.000000Z"
    page = parse_pull(_page([GOOD_ORG]))
    assert page.rows[0][1]["created_at"] == "2026-11-23T12:00:00.000000Z"  # normalised to canonical
    sent = [{"change_id": "c1"}]
    result = {"change_id": "c1", "table": "lessons", "id": "r", "status": "applied", "row": None}
    answer = {"results": [result], "clamped": 0, "server_time": NOW, "schema_version": 5}
    assert parse_push(answer, sent).results[0].status == "applied"
    with pytest.raises(errors.MalformedAnswer):
        parse_push({**answer, "results": [{**result, "change_id": "other"}]}, sent)
    with pytest.raises(errors.MalformedAnswer):
        parse_push({**answer, "results": [{**result, "status": "maybe"}]}, sent)
    with pytest.raises(errors.MalformedAnswer):
        parse_push({**answer, "results": []}, sent)


def test_s3_every_call_has_a_timeout_and_answers_come_compressed(
    school: Any, devices: Any, server: Any
) -> None:
    http = make_http_client()
    assert None not in (http.timeout.connect, http.timeout.read, http.timeout.write, http.timeout.pool)
    http.close()
    teacher = devices.new(school.add("teacher", "teacher"))
    for n in range(30):
        teacher.new_lesson(f"Lesson {n}", description="Say the word, then sign it. " * 20)
    assert teacher.sync().ok
    target = urlsplit(server.url)
    with FaultProxy((str(target.hostname), int(target.port or 80))) as link:
        other = devices.new(school.emails["teacher"], url=link.url)
        assert other.sync().ok
        pulled = link.stats.requests("sync_pull")
    plain = sum(len(json.dumps(other.row("lessons", i))) for i in _lesson_ids(other))
    assert plain > 20_000
    assert sum(e.down_bytes for e in pulled) < plain / 3  # gzip on the wire, not the plain JSON


def _lesson_ids(device: Any) -> list[str]:
    return [r[0] for r in device.conn.execute("SELECT id FROM lessons")]
