"""POST /v1.0/numbers/availability's own handler (numbers/provisioning/availability_route.py) against FastAPI's, and
the search results it keeps (numbers/provisioning/search.py): kept only while nothing was committed since."""

from __future__ import annotations

import json
import sqlite3

import pytest
from fastapi.routing import APIRoute
from sqlalchemy.engine import make_url

from mpaas.numbers.provisioning import search
from mpaas.numbers.provisioning.availability_route import AvailabilityRoute
from support.api import Api, make_message_route, provision
from support.seed import new_distributor

pytestmark = pytest.mark.no_workers  # only calls the API: no job needs to run

PATH = "/v1.0/numbers/availability"
SEARCH = {"NumberType": "mobile", "MessageType": "p2p", "MessageEnabled": True, "VoiceEnabled": False}
JSON = {"Content-Type": "application/json"}


def _requests(token: str, other_token: str) -> list[tuple[str, dict, bytes | None]]:
    """(method, headers, body) of every kind of request the endpoint meets, good and bad."""
    auth = {"Authorization": f"Bearer {token}"}

    def body(**fields) -> bytes:
        return json.dumps({**SEARCH, **fields}).encode()

    return [
        ("POST", {**auth, **JSON}, body(AreaCode="801")),
        ("POST", {**auth, **JSON}, body(AreaCode="801", TotalNumbersRequested=100, PageNumber=1)),
        ("POST", {**auth, **JSON}, body(AreaCode="907", ZipCode="")),
        ("POST", {**auth, **JSON}, body(ZipCode="10001")),
        ("POST", {**auth, **JSON}, body(AreaCode="801", PageNumber=2)),
        ("POST", {**auth, **JSON}, body(areacode="801", numbertype="voip")),  # names in any case
        ("POST", {**auth, **JSON}, body(MessageEnabled="true", VoiceEnabled=0)),
        ("POST", {**auth, "Content-Type": "application/json; charset=utf-8"}, body(AreaCode="212")),
        ("POST", {**auth, "Content-Type": "Application/JSON"}, body(AreaCode="212")),
        ("POST", {**auth, "Content-Type": "application/vnd.api+json"}, body(AreaCode="212")),
        ("POST", {**auth, "Content-Type": "text/json"}, body(AreaCode="212")),  # the edge reads it as JSON
        ("POST", {**auth, "Content-Type": "text/plain"}, body(AreaCode="212")),
        ("POST", auth, body(AreaCode="212")),  # no content type
        ("POST", {**auth, **JSON}, b"{not json"),
        ("POST", {**auth, **JSON}, b'{"NumberType": "mobile",}'),
        ("POST", {**auth, **JSON}, b"\xff\xfe\x00"),
        ("POST", {**auth, **JSON}, b""),
        ("POST", {**auth, **JSON}, b"null"),
        ("POST", {**auth, **JSON}, b"[]"),
        ("POST", {**auth, **JSON}, b'"text"'),
        ("POST", {**auth, **JSON}, body(NumberType="landline")),
        ("POST", {**auth, **JSON}, body(AreaCode="12")),
        ("POST", {**auth, **JSON}, body(ZipCode="1234x")),
        ("POST", {**auth, **JSON}, body(TotalNumbersRequested=101)),
        ("POST", {**auth, **JSON}, body(TotalNumbersRequested=-1)),
        ("POST", {**auth, **JSON}, body(PageNumber=0)),
        ("POST", {**auth, **JSON}, body(PageNumber="x")),
        ("POST", {**auth, **JSON}, body(MessageEnabled="maybe")),
        ("POST", {**auth, **JSON}, b'{"NumberType": "mobile", "MessageEnabled": true}'),
        ("POST", {**auth, **JSON}, body(AreaCode="801", Unknown="field")),
        ("POST", {**auth, **JSON}, body(AreaCode="x" * 5000)),
        ("POST", JSON, body(AreaCode="801")),  # no token
        ("POST", {"Authorization": "Basic abc", **JSON}, body(AreaCode="801")),
        ("POST", {"Authorization": "Bearer not-a-token", **JSON}, body(AreaCode="801")),
        ("POST", {"Authorization": "bearer  " + token, **JSON}, body(AreaCode="801")),
        ("POST", {"Authorization": f"Bearer {other_token}", **JSON}, body(AreaCode="801")),  # another scope
        ("POST", JSON, b"{not json"),  # not JSON before not authenticated, as FastAPI reads the body first
        ("POST", {"Authorization": f"Bearer {other_token}", **JSON}, body(NumberType="landline")),  # 403 first
        ("GET", auth, None),  # 405 with Allow
        ("PUT", {**auth, **JSON}, body(AreaCode="801")),
    ]


def _comparable(response) -> tuple:
    headers = {k: v for k, v in response.headers.items() if k != "content-length"}
    try:
        data = response.json()
    except ValueError:
        data = response.content
    if isinstance(data, dict):
        for varying in ("RequestId", "RequestDate"):  # random, and the time of the request
            assert data.pop(varying, "T-00000")[:2] in ("T-", "20")
    return response.status_code, headers, data


