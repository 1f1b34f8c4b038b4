"""The transport decodes answers itself (orjson) where supabase-py lets it send the request on its own: the data
must be what the library would have given, and a body that cannot be decoded is a MalformedAnswer."""

from __future__ import annotations

import gzip
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from supabase import Client, ClientOptions, create_client

from sync import errors
from sync.transport import SupabaseTransport, make_http_client

#: Text, escapes, big and small numbers, nesting: what a page of rows may carry.
ANSWER = {
    "rows": [{"t": "lessons", "r": {"title": "Ça, \"quoted\" \u2028 \U0001f600", "n": 2**62, "x": -1.5e-7,
                                    "nested": {"a": [1, None, True, {"b": []}]}}}],
    "cursor": None, "has_more": False,
}  # fmt: skip


class Plan:
    """What the fake server answers: status, body bytes and extra headers."""

    def __init__(self) -> None:
        self.status, self.body, self.headers = 200, b"{}", {"Content-Type": "application/json"}


@pytest.fixture
def served() -> Iterator[tuple[Plan, Client]]:
    plan = Plan()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            self.send_response(plan.status)
            for name, value in plan.headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(plan.body)))
            self.end_headers()
            self.wfile.write(plan.body)

        def log_message(self, *args: Any) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    http = make_http_client(timeout=5)
    options = ClientOptions(auto_refresh_token=False, persist_session=False, httpx_client=http)
    try:
        yield plan, create_client(f"http://127.0.0.1:{httpd.server_address[1]}", "anon", options)
    finally:
        http.close()
        httpd.shutdown()
        httpd.server_close()
        thread.join()


@pytest.mark.parametrize("compressed", [False, True])
def test_the_transport_decodes_what_the_library_decodes(served: tuple[Plan, Client], compressed: bool) -> None:
    plan, client = served
    body = json.dumps(ANSWER, ensure_ascii=False).encode()
    plan.body = gzip.compress(body) if compressed else body
    if compressed:
        plan.headers["Content-Encoding"] = "gzip"
    ours = SupabaseTransport(client, "d")._rpc("sync_pull", {})
    assert ours == client.rpc("sync_pull", {}).execute().data == ANSWER


@pytest.mark.parametrize(
    ("body", "headers"),
    [
        (b"{\"rows\": [", {}),  # cut short
        (b"\x1f\x8b\x08\x00garbage", {"Content-Encoding": "gzip"}),  # broken gzip
        (b"<html>a proxy's page</html>", {"Content-Type": "text/html"}),
    ],
)
def test_a_body_that_cannot_be_decoded_is_a_malformed_answer(
    served: tuple[Plan, Client], body: bytes, headers: dict[str, str]
) -> None:
    plan, client = served
    plan.body = body
    plan.headers.update(headers)
    with pytest.raises(errors.MalformedAnswer):
        SupabaseTransport(client, "d").pull(None, 10)


def test_an_error_answer_keeps_its_postgrest_code(served: tuple[Plan, Client]) -> None:
    plan, client = served
    plan.status, plan.body = 401, b'{"code":"PGRST303","message":"JWT expired","hint":null,"details":null}'
    with pytest.raises(errors.SessionExpired):
        SupabaseTransport(client, "d").pull(None, 10)
    plan.status, plan.body = 500, b"not json at all"
    with pytest.raises(errors.ServerError) as caught:
        SupabaseTransport(client, "d").pull(None, 10)
    assert caught.value.code == "500"
