"""The contract's operations not served yet (all of AI Guardian and Workgroups, telegent-api.md §2 rows
107-141): each answers `501 {"StatusCode": 501, "Message": "Not implemented: ..."}` at its exact method and path
(matched case-insensitively like every path), instead of a 404 that would say the resource belongs to another
account. They are left out of the OpenAPI document, which lists only what is implemented, and out of the SDK.
A row is removed here when its operation is built (issues are filed for both families)."""

from __future__ import annotations

from fastapi import APIRouter

from mpaas.core.errors import ApiError

# (method, path, the contract's summary, family)
UNIMPLEMENTED: tuple[tuple[str, str, str, str], ...] = ()


def message(method: str, path: str, summary: str, family: str) -> str:
    return (
        f"Not implemented: {method} {path} ({summary}, {family}) is an operation of the Telegent API that this "
        "server does not implement yet."
    )


def _handler(text: str):
    async def not_implemented() -> None:
        raise ApiError(501, text)

    return not_implemented


router = APIRouter()
for _method, _path, _summary, _family in UNIMPLEMENTED:
    router.add_api_route(
        _path, _handler(message(_method, _path, _summary, _family)), methods=[_method], include_in_schema=False
    )
