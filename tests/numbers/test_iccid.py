"""An ICCID is one physical SIM: one number on the whole platform holds it (provision, update, port-in, SIM
operations), the database's unique index backs the checks, and the refusal reads the same whoever holds it."""

from __future__ import annotations

import pytest
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError

from mpaas.models import PhoneNumber
from support.api import make_message_route, provision

SIM = "8901240397190195850"
OTHER_SIM = "8901240397190195868"
ADDRESS = {"Street1": "2701 N Thanksgiving Way", "City": "Lehi", "State": "UT", "Zip": "84043"}
TAKEN = {"StatusCode": 400, "Message": f"ICCID {SIM} is already assigned to another number."}


def _portin(number: str, **kw) -> dict:
    return {
        "PortInNumber": number,
        "CurrentCarrierName": "Verizon",
        "CurrentAccountNumber": "46512222",
        "CurrentAccountPassword": "0000",
        "TargetPortinClassification": "mvno",
        "SubscriberName": "Jane Doe",
        "CurrentBillingAddress": ADDRESS,
        **kw,
    }


async def _number(api, **overrides) -> str:
    return (await provision(api, await make_message_route(api), **overrides))["PhoneNumberAssigned"]


async def _provision_raw(api, **overrides):
    body = {
        "NumberType": "mvno",
        "MessageType": "p2p",
        "MessageEnabled": True,
        "VoiceEnabled": False,
        "MessageRouteId": await make_message_route(api),
        "ProductType": "Sms+Data",
        **overrides,
    }
    return await api.post("/v1.0/numbers/provision", body)


async def test_a_second_distributor_cannot_provision_with_anothers_iccid(api, other_api, numbers):
    mine = await _number(api, ICCID=SIM)
    response = await _provision_raw(other_api, ICCID=SIM)
    assert response.json() == TAKEN
    # The owner keeps using its number and SIM.
    data = await api.ok("POST", "/v1.0/numbers/update", json={"Number": mine, "Iccid": SIM, "Cnam": "Acme"})
    assert data is not None
    assert (await api.ok("GET", "/v1.0/numbers", params={"Number": mine}))["Iccid"] == SIM


async def test_the_refusal_is_the_same_whoever_holds_the_sim(api, other_api, numbers):
    await _number(api, ICCID=SIM)
    own = await _provision_raw(api, ICCID=SIM)  # the caller itself holds it
    foreign = await _provision_raw(other_api, ICCID=SIM)  # another distributor holds it
    assert own.json() == foreign.json() == TAKEN


async def test_update_cannot_take_another_distributors_sim(api, other_api, numbers):
    await _number(api, ICCID=SIM)
    theirs = await _number(other_api, ICCID=OTHER_SIM)
    response = await other_api.post("/v1.0/numbers/update", {"Number": theirs, "Iccid": SIM})
    assert response.json() == TAKEN


async def test_port_in_cannot_name_another_distributors_sim(api, other_api, numbers):
    await _number(api, ICCID=SIM)
    response = await other_api.post("/v1.0/numbers/portin", _portin("+13136398795", ICCID=SIM))
    assert response.json() == TAKEN
    order = await other_api.ok("POST", "/v1.0/numbers/portin", json=_portin("+13136398796", ICCID=OTHER_SIM))
    response = await other_api.post("/v1.0/numbers/portin/update", {"OrderId": order["OrderId"], "ICCID": SIM})
    assert response.json() == TAKEN


async def test_sim_status_cannot_attach_another_distributors_sim(api, other_api, numbers):
    await _number(api, ICCID=SIM)
    theirs = await _number(other_api)
    response = await other_api.post("/v1.0/sims/update-status", {"ICCID": SIM, "MSISDN": theirs, "SimStatus": "Active"})
    assert response.status_code in (400, 404)
    assert "Acme" not in response.text and api.credential.account_key not in response.text
    assert (await other_api.ok("GET", "/v1.0/numbers", params={"Number": theirs}))["Iccid"] != SIM


async def test_the_database_refuses_a_second_holder(api, other_api, numbers, platform):
    """Whatever a code path forgets to check, the unique index holds."""
    await _number(api, ICCID=SIM)
    theirs = await _number(other_api)
    with pytest.raises(IntegrityError):
        async with platform.db.write() as session:
            await session.execute(update(PhoneNumber).where(PhoneNumber.number == theirs).values(iccid=SIM))


def test_migration_0010_keeps_the_oldest_holder_of_a_shared_iccid(tmp_path):
    """Rows that shared an ICCID before the unique index: the oldest number keeps the SIM, the later lose it."""
    import sqlite3
    from contextlib import closing

    from alembic import command

    from mpaas.core.db.migrate import alembic_config

    path = tmp_path / "m.db"
    config = alembic_config(f"sqlite:///{path}")
    command.upgrade(config, "0007_drop_unused_indexes")
    insert = (
        "INSERT INTO phone_numbers (id, account_id, number, number_type, message_type, message_enabled, "
        "voice_enabled, data_enabled, iccid, qr_code, product_type, status, order_id, zipcode, created_at, "
        "updated_at, sim_status) VALUES (?, 'AID-x', ?, 'mvno', 'p2p', 1, 0, 0, ?, 'LPA:1$x', 'Sms+Data', 'Active', "
        "'JNUOID-x', '84043', ?, ?, 'Active')"
    )
    rows = [
        ("NID-b", "+18015550002", SIM, "2026-02-01 00:00:00"),
        ("NID-a", "+18015550001", SIM, "2026-01-01 00:00:00"),
        ("NID-c", "+18015550003", OTHER_SIM, "2026-03-01 00:00:00"),
    ]
    with closing(sqlite3.connect(path)) as db, db:
        for nid, number, iccid, created in rows:
            db.execute(insert, (nid, number, iccid, created, created))
    command.upgrade(config, "0010_credentials_and_sims")
    with closing(sqlite3.connect(path)) as db:
        found = db.execute("SELECT id, iccid, qr_code, sim_status FROM phone_numbers ORDER BY id").fetchall()
    assert found == [
        ("NID-a", SIM, "LPA:1$x", "Active"),
        ("NID-b", None, None, "Empty"),
        ("NID-c", OTHER_SIM, "LPA:1$x", "Active"),
    ]


async def test_a_race_lost_to_the_index_reads_as_the_same_400(api, other_api, numbers, platform):
    """A request that passed the check while another took the SIM meets the unique index at flush: the same
    400, not a 500."""
    from sqlalchemy import select

    from mpaas.core.errors import ApiError
    from mpaas.numbers import repository

    await _number(api, ICCID=SIM)
    theirs = await _number(other_api)
    with pytest.raises(ApiError) as refused:
        async with platform.db.write() as session:
            row = (await session.execute(select(PhoneNumber).where(PhoneNumber.number == theirs))).scalar_one()
            row.iccid = SIM  # as if its check ran before the other number took the SIM
            await repository.flush_iccid(session, SIM)
    assert refused.value.envelope() == TAKEN
