"""The contract's 7 workgroup operations and GET /v1.0/account/workgroups (telegent-api.md, "Workgroups (and
Schedules)"). `POST /v1.0/workgroups/delete` takes WorkgroupId in the query and no body, as the contract has it."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query

from mpaas.auth.dependencies import Caller
from mpaas.core.errors import required
from mpaas.dependencies import Now, ReadSession, WriteSession
from mpaas.workgroups import service
from mpaas.workgroups.schemas import (
    AccountWorkgroups,
    CreateMember,
    CreateWorkgroup,
    DeleteMember,
    MemberStatus,
    UpdateMember,
    UpdateWorkgroup,
    WorkgroupDeleted,
    WorkgroupOut,
)

router = APIRouter(tags=["Workgroups"])


@router.post("/v1.0/workgroups", summary="Create Workgroup", response_model=WorkgroupOut)
async def create_workgroup(body: CreateWorkgroup, who: Caller, session: WriteSession, now: Now) -> dict[str, Any]:
    return await service.present(session, await service.create(session, who, body, now))


@router.get(
    "/v1.0/workgroups",
    summary="Get Workgroup Details",
    response_model=WorkgroupOut | list[WorkgroupOut],  # without WorkgroupId: the caller's workgroups
)
async def get_workgroup(
    who: Caller,
    session: ReadSession,
    workgroup_id: str | None = Query(None, alias="WorkgroupId", max_length=64),
    account_id: str | None = Query(None, alias="AccountId", max_length=64),
) -> Any:
    if not workgroup_id or not workgroup_id.strip():  # optional in the contract: the caller's workgroups
        return [await service.present(session, w) for w in await service.listing(session, who, account_id)]
    return await service.present(session, await service.find(session, who, workgroup_id, account_id))


@router.post("/v1.0/workgroups/update", summary="Update Workgroup", response_model=WorkgroupOut)
async def update_workgroup(body: UpdateWorkgroup, who: Caller, session: WriteSession, now: Now) -> dict[str, Any]:
    return await service.present(session, await service.update(session, who, body, now))


@router.post("/v1.0/workgroups/activity", summary="Create Workgroup Activity", response_model=MemberStatus)
async def create_member(body: CreateMember, who: Caller, session: WriteSession, now: Now) -> dict[str, Any]:
    member_id = await service.create_member(session, who, body, now)
    return {"WorkgroupActivityStatus": "Created", "WorkgroupActivityId": member_id}


@router.post("/v1.0/workgroups/activity/update", summary="Update Workgroup Activity", response_model=MemberStatus)
async def update_member(body: UpdateMember, who: Caller, session: WriteSession, now: Now) -> dict[str, Any]:
    member_id = await service.update_member(session, who, body, now)
    return {"WorkgroupActivityStatus": "Updated", "WorkgroupActivityId": member_id}


@router.post("/v1.0/workgroups/activity/delete", summary="Delete Workgroup Activity", response_model=MemberStatus)
async def delete_member(body: DeleteMember, who: Caller, session: WriteSession) -> dict[str, Any]:
    member_id = await service.delete_member(session, who, body.workgroup_activity_id)
    return {"WorkgroupActivityStatus": "Deleted", "WorkgroupActivityId": member_id}


@router.post("/v1.0/workgroups/delete", summary="Delete Workgroup", response_model=WorkgroupDeleted)
async def delete_workgroup(
    who: Caller, session: WriteSession, workgroup_id: str | None = Query(None, alias="WorkgroupId", max_length=64)
) -> dict[str, Any]:
    if not workgroup_id or not workgroup_id.strip():
        raise required("WorkgroupId")
    return {"WorkgroupId": await service.delete(session, who, workgroup_id), "Successful": True}


@router.get(
    "/v1.0/account/workgroups", tags=["Accounts"], summary="Get Account's Workgroups", response_model=AccountWorkgroups
)
async def account_workgroups(
    who: Caller, session: ReadSession, account_id: str | None = Query(None, alias="AccountId", max_length=64)
) -> dict[str, Any]:
    return {"Workgroups": [service.summary(w) for w in await service.listing(session, who, account_id)]}
