"""The SDK's one exception type."""

from __future__ import annotations

from typing import Any


class MpaasApiError(Exception):
    """A call failed: the server's `StatusCode` and `Message` (the vendor envelope).

    `status_code` is the HTTP status; 0 means no HTTP answer arrived at all (the connection failed on
    every attempt). `body` is the decoded response body when there was one."""

    def __init__(self, status_code: int, message: str, body: Any = None):
        self.status_code = status_code
        self.message = message
        self.body = body
        super().__init__(f"{status_code}: {message}")

    # The envelope's own spellings, for code written against the wire format.
    @property
    def StatusCode(self) -> int:
        return self.status_code

    @property
    def Message(self) -> str:
        return self.message
