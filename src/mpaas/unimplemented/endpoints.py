"""The contract's operations not served yet (all of AI Guardian and Workgroups, telegent-api.md §2 rows
107-141): each answers `501 {"StatusCode": 501, "Message": "Not implemented: ..."}` at its exact method and path
(matched case-insensitively like every path), instead of a 404 that would say the resource belongs to another
account. They are left out of the OpenAPI document, which lists only what is implemented, and out of the SDK.
A row is removed here when its operation is built (issues are filed for both families)."""

from __future__ import annotations

from fastapi import APIRouter

from mpaas.core.errors import ApiError

# (method, path, the contract's summary, family)
UNIMPLEMENTED: tuple[tuple[str, str, str, str], ...] = (
    ("POST", "/v1.0/subscribers/message-filter", "Create Message Filter", "AI Guardian"),
    ("GET", "/v1.0/subscribers/message-filter", "Get Message Filters", "AI Guardian"),
    ("POST", "/v1.0/subscribers/message-filter/update", "Update Message Filter", "AI Guardian"),
    ("POST", "/v1.0/subscribers/message-filter/delete", "Delete Message Filter", "AI Guardian"),
    ("GET", "/v1.0/subscribers/message-filter/allowed-contacts", "Get Allowed Contacts", "AI Guardian"),
    ("POST", "/v1.0/subscribers/message-filter/allowed-contacts/add", "Add Allowed Contacts", "AI Guardian"),
    ("POST", "/v1.0/subscribers/message-filter/allowed-contacts/remove", "Remove Allowed Contacts", "AI Guardian"),
    ("GET", "/v1.0/subscribers/message-filter/blocked-contacts", "Get Blocked Contacts", "AI Guardian"),
    ("POST", "/v1.0/subscribers/message-filter/blocked-contacts/add", "Add Blocked Contacts", "AI Guardian"),
    ("POST", "/v1.0/subscribers/message-filter/blocked-contacts/remove", "Remove Blocked Contacts", "AI Guardian"),
    ("GET", "/v1.0/subscribers/message-filter/keywords", "Get Message Filter Keywords", "AI Guardian"),
    ("POST", "/v1.0/subscribers/guardian-features", "Configure Guardian Features", "AI Guardian"),
    ("GET", "/v1.0/subscribers/guardian-features", "Get Guardian Features", "AI Guardian"),
    ("POST", "/v1.0/subscribers/guardians/relation", "Create Guardian Relation", "AI Guardian"),
    ("GET", "/v1.0/subscribers/guardians/relation/parent", "Get Guardian Relation Parent", "AI Guardian"),
    ("GET", "/v1.0/subscribers/guardians/relation/child", "Get Guardian Relation Child", "AI Guardian"),
    ("POST", "/v1.0/subscribers/guardians/relation/delete", "Remove Guardian Relation", "AI Guardian"),
    ("POST", "/v1.0/subscribers/call-filter", "Create Call Filter", "AI Guardian"),
    ("GET", "/v1.0/subscribers/call-filter", "Get Call Filters", "AI Guardian"),
    ("POST", "/v1.0/subscribers/call-filter/update", "Update Call Filter", "AI Guardian"),
    ("POST", "/v1.0/subscribers/call-filter/delete", "Delete Call Filter", "AI Guardian"),
    ("GET", "/v1.0/subscribers/call-filter/allowed-numbers", "Get Allowed Numbers", "AI Guardian"),
    ("POST", "/v1.0/subscribers/call-filter/allowed-numbers/add", "Add Allowed Numbers", "AI Guardian"),
    ("POST", "/v1.0/subscribers/call-filter/allowed-numbers/remove", "Remove Allowed Numbers", "AI Guardian"),
    ("GET", "/v1.0/subscribers/call-filter/blocked-numbers", "Get Blocked Numbers", "AI Guardian"),
    ("POST", "/v1.0/subscribers/call-filter/blocked-numbers/add", "Add Blocked Numbers", "AI Guardian"),
    ("POST", "/v1.0/subscribers/call-filter/blocked-numbers/remove", "Remove Blocked Numbers", "AI Guardian"),
    ("GET", "/v1.0/subscribers/call-filter/keywords", "Get Call Filter Keywords", "AI Guardian"),
    ("POST", "/v1.0/workgroups", "Create Workgroup", "Workgroups"),
    ("GET", "/v1.0/workgroups", "Get Workgroup Details", "Workgroups"),
    ("POST", "/v1.0/workgroups/update", "Update Workgroup", "Workgroups"),
    ("POST", "/v1.0/workgroups/activity", "Create Workgroup Activity", "Workgroups"),
    ("POST", "/v1.0/workgroups/activity/update", "Update Workgroup Activity", "Workgroups"),
    ("POST", "/v1.0/workgroups/activity/delete", "Delete Workgroup Activity", "Workgroups"),
    ("POST", "/v1.0/workgroups/delete", "Delete Workgroup", "Workgroups"),
)


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
