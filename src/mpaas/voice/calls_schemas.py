"""Wire shapes of the call records read API (GET /ext/v1/calls, an mpaas extension; docs/voice.md)."""

from __future__ import annotations

from pydantic import Field

from mpaas.core.wire import WireResponse


class CallRecord(WireResponse):
    """A call record; also the Data of every Call_* account webhook (with Event and Timestamp added)."""

    call_record_id: str = Field(alias="CallRecordId", examples=["CALL-019ae4c2-6d1b-7c3e-9a41-2f5d8e7b1c60"])
    sip_call_id: str = Field(alias="SipCallId")
    account_id: str | None = Field(alias="AccountId")
    number_id: str | None = Field(alias="NumberId")
    direction: str = Field(alias="Direction", examples=["inbound"])
    from_: str = Field(alias="From", examples=["+18015550100"])
    to: str = Field(alias="To", examples=["+18015557000"])
    status: str = Field(alias="Status", examples=["completed"])  # routing|ringing|in-progress|on-hold|completed
    branch: str | None = Field(alias="Branch")
    created_on: str | None = Field(alias="CreatedOn")
    ringing_on: str | None = Field(alias="RingingOn")
    answered_on: str | None = Field(alias="AnsweredOn")
    ended_on: str | None = Field(alias="EndedOn")
    duration_seconds: int | None = Field(alias="DurationSeconds")
    disposition: str | None = Field(alias="Disposition", examples=["answered"])
    sip_code: int | None = Field(alias="SipCode", examples=[200])
    sip_reason: str | None = Field(alias="SipReason")


class CallSearch(WireResponse):
    results_total_records: int = Field(alias="ResultsTotalRecords")
    results_pages: int = Field(alias="ResultsPages")
    page: int = Field(alias="Page")
    results: list[CallRecord] = Field(alias="Results")
