"""POST /v1.0/message/outbound as messaging/send_route.py serves it (without FastAPI's dependency solving): every
answer FastAPI's parameters and dependencies gave, pinned. These pass against the FastAPI-served endpoint too
(before issue 20's lean route): the order of the checks (body JSON, then the caller, then the body's fields, then
the send's own rules) and each envelope."""

from __future__ import annotations

import json

import pytest

from mpaas.core.errors import STANDARD_MESSAGES
from mpaas.messaging.schemas import SendOut
from support.api import Api, make_message_route, provision
from support.seed import new_distributor

pytestmark = pytest.mark.no_workers  # only calls the API: no job needs to run

PATH = "/v1.0/message/outbound"
NOT_YOURS = {"StatusCode": 400, "Message": "Phone number does not belong to account"}


async def _sender(api: Api) -> str:
    return (await provision(api, await make_message_route(api)))["PhoneNumberAssigned"]


async def _post(api: Api, content: bytes | str, *, content_type: str | None = "application/json", path: str = PATH):
    headers = {"Authorization": f"Bearer {await api.token(PATH)}"}
    if content_type is not None:
        headers["Content-Type"] = content_type
    return await api.http.post(path, content=content, headers=headers)


def _envelope(status: int, message: str) -> dict:
    return {"StatusCode": status, "Message": message}


@pytest.mark.parametrize(
    "content,message",
    [
        (b"", "A JSON request body is required."),
        (b"{not json", "The request body is not valid JSON."),
        (b"[1, 2]", "The request body must be a JSON object."),
        (b'"text"', "The request body must be a JSON object."),
        (b"null", "The request body must be a JSON object."),
        (b"{}", "The To field is required."),
        (b'{"To": [{"Number": "+18015737111"}], "Body": "x"}', "The From field is required."),
        (b'{"From": "", "To": [{"Number": "+18015737111"}], "Body": "x"}', "The From field is required."),
        (b'{"From": "+18015550100", "To": [], "Body": "x"}', "The To field is required."),
        (b'{"From": "+18015550100", "To": [{}], "Body": "x"}', "The To[0].Number field is required."),
        (b'{"From": "+18015550100", "To": [{"Number": ""}], "Body": "x"}', "The To[0].Number field is required."),
        (b'{"From": "+18015550100", "To": [{"Number": "+18015737111"}]}', "The Body field is required."),
        (b'{"From": 5, "To": [{"Number": "+18015737111"}], "Body": "x"}', "The From field ..."),
        (b'{"From": "+18015550100", "To": "+18015737111", "Body": "x"}', "The To field ..."),
        (b'{"From": "+18015550100", "To": [{"Number": "+18015737111"}], "Body": [1]}', "The Body field ..."),
    ],
)
async def test_bodies_refused_as_before(api, content, message):
    response = await _post(api, content)
    assert response.status_code == 400, response.text
    assert response.headers["content-type"] == "application/json"
    if message.endswith("..."):  # the field named; the wording is pydantic's
        assert response.json()["Message"].startswith(message[:-3]), response.text
    else:
        assert response.json() == _envelope(400, message)


@pytest.mark.parametrize("content_type", [None, "text/plain", "application/x-www-form-urlencoded"])
async def test_a_body_that_is_not_declared_json_is_not_read_as_json(api, content_type):
    body = json.dumps({"From": "+18015550100", "To": [{"Number": "+18015737111"}], "Body": "x"})
    response = await _post(api, body, content_type=content_type)
    assert response.status_code == 400
    assert response.json() == _envelope(400, "The request body must be a JSON object.")


@pytest.mark.parametrize("content_type", ["application/json; charset=utf-8", "text/json", "application/vnd.x+json"])
async def test_json_content_types(api, numbers, content_type):
    source = await _sender(api)
    body = json.dumps({"From": source, "To": [{"Number": "+18015737111"}], "Body": "x"})
    response = await _post(api, body, content_type=content_type)
    assert response.status_code == 200, response.text


async def test_not_json_is_refused_before_the_caller_is_checked(http):
    response = await http.post(PATH, content=b"{not json", headers={"Content-Type": "application/json"})
    assert response.json() == _envelope(400, "The request body is not valid JSON.")


@pytest.mark.parametrize("content", [b"", b"{}", b'{"From": ""}'])
async def test_the_caller_is_checked_before_the_fields(http, content):
    response = await http.post(PATH, content=content, headers={"Content-Type": "application/json"})
    assert response.status_code == 401
    assert response.json() == _envelope(401, STANDARD_MESSAGES[401])
    bad = await http.post(
        PATH, content=content, headers={"Content-Type": "application/json", "Authorization": "Bearer nope"}
    )
    assert bad.json() == _envelope(401, STANDARD_MESSAGES[401])
    basic = await http.post(
        PATH, content=content, headers={"Content-Type": "application/json", "Authorization": "Basic abc"}
    )
    assert basic.json() == _envelope(401, STANDARD_MESSAGES[401])


