"""What the sync and async clients share: request building, the retry policy, token bookkeeping, and
turning a response into a model or an `MpaasApiError`. No I/O here."""

from __future__ import annotations

import inspect
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

from pydantic import ValidationError

from mpaas.client.base import WireRequest, WireResponse
from mpaas.client.errors import MpaasApiError
from mpaas.client.operations import BY_NAME, Operation

TOKEN_PATH = "/v1.0/OAuth2/tokens"
# The vendor's guidance: retry these with exponential backoff; never 400/401/403/404.
RETRY_STATUSES = frozenset({408, 429, 500, 503, 504})
DEFAULT_LIFETIME_SECONDS = 300.0  # assumed when a server's tokenExpiry cannot be read


@dataclass(frozen=True)
class RetryPolicy:
    """Exponential backoff from `initial` seconds, doubled per attempt, capped at `cap`; a server's
    `Retry-After` wins when present (also capped at `max_retry_after`)."""

    max_attempts: int = 6  # total tries per call, the first included
    initial: float = 1.0
    cap: float = 30.0
    max_retry_after: float = 120.0

    def delay(self, retry_number: int, retry_after: str | None = None, now: float | None = None) -> float:
        """Seconds to wait before retry `retry_number` (1 = the first retry)."""
        hinted = parse_retry_after(retry_after, time.time() if now is None else now)
        if hinted is not None:
            return min(hinted, self.max_retry_after)
        return min(self.cap, self.initial * 2 ** (retry_number - 1))


def parse_retry_after(value: str | None, now: float) -> float | None:
    """`Retry-After` as seconds: either delta-seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, when.timestamp() - now)


def parse_token_expiry(value: Any) -> float | None:
    """`05/02/2025 06:36:13 PM` (UTC, the vendor's format) or ISO 8601 -> epoch seconds."""
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    for fmt in ("%m/%d/%Y %I:%M:%S %p", "%m/%d/%Y %H:%M:%S"):
        try:
            return datetime.strptime(text, fmt).replace(tzinfo=UTC).timestamp()
        except ValueError:
            continue
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return (parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)).timestamp()


@dataclass
class CachedToken:
    value: str
    refresh_at: float  # epoch seconds after which a new token is minted before the next call


def cached_token(body: Any, now: float, refresh_margin: float) -> CachedToken:
    """The token from a token-endpoint response, due for renewal `refresh_margin` seconds before its
    expiry (or half-way through its life for very short-lived tokens)."""
    if not isinstance(body, dict) or not isinstance(body.get("token"), str) or not body["token"]:
        raise MpaasApiError(502, "The token endpoint answered without a token.", body)
    expires = parse_token_expiry(body.get("tokenExpiry") or body.get("TokenExpiry"))
    if expires is None:
        expires = now + DEFAULT_LIFETIME_SECONDS
    lifetime = max(0.0, expires - now)
    return CachedToken(body["token"], expires - min(refresh_margin, lifetime / 2))


def normalize_base(url: str) -> str:
    """`https://api.telegent.com/v1.0/` -> `https://api.telegent.com`: the vendor's docs call the URL with
    `/v1.0` the base URL, while every operation's path already starts with `/v1.0`."""
    base = url.strip().rstrip("/")
    return base[: -len("/v1.0")] if base.lower().endswith("/v1.0") else base


def scope_key(path: str) -> str:
    """Tokens are per endpoint URL; the vendor (and this server) compare paths without case or query."""
    return path.split("?", 1)[0].rstrip("/").lower()


def resolve(operation: Operation | str) -> Operation:
    if isinstance(operation, Operation):
        return operation
    try:
        return BY_NAME[operation]
    except KeyError:
        raise AttributeError(f"no operation named {operation!r}") from None


def build_request(op: Operation, request: WireRequest | dict | None, fields: dict[str, Any]) -> dict[str, Any]:
    """Keyword arguments for httpx: `params` for GET, `json` for POST."""
    if op.request is None:
        if request is not None or fields:
            raise TypeError(f"{op.name}() takes no arguments")
        return {}
    try:
        if request is None:
            model = op.request.model_validate(fields)
        elif isinstance(request, op.request):
            model = (
                op.request.model_validate({**request.model_dump(by_alias=True, exclude_unset=True), **fields})
                if fields
                else request
            )
        elif isinstance(request, dict):
            model = op.request.model_validate({**request, **fields})
        else:
            raise TypeError(f"{op.name}() expects {op.request.__name__}, a dict or keyword arguments")
    except ValidationError as exc:
        # Caught before anything is sent, reported the way the server would: one error type for callers.
        first = exc.errors()[0]
        field = ".".join(str(p) for p in first.get("loc", ())) or op.request.__name__
        text = "is required" if first.get("type") == "missing" else f"is invalid ({first.get('msg')})"
        raise MpaasApiError(400, f"The {field} field {text}.", exc.errors(include_url=False)) from None
    wire = model.to_wire()
    if op.method == "GET":
        return {"params": {k: _query_value(v) for k, v in wire.items()}}
    return {"json": wire}


def _query_value(value: Any) -> Any:
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


def decode(response) -> Any:
    try:
        return response.json()
    except ValueError:
        return response.text or None


def raise_for(response) -> None:
    """MpaasApiError for anything but 2xx, with the envelope's StatusCode and Message."""
    if 200 <= response.status_code < 300:
        return
    body = decode(response)
    message = None
    if isinstance(body, dict):
        message = body.get("Message") or body.get("message") or body.get("Title") or body.get("title")
    elif isinstance(body, str) and body.strip():
        message = body.strip()[:500]
    raise MpaasApiError(response.status_code, str(message or response.reason_phrase or "Error"), body)


def parse(op: Operation | None, response) -> Any:
    body = decode(response)
    model = op.response if op is not None else WireResponse
    if isinstance(body, dict):
        return read_as(model, body)
    if isinstance(body, list):
        return [read_as(model, item) if isinstance(item, dict) else item for item in body]
    return body


def read_as(model: type[WireResponse], body: dict[str, Any]) -> WireResponse:
    """`body` as `model`; as a plain `WireResponse` when a field's value is not of the type this server's
    document gives it (another Telegent-compatible server may answer so), since the call itself succeeded."""
    try:
        return model.model_validate(body)
    except ValidationError:
        return WireResponse.model_validate(body)


def should_retry(status_code: int) -> bool:
    return status_code in RETRY_STATUSES


def signature_of(op: Operation) -> inspect.Signature:
    """`(request=None, /, *, field=..., ...)` so help() and IDEs show the operation's fields."""
    params = [
        inspect.Parameter("request", inspect.Parameter.POSITIONAL_ONLY, default=None, annotation=op.request or None)
    ]
    if op.request is not None:
        for name, field in op.request.model_fields.items():
            params.append(
                inspect.Parameter(
                    name,
                    inspect.Parameter.KEYWORD_ONLY,
                    default=None if not field.is_required() else inspect.Parameter.empty,
                    annotation=field.annotation,
                )
            )
    return inspect.Signature(params, return_annotation=op.response)


def describe(op: Operation) -> str:
    return f"{op.summary}: {op.method} {op.path}.\n\nReturns {op.response.__name__}; raises MpaasApiError."


Sleep = Callable[[float], Any]
Clock = Callable[[], float]
