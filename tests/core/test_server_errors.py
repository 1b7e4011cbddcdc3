"""The edge's own answers: an unexpected error's 500 says what is true of a self-hosted server (issue 17), and a
hostile query string is refused before routing and authentication (issue 16)."""

from __future__ import annotations

import logging
import re

import httpx2
import pytest
from fastapi import FastAPI

from mpaas.core.http.server import install_error_handlers
from mpaas.core.wire import TEXT_MAX_LENGTH


async def test_a_500_names_the_logged_request_id_not_the_vendors_support(caplog):
    app = FastAPI()
    install_error_handlers(app)

    @app.get("/boom")
    async def boom():
        raise RuntimeError("kaput")

    transport = httpx2.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx2.AsyncClient(transport=transport, base_url="http://t") as client:
        with caplog.at_level(logging.ERROR, logger="mpaas.http"):
            response = await client.get("/boom")
    assert response.status_code == 500
    envelope = response.json()
    assert set(envelope) == {"StatusCode", "Message"} and envelope["StatusCode"] == 500
    assert "telegent" not in envelope["Message"].lower()
    match = re.fullmatch(
        r"Internal server error: an unexpected error occurred and was logged by this server\. "
        r"If the problem persists, give its operator this request id: ([0-9a-f]{16})\.",
        envelope["Message"],
    )
    assert match, envelope["Message"]
    logged = [r for r in caplog.records if match.group(1) in r.getMessage()]
    assert logged and logged[0].exc_info and "kaput" in str(logged[0].exc_info[1])


@pytest.mark.no_workers
@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("PhoneNumber=%2B1801%00", "The PhoneNumber field must not contain NUL characters."),
        (
            "phonenumber=a%0D%0Ab",
            "The phonenumber field must be a single line (no line breaks, tabs or control characters).",
        ),
        (
            f"PhoneNumber={'1' * (TEXT_MAX_LENGTH + 1)}",
            f"The PhoneNumber field must be at most {TEXT_MAX_LENGTH} characters long.",
        ),
        ("&".join(f"p{i}=1" for i in range(51)), "The query string must hold at most 50 parameters."),
    ],
    ids=["nul", "crlf", "oversize", "too-many"],
)
async def test_a_hostile_query_string_is_refused_before_authentication(http, query, message):
    response = await http.get(f"/v1.0/message/search?{query}")  # no token: the query is judged first
    assert response.status_code == 400
    assert response.json() == {"StatusCode": 400, "Message": message}
