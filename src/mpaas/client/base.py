"""Base classes of the SDK's models: PascalCase on the wire, snake_case in Python.

Requests validate the fields they declare and pass any others through unchanged, so a field the
server learned after this SDK was written can still be sent. Responses are permissive: every field the
server returned is kept, declared ones are typed, and any other one is readable in snake_case too
(`resp.account_id` finds `AccountID`, `AccountId` or `accountId`), because the vendor's own casing is
inconsistent. A declared field the server spelled in another casing fills the declared field, and
`to_wire()` still spells it as the server did."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, PlainSerializer, PrivateAttr, model_serializer
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


def _json_number(value: Decimal) -> int | float:
    # Back to the JSON number the server sent: 0 stays 0, 0.0045 stays 0.0045 (not the string "0.0045").
    exponent = value.as_tuple().exponent
    return int(value) if isinstance(exponent, int) and exponent >= 0 else float(value)


# A JSON number (money, mostly): exact in Python, a number again in `to_wire()`.
Number = Annotated[Decimal, PlainSerializer(_json_number, when_used="json")]
# Any JSON value; objects in it read like responses (`value.phone_number`), as undeclared fields do.
Open = Annotated[Any, AfterValidator(_wrap)]


class WireResponse(BaseModel):
    """A response body. Undeclared fields are kept; nested objects read the same way."""

    model_config = ConfigDict(alias_generator=to_pascal, populate_by_name=True, extra="allow")

    # Declared fields the server sent under another casing: field name -> the server's key (kept in the extras).
    _respelled: dict[str, str] = PrivateAttr(default_factory=dict)

    def model_post_init(self, context: Any, /) -> None:
        extra = self.__pydantic_extra__
        if not extra:
            return
        fields = type(self).model_fields
        unset = {_norm(f.alias or n): n for n, f in fields.items() if n not in self.model_fields_set}
        for key in list(extra):
            name = unset.get(_norm(key))
            if name is None:
                continue
            try:
                self.__pydantic_validator__.validate_assignment(self, name, extra[key])
            except ValueError:
                continue  # not of the declared type: stays readable as an undeclared field
            self._respelled[name] = key

    @model_serializer(mode="wrap")
    def _as_sent(self, handler: Any, info: Any) -> Any:
        data = handler(self)
        if self._respelled and isinstance(data, dict):
            fields = type(self).model_fields
            for name in self._respelled:  # the server's own spelling is in the extras
                data.pop((fields[name].alias or name) if info.by_alias else name, None)
        return data

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