async def test_a_token_for_another_endpoint_is_forbidden(api, numbers):
    source = await _sender(api)
    token = await api.token("/v1.0/message/details")
    response = await api.http.post(
        PATH,
        json={"From": source, "To": [{"Number": "+18015737111"}], "Body": "x"},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 403
    assert response.json() == _envelope(403, STANDARD_MESSAGES[403])
    # Before the fields: a body the model refuses is still 403.
    empty = await api.http.post(PATH, json={}, headers={"Authorization": f"Bearer {token}"})
    assert empty.json() == _envelope(403, STANDARD_MESSAGES[403])


async def test_the_path_in_any_casing_is_the_token_s_endpoint(api, numbers):
    source = await _sender(api)
    body = json.dumps({"From": source, "To": [{"Number": "+18015737111"}], "Body": "x"})
    response = await _post(api, body, path="/V1.0/Message/OUTBOUND/")
    assert response.status_code == 200, response.text


async def test_unknown_and_other_tenants_numbers(api, other_api, numbers):
    mine = await _sender(api)
    theirs = await _sender(other_api)
    for source in ("+18015550100", theirs):
        response = await api.post(PATH, {"From": source, "To": [{"Number": "+18015737111"}], "Body": "x"})
        assert response.status_code == 400
        assert response.json() == NOT_YOURS
    bad_from = await api.post(PATH, {"From": "not a number", "To": [{"Number": "+18015737111"}], "Body": "x"})
    assert bad_from.json() == _envelope(400, "The From field must be an E.164 number such as +18015551234.")
    bad_to = await api.post(PATH, {"From": mine, "To": [{"Number": "12"}], "Body": "x"})
    assert bad_to.json() == _envelope(400, "The To[0].Number field must be a valid E.164 number (got '12').")
    blank = await api.post(PATH, {"From": mine, "To": [{"Number": "+18015737111"}], "Body": ""})
    assert blank.json() == _envelope(400, "The Body field is required.")


async def test_the_answer(api, numbers):
    source = await _sender(api)
    response = await api.post(
        PATH, {"from": source, "TO": [{"number": "18015737111"}], "Body": "Hello", "CampaignId": "JCID-1"}
    )
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/json"
    assert int(response.headers["content-length"]) == len(response.content)
    data = response.json()
    assert list(data) == [SendOut.model_fields[name].alias for name in SendOut.model_fields]
    assert data["To"] == [{"Number": "+18015737111"}] and data["From"] == source and data["Owner"] == source
    assert data["Cost"] == 0.0045 and data["Segment"] == 1 and data["Status"] == "Queued"
    assert data["Messages"] == [
        {"MessageId": data["MessageId"], "To": "+18015737111", "Status": "Queued", "Cost": 0.0045}
    ]
    # Serialised as FastAPI serialises a response model: compact JSON by alias.
    assert response.content == SendOut.model_validate(data).model_dump_json(by_alias=True).encode()
    details = await api.ok("GET", "/v1.0/message/details", params={"MessageId": data["MessageId"]})
    assert details["Status"] == "Queued" and details["Body"] == "Hello"  # committed before the answer


@pytest.mark.parametrize(
    "extra",
    [
        {"Body": 'Línea uno\n\ttab \u2028 "quoted" \\ emoji \U0001f600', "CampaignId": None},
        {"Body": "links", "MmsMedia": [{"MediaUrl": "https://example.com/cat.jpg"}]},
        {"Body": "", "MmsBase64": [{"Base64": "aGVsbG8=", "BaseType": "image/png"}], "Owner": "someone"},
    ],
)
async def test_the_answer_is_sendouts_serialisation(api, numbers, extra):
    """The answer is written from outbound_response's dict without building SendOut (lean.shaped_response): the
    same bytes as the model's, for every shape the answer takes."""
    source = await _sender(api)
    to = [{"Number": "+18015737111"}, {"Number": "18015737112"}, {"Number": "+18015737111"}]
    response = await api.post(PATH, {"From": source, "To": to, **extra})
    assert response.status_code == 200, response.text
    model = SendOut.model_validate(response.json())
    assert response.content == model.model_dump_json(by_alias=True).encode()
    assert model.model_dump(by_alias=True) == response.json()


async def test_rate_limit_headers_and_429(platform, http, numbers):
    api = Api(http, await new_distributor(platform, "Limited", rate_limit=8))
    source = await _sender(api)
    body = {"From": source, "To": [{"Number": "+18015737111"}], "Body": "x"}
    first = await api.post(PATH, body)
    assert first.status_code == 200
    assert first.headers["X-RateLimit-Limit"] == "8"
    remaining = int(first.headers["X-RateLimit-Remaining"])
    assert remaining >= 2
    # FastAPI's own headers first, then the dependency's, as FastAPI appended them.
    names = [name for name, _ in first.headers.raw]
    assert names[:2] == [b"content-length", b"content-type"]
    assert names[2:5] == [b"x-ratelimit-limit", b"x-ratelimit-remaining", b"x-ratelimit-reset"]
    refused_fields = await api.post(PATH, {})  # counted, then refused for its fields: no rate-limit headers
    assert refused_fields.status_code == 400 and "x-ratelimit-limit" not in refused_fields.headers
    for _ in range(remaining - 1):
        assert (await api.post(PATH, body)).status_code == 200
    limited = await api.post(PATH, body)
    assert limited.status_code == 429
    assert limited.json()["StatusCode"] == 429
    assert limited.headers["X-RateLimit-Remaining"] == "0" and "Retry-After" in limited.headers
    assert limited.json() == _envelope(429, limited.json()["Message"])


async def test_a_deactivated_distributor_is_refused_at_once(platform, api, numbers):
    from sqlalchemy import update

    from mpaas.models import Distributor

    source = await _sender(api)
    body = {"From": source, "To": [{"Number": "+18015737111"}], "Body": "x"}
    assert (await api.post(PATH, body)).status_code == 200
    async with platform.db.write() as session:
        await session.execute(
            update(Distributor).where(Distributor.id == api.credential.account_key).values(active=False)
        )
    refused = await api.post(PATH, body)
    assert refused.status_code == 401
    assert refused.json() == _envelope(401, STANDARD_MESSAGES[401])


async def test_other_methods_are_405(api):
    response = await api.get(PATH)
    assert response.status_code == 405
    assert response.json() == _envelope(405, STANDARD_MESSAGES[405])
    assert response.headers["allow"] == "POST"
