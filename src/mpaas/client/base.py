"""Base classes of the SDK's models: PascalCase on the wire, snake_case in Python.

Requests validate the fields they declare and pass any others through unchanged, so a field the
server learned after this SDK was written can still be sent. Responses are permissive: every field the
server returned is kept, declared ones are typed, and any other one is readable in snake_case too
(`resp.account_id` finds `AccountID`, `AccountId` or `accountId`), because the vendor's own casing is
inconsistent."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict
from pydantic.alias_generators import to_pascal


def _norm(name: str) -> str:
    return name.replace("_", "").lower()


class WireRequest(BaseModel):
    """A request body (POST) or query string (GET)."""

    model_config = ConfigDict(alias_generator=to_pascal, populate_by_name=True, extra="allow")

    def to_wire(self) -> dict[str, Any]:
        """The wire form: aliases, unset fields left out, extra fields kept as given."""
        return self.model_dump(mode="json", by_alias=True, exclude_none=True)


def _wrap(value: Any) -> Any:
    if isinstance(value, dict):
        return WireResponse.model_validate(value)
    if isinstance(value, list):
        return [_wrap(v) for v in value]
    return value


class WireResponse(BaseModel):
    """A response body. Undeclared fields are kept; nested objects read the same way."""

    model_config = ConfigDict(alias_generator=to_pascal, populate_by_name=True, extra="allow")

    def __getattr__(self, name: str) -> Any:
        try:
            return super().__getattr__(name)
        except AttributeError:
            if name.startswith("_"):
                raise
            extra = self.__pydantic_extra__ or {}
            wanted = _norm(name)
            for key, value in extra.items():
                if _norm(key) == wanted:
                    return _wrap(value)
            raise

    def __getitem__(self, key: str) -> Any:
        """The raw wire value by its exact name: `resp["MessageRouteId"]`."""
        return self.to_wire()[key]

    def get(self, key: str, default: Any = None) -> Any:
        return self.to_wire().get(key, default)

    def to_wire(self) -> dict[str, Any]:
        """The body as the server sent it (declared fields under their wire names)."""
        return self.model_dump(mode="json", by_alias=True, exclude_unset=True)
