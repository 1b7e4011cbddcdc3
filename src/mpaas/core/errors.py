"""One error type for the whole API, rendered in the vendor envelope {"StatusCode", "Message"}."""

from __future__ import annotations

# The contract's standard texts (telegent-api.md §1.7), used when no specific message applies.
STANDARD_MESSAGES: dict[int, str] = {
    400: "Bad request: one or more required fields are missing or contain an invalid value.",
    401: "Unauthorized: Bearer token is missing, expired, or invalid. Re-authenticate via POST /v1.0/oauth2/tokens.",
    403: "Forbidden: your token does not have permission to access this resource. Check the ApiEndpoint scope.",
    404: "Not found: the requested resource does not exist or belongs to a different account.",
    405: "Method not allowed: verify the HTTP method required for this endpoint.",
    408: "Request timeout: the server did not receive a complete request within the allowed time. Retry with exponential backoff.",
    413: "Payload too large: the request body exceeds the server's limit (MPAAS_MAX_BODY_BYTES).",
    429: "Too many requests: rate limit exceeded. Slow your request cadence and retry after a short delay.",
    # The contract's 500 text names the vendor's support address; a self-hosted server's operator is the one
    # to ask (issue 17), and the handler adds the request id it logged the error under (server_error_message).
    500: "Internal server error: an unexpected error occurred and was logged by this server.",
    503: "Service unavailable: the API is temporarily unavailable. Retry after a short delay.",
    504: "Gateway timeout: an upstream service did not respond in time. Retry with exponential backoff.",
}


def server_error_message(request_id: str) -> str:
    """The 500 text: what happened, and the id the operator finds the logged traceback under."""
    return f"{STANDARD_MESSAGES[500]} If the problem persists, give its operator this request id: {request_id}."


class ApiError(Exception):
    """A failure the client should see: HTTP status, vendor message, optional extra headers."""

    def __init__(self, status: int, message: str | None = None, headers: dict[str, str] | None = None):
        self.status = status
        self.message = message or STANDARD_MESSAGES.get(status, "Error")
        self.headers = headers or {}
        super().__init__(self.message)

    def envelope(self) -> dict:
        return {"StatusCode": self.status, "Message": self.message}


def bad_request(message: str) -> ApiError:
    return ApiError(400, message)


def not_found(message: str | None = None) -> ApiError:
    return ApiError(404, message)


def missing(kind: str, identifier: str) -> ApiError:
    """404 for a resource that does not exist or is another account's: the two are indistinguishable."""
    return ApiError(404, f"Not found: {kind} {identifier} does not exist or belongs to a different account.")


def required(field: str) -> ApiError:
    """ASP.NET's wording, which the contract quotes for ApiEndpoint."""
    return ApiError(400, f"The {field} field is required.")
