"""POST /v1.0/numbers/availability served without FastAPI's per-request machinery (issue 20).

The operation is declared as before (endpoints.py: its body model, `Caller`, its response model), so the OpenAPI
document and FastAPI's routing, 405 included, are unchanged. Only the request is handled here, by the route's
`handle`, in the order and with the errors FastAPI's request handler gives it:

1. the body read, and parsed as JSON when its content type is JSON (`application/json` or `application/*+json`);
   not JSON is a 400 `json_invalid`, a failed read a 400 as FastAPI answers it;
2. `Caller`'s checks (auth/dependencies.py `authenticate`: token, endpoint scope, rate limit, principal): 401,
   403 and 429 before the body is validated, as FastAPI ran the dependency first;
3. the body validated by FastAPI's own body field (the same model, the same errors, loc `("body", ...)`), a
   RequestValidationError for the app's handler, which renders the vendor's 400 envelope; a valid JSON body met
   before is not parsed or validated again (`_validated_bodies`);
4. the search (service.availability_json) and its answer: the same bytes, with the rate-limit headers that
   `Caller` adds to a response (X-RateLimit-*, when the credential has a limit).

FastAPI's dependency solving, the Request object and the exit stacks cost this endpoint more CPU than the
search itself (py-spy of bench/availability.py); none of them did anything for it. Errors propagate to the
app's exception handlers exactly as from FastAPI's handler (the route is called inside the same middleware).
"""

from __future__ import annotations

from fastapi.routing import APIRoute

from mpaas.auth.dependencies import authenticate
from mpaas.core.http.lean import header, is_json, parse_json_body, read_body, validated_body
from mpaas.numbers.provisioning import service
from mpaas.numbers.provisioning.schemas import AvailabilityRequest

# Bodies validated, by their bytes: validation is a function of the bytes alone (the JSON, then the model's
# validators), and searches repeat (an integration asks for the same areas again and again). Parsing and
# validating a body cost about a third of a search answered from kept results; a body met before skips both.
# Only valid JSON bodies of a JSON content type are kept, so the errors and their order are untouched.
MAX_KEPT_BODIES = 1024
MAX_KEPT_BODY_BYTES = 1024
_validated_bodies: dict[bytes, AvailabilityRequest] = {}


class AvailabilityRoute(APIRoute):
    """The availability operation's route: FastAPI's for everything but handling a POST (module docstring)."""

    async def handle(self, scope, receive, send) -> None:
        if scope["method"] != "POST":
            await super().handle(scope, receive, send)  # FastAPI's 405 with its Allow header
            return
        platform = scope["app"].state.platform
        raw = await read_body(scope, receive)
        body = _validated_bodies.get(raw) if is_json(header(scope, b"content-type")) else None
        if body is None:
            data = parse_json_body(raw, header(scope, b"content-type"))
            _who, rate_headers = await authenticate(platform, header(scope, b"authorization") or "", scope["path"])
            body = validated_body(self, data)
            if len(raw) <= MAX_KEPT_BODY_BYTES and data is not raw:  # JSON (not the bytes of another type)
                if len(_validated_bodies) >= MAX_KEPT_BODIES:
                    _validated_bodies.clear()
                _validated_bodies[raw] = body
        else:
            _who, rate_headers = await authenticate(platform, header(scope, b"authorization") or "", scope["path"])
        content = await service.availability_json(platform.db, body, platform.clock.now())
        headers = [(b"content-length", str(len(content)).encode()), (b"content-type", b"application/json")]
        headers += [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in rate_headers.items()]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": content})