@pytest.mark.parametrize("path", [PATH, "/V1.0/Numbers/Availability/"])
async def test_answers_as_fastapis_handler(api, other_api, numbers, monkeypatch, path):
    token = await api.token(PATH)
    other_token = await other_api.token("/v1.0/numbers/provision")
    requests = _requests(token, other_token)

    async def answers() -> list[tuple]:
        out = []
        for method, headers, content in requests:
            response = await api.http.request(method, path, headers=headers, content=content)
            out.append(_comparable(response))
        return out

    ours = await answers()
    monkeypatch.setattr(AvailabilityRoute, "handle", APIRoute.handle)  # FastAPI's request handler
    theirs = await answers()
    for request, mine, fastapis in zip(requests, ours, theirs, strict=True):
        assert mine == fastapis, request
    statuses = {status for status, _, _ in ours}
    assert statuses == {200, 400, 401, 403, 405}, statuses


async def test_rate_limit_headers_and_429(platform, http, numbers):
    """The credential's limit is counted before the body is validated, and a 200 carries its headers, as every
    other endpoint behind `Caller` does."""
    api = Api(http, await new_distributor(platform, "Limited", rate_limit=3))
    first = await api.post(PATH, {**SEARCH, "AreaCode": "801"})
    assert first.status_code == 200
    assert (first.headers["X-RateLimit-Limit"], first.headers["X-RateLimit-Remaining"]) == ("3", "1")
    assert int(first.headers["X-RateLimit-Reset"]) > 0
    invalid = await api.post(PATH, {**SEARCH, "AreaCode": "12"})
    assert invalid.status_code == 400
    limited = await api.post(PATH, {**SEARCH, "AreaCode": "801"})
    assert limited.status_code == 429
    assert limited.json()["StatusCode"] == 429
    assert limited.headers["X-RateLimit-Remaining"] == "0" and int(limited.headers["Retry-After"]) >= 1


# --------------------------------------------------------------------------------- results kept between searches


def _listed(data: dict) -> set[str]:
    return {n["Number"] for n in data["NumbersAvailable"]}


async def _search(api, **fields) -> dict:
    return await api.ok("POST", PATH, json={**SEARCH, "TotalNumbersRequested": 100, **fields})


def _sqlite_file(platform) -> str | None:
    return make_url(platform.db.url).database if platform.db.is_sqlite else None


async def test_a_provisioned_number_is_never_offered_again(api, numbers):
    before = await _search(api, AreaCode="801")
    assert before["ResultsTotal"] == 20 and len(_listed(before)) == 20
    taken = await provision(api, await make_message_route(api), AreaCode="801")
    after = await _search(api, AreaCode="801")
    assert taken["PhoneNumberAssigned"] not in _listed(after)
    assert after["ResultsTotal"] == 19 and len(_listed(after)) == 19


async def test_changes_by_another_connection_are_seen_at_once(api, platform, numbers):
    """A change committed by any other connection (another process: a worker releasing a number, an inventory
    import) is seen by the very next search, cached or not."""
    from sqlalchemy import text

    first = await _search(api, AreaCode="801")
    await _search(api, AreaCode="801")  # kept, where results are kept
    number = sorted(_listed(first))[0]
    stock = (
        "UPDATE number_area_stock SET available = available + :delta WHERE (ngp, area_code, zipcode) = "
        "(SELECT ngp, area_code, zipcode FROM inventory_numbers WHERE number = :number) AND number_type = 'mobile' "
        "AND message_capable = (SELECT message_capable FROM inventory_numbers WHERE number = :number) "
        "AND voice_capable = (SELECT voice_capable FROM inventory_numbers WHERE number = :number)"
    )

    async def set_status(status: str, delta: int) -> None:
        path = _sqlite_file(platform)
        statements = [
            (stock, {"delta": delta, "number": number}),
            (
                "UPDATE inventory_numbers SET status = :status WHERE number = :number",
                {"status": status, "number": number},
            ),
        ]
        if path is not None:  # a connection of its own, as another process has
            conn = sqlite3.connect(path)
            with conn:
                for sql, params in statements:
                    conn.execute(sql, params)
            conn.close()
        else:
            async with platform.db.write() as session:
                for sql, params in statements:
                    await session.execute(text(sql), params)

    await set_status("assigned", -1)
    gone = await _search(api, AreaCode="801")
    assert number not in _listed(gone) and gone["ResultsTotal"] == 19
    await set_status("available", 1)
    back = await _search(api, AreaCode="801")
    assert number in _listed(back) and back["ResultsTotal"] == 20


def _varying(data: dict) -> dict:
    return {"RequestId": data["RequestId"], "RequestDate": data["RequestDate"]}


async def test_a_search_is_run_once_until_something_is_committed(api, platform, numbers, monkeypatch):
    if _sqlite_file(platform) is None:
        pytest.skip("results are kept on a SQLite file only (search.py: its data_version)")
    runs = []
    real = search._search

    async def counted(*args, **kwargs):
        runs.append(args[1:])
        return await real(*args, **kwargs)

    monkeypatch.setattr(search, "_search", counted)
    first = await _search(api, AreaCode="801")
    again = await _search(api, AreaCode="801")
    assert {**again, **_varying(first)} == first
    assert len(runs) == 1
    await _search(api, AreaCode="801", TotalNumbersRequested=5)  # another search: its own result
    await _search(api, AreaCode="", ZipCode="")  # the random one: never kept
    await _search(api, AreaCode="", ZipCode="")
    assert len(runs) == 4
    await provision(api, await make_message_route(api), AreaCode="212")  # a commit anywhere
    await _search(api, AreaCode="801")
    assert len(runs) == 5
