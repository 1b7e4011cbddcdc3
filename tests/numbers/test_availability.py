"""POST /v1.0/numbers/availability."""

from __future__ import annotations

import pytest

from support.seed import add_inventory

pytestmark = pytest.mark.no_workers  # only calls the API: no job needs to run


SEARCH = {"NumberType": "mobile", "MessageType": "p2p", "MessageEnabled": True, "VoiceEnabled": True}


async def test_area_code_search(api, numbers):
    data = await api.ok("POST", "/v1.0/numbers/availability", json={**SEARCH, "AreaCode": "801", "ZipCode": ""})
    assert data["ResultsTotal"] == 20
    assert data["AreaCode"] == "801"
    assert data["PageNumber"] == 1
    assert data["RequestId"].startswith("T-")
    assert data["AvailableNumberAreas"]
    for area in data["AvailableNumberAreas"]:
        assert set(area) == {"NGP", "AreaCode", "Zipcode"}
        assert area["AreaCode"] == 801
        assert len(area["Zipcode"]) == 5


async def test_area_code_first_then_zip(api, platform):
    await add_inventory(platform, 5, ["801"])
    zips = await add_inventory(platform, 5, ["212"], seed=3)
    data = await api.ok("POST", "/v1.0/numbers/availability", json={**SEARCH, "AreaCode": "212"})
    zipcode = data["AvailableNumberAreas"][0]["Zipcode"]
    # AreaCode wins when it has numbers, even with a ZipCode elsewhere.
    both = await api.ok("POST", "/v1.0/numbers/availability", json={**SEARCH, "AreaCode": "801", "ZipCode": zipcode})
    assert {a["AreaCode"] for a in both["AvailableNumberAreas"]} == {801}
    # An empty area falls back to the ZipCode.
    fallback = await api.ok(
        "POST", "/v1.0/numbers/availability", json={**SEARCH, "AreaCode": "907", "ZipCode": zipcode}
    )
    assert {a["Zipcode"] for a in fallback["AvailableNumberAreas"]} == {zipcode}
    assert fallback["ResultsTotal"] >= 1
    assert zips


async def test_empty_area_without_zip_finds_nothing(api, numbers):
    data = await api.ok("POST", "/v1.0/numbers/availability", json={**SEARCH, "AreaCode": "907"})
    assert data["ResultsTotal"] == 0
    assert data["AvailableNumberAreas"] == []


async def test_blank_search_is_randomized_over_everything(api, numbers):
    data = await api.ok("POST", "/v1.0/numbers/availability", json={**SEARCH, "AreaCode": "", "ZipCode": ""})
    assert data["ResultsTotal"] == 40
    assert {a["AreaCode"] for a in data["AvailableNumberAreas"]} == {801, 212}


async def test_page_beyond_last_is_empty(api, numbers):
    data = await api.ok("POST", "/v1.0/numbers/availability", json={**SEARCH, "AreaCode": "801", "PageNumber": 2})
    assert data["PageNumber"] == 2
    assert data["AvailableNumberAreas"] == []
    assert data["ResultsTotal"] == 20


async def test_specific_numbers_for_older_clients(api, numbers):
    default = await api.ok("POST", "/v1.0/numbers/availability", json={**SEARCH, "AreaCode": "801"})
    assert len(default["NumbersAvailable"]) == 12
    wanted = await api.ok(
        "POST", "/v1.0/numbers/availability", json={**SEARCH, "AreaCode": "801", "TotalNumbersRequested": 3}
    )
    assert len(wanted["NumbersAvailable"]) == 3
    assert all(n["Number"].startswith("+1801") for n in wanted["NumbersAvailable"])


async def test_total_numbers_requested_capped(api, numbers):
    response = await api.post("/v1.0/numbers/availability", {**SEARCH, "TotalNumbersRequested": 101})
    assert response.status_code == 400
    assert "TotalNumbersRequested" in response.json()["Message"]


async def test_validation_names_field(api):
    response = await api.post("/v1.0/numbers/availability", {**SEARCH, "NumberType": "landline"})
    assert response.json()["Message"] == "The NumberType field must be one of: mobile, voip."
    response = await api.post("/v1.0/numbers/availability", {**SEARCH, "AreaCode": "12"})
    assert response.json()["Message"] == "The AreaCode field must be a 3-digit US area code."
    response = await api.post("/v1.0/numbers/availability", {"NumberType": "mobile", "MessageEnabled": True})
    assert response.json()["Message"] == "The VoiceEnabled field is required."


async def test_claimed_numbers_leave_availability(api, numbers):
    from support.api import make_message_route, provision

    route = await make_message_route(api)
    await provision(api, route, AreaCode="801")
    data = await api.ok("POST", "/v1.0/numbers/availability", json={**SEARCH, "AreaCode": "801"})
    assert data["ResultsTotal"] == 19


# The search runs its own SQL on the driver and encodes its answer itself (numbers/provisioning/search.py): the
# tests below hold it to what the ORM version answered (a plain recount of the inventory), to the response model,
# and to the indexes it was built for.

CAPABILITIES = [(True, True), (True, False), (False, True), (False, False)]


async def _mix_capabilities(platform, numbers: list[str]) -> None:
    """Some numbers without SMS, some without voice, and the stock aggregate recounted to match."""
    from sqlalchemy import delete, func, insert, select, update

    from mpaas.models import InventoryNumber, NumberAreaStock
    from mpaas.models.numbers import AVAILABLE

    ordered = sorted(numbers)
    key = ("ngp", "area_code", "zipcode", "number_type", "message_capable", "voice_capable")
    columns = [getattr(InventoryNumber, c) for c in key]
    async with platform.db.write() as session:
        no_sms = InventoryNumber.number.in_(ordered[::3])
        await session.execute(update(InventoryNumber).where(no_sms).values(message_capable=False))
        no_voice = InventoryNumber.number.in_(ordered[1::4])
        await session.execute(update(InventoryNumber).where(no_voice).values(voice_capable=False))
        await session.execute(delete(NumberAreaStock))
        recount = select(*columns, func.count()).where(InventoryNumber.status == AVAILABLE).group_by(*columns)
        await session.execute(insert(NumberAreaStock).from_select([*key, "available"], recount))


async def _recount(platform, message: bool, voice: bool, **where: str) -> tuple[int, list[dict], set[str]]:
    """What a search must answer, from the inventory itself: total, areas in order, the numbers it may list."""
    from sqlalchemy import select

    from mpaas.models import InventoryNumber
    from mpaas.models.numbers import AVAILABLE

    conditions = [InventoryNumber.status == AVAILABLE, InventoryNumber.number_type == "mobile"]
    if message:
        conditions.append(InventoryNumber.message_capable.is_(True))
    if voice:
        conditions.append(InventoryNumber.voice_capable.is_(True))
    conditions += [getattr(InventoryNumber, column) == value for column, value in where.items()]
    query = select(InventoryNumber.number, InventoryNumber.ngp, InventoryNumber.area_code, InventoryNumber.zipcode)
    async with platform.db.read() as session:
        rows = (await session.execute(query.where(*conditions))).all()
    keys = sorted({(area, zipcode, ngp) for _, ngp, area, zipcode in rows})
    areas = [{"NGP": ngp, "AreaCode": int(area), "Zipcode": zipcode} for area, zipcode, ngp in keys]
    return len(rows), areas, {number for number, *_ in rows}


async def test_every_capability_filter_answers_as_a_recount(api, platform, numbers):
    await _mix_capabilities(platform, numbers)
    zipcode_of_801 = (await _recount(platform, False, False, area_code="801"))[1][0]["Zipcode"]
    searches = [
        ({"AreaCode": "801"}, {"area_code": "801"}),
        ({"AreaCode": "212", "ZipCode": zipcode_of_801}, {"area_code": "212"}),  # the area wins
        ({"ZipCode": zipcode_of_801}, {"zipcode": zipcode_of_801}),
        ({"AreaCode": "907", "ZipCode": zipcode_of_801}, {"zipcode": zipcode_of_801}),  # empty area: the ZIP
        ({"AreaCode": "907"}, {"area_code": "907"}),
    ]
    for message, voice in CAPABILITIES:
        for fields, where in searches:
            search = {**SEARCH, "MessageEnabled": message, "VoiceEnabled": voice, **fields}
            data = await api.ok("POST", "/v1.0/numbers/availability", json={**search, "TotalNumbersRequested": 100})
            total, areas, allowed = await _recount(platform, message, voice, **where)
            assert (data["ResultsTotal"], data["AvailableNumberAreas"]) == (total, areas), search
            listed = [n["Number"] for n in data["NumbersAvailable"]]
            assert len(listed) == len(set(listed)) == min(100, total) and set(listed) <= allowed, search
    blank = await api.ok(
        "POST", "/v1.0/numbers/availability", json={**SEARCH, "MessageEnabled": True, "VoiceEnabled": True}
    )
    total, areas, allowed = await _recount(platform, True, True)
    assert blank["ResultsTotal"] == total
    assert sorted(blank["AvailableNumberAreas"], key=lambda a: (a["AreaCode"], a["Zipcode"], a["NGP"])) == areas
    assert {n["Number"] for n in blank["NumbersAvailable"]} <= allowed


async def test_pages_of_areas_keep_the_total(api, numbers, monkeypatch):
    from mpaas.numbers.provisioning import search

    everything = await api.ok("POST", "/v1.0/numbers/availability", json={**SEARCH, "AreaCode": "801"})
    assert len(everything["AvailableNumberAreas"]) > 3
    monkeypatch.setattr(search, "AREAS_PER_PAGE", 3)
    pages = []
    for page in range(1, 10):
        data = await api.ok(
            "POST", "/v1.0/numbers/availability", json={**SEARCH, "AreaCode": "801", "PageNumber": page}
        )
        assert data["ResultsTotal"] == 20
        pages.append(data["AvailableNumberAreas"])
    assert [len(p) for p in pages if p][:-1] == [3] * (len([p for p in pages if p]) - 1)
    assert [area for page in pages for area in page] == everything["AvailableNumberAreas"]


async def test_response_is_its_model(api, numbers):
    from mpaas.numbers.provisioning.schemas import AvailabilityOut

    for fields in ({"AreaCode": "801"}, {"AreaCode": "", "ZipCode": ""}, {"AreaCode": "907"}):
        response = await api.post("/v1.0/numbers/availability", {**SEARCH, **fields})
        assert response.headers["content-type"] == "application/json"
        data = response.json()
        assert AvailabilityOut.model_validate(data).model_dump(by_alias=True) == data


async def test_search_reads_its_covering_indexes(platform):
    """By area or ZIP, each statement is one range of an index holding every column it reads, in the order
    it groups and sorts by: no table read, no temporary B-tree (migration 0024_availability_index)."""
    import sqlite3

    from sqlalchemy.engine import make_url

    from mpaas.numbers.provisioning import search

    if not platform.db.is_sqlite:
        pytest.skip("the plan is SQLite's; PostgreSQL plans by its statistics")
    conn = sqlite3.connect(make_url(platform.db.url).database)
    values = {"key": "801", "limit": 12, "offset": 0}
    for by, stock_index, inventory_index in (
        (search.AREA, "ix_stock_search_area", "ix_inventory_search_area"),
        (search.ZIP, "ix_stock_search_zip", "ix_inventory_search_zip"),
    ):
        for caps in CAPABILITIES:
            for statement, table, index in (
                (search.areas_statement(by, *caps), "number_area_stock", stock_index),
                (search.count_statement(by, *caps), "number_area_stock", stock_index),
                (search.numbers_statement(by, *caps), "inventory_numbers", inventory_index),
            ):
                sql, parameters = statement.parameters(search._SQLITE, values)
                plan = [row[3] for row in conn.execute("EXPLAIN QUERY PLAN " + sql, parameters)]
                assert len(plan) == 1 and plan[0].startswith(f"SEARCH {table} USING COVERING INDEX {index} ("), plan
    conn.close()


def test_a_search_result_encodes_as_its_answer_would_from_kept_area_encodings():
    """Found.answer_json builds the bytes from each area's encoding, kept per area row; they must be exactly what
    encoding the answer whole gives (escapes, an area code with a leading zero, empty lists), first time and kept."""
    from pydantic_core import to_json

    from mpaas.numbers.provisioning.search import Found

    cases = [
        Found(29070, [(f"NGP{i:03d}", "801", f"84{i:03d}", 100) for i in range(102)], ["+18015550100", "+18015550101"]),
        Found(3, [('N\u00e9"x', "0801", "z\\1", 3)], []),
        Found(0, [], []),
    ]
    for _ in range(2):  # the second time from the kept encodings
        for found in cases:
            assert Found(found.total, found.areas, found.numbers).answer_json() == to_json(found.answer())


async def test_the_page_and_its_numbers_in_one_statement_read_what_the_two_statements_read(platform):
    """PostgreSQL's search reads the page and the numbers in one UNION ALL statement; split by its tag and the page
    put back in key order, it must give what the page statement and the numbers statement give, for every search
    variant (run here on whichever database the suite uses: the statement is plain SQL on both)."""
    from mpaas.numbers.provisioning import search

    await add_inventory(platform, 60, ["801", "212"], seed=5)
    async with search._bounded_reads(platform.db) as run:
        for by, key in ((search.AREA, "801"), (search.AREA, "212"), (search.AREA, "907")):
            for caps in CAPABILITIES:
                total, areas, numbers = await search._page_and_numbers(run, by, key, caps, 0, 7)
                assert (total, areas) == await search._page(run, by, key, caps, 0)
                expected = await run(search.numbers_statement(by, *caps), {"key": key, "limit": 7})
                assert sorted(numbers) == sorted(expected) and len(numbers) == min(7, total)
        zipcode = (
            await run(search.areas_statement(search.AREA, True, False), {"key": "801", "limit": 1, "offset": 0})
        )[0][2]
        total, areas, numbers = await search._page_and_numbers(run, search.ZIP, zipcode, (True, False), 0, 3)
        assert (total, areas) == await search._page(run, search.ZIP, zipcode, (True, False), 0)
        assert numbers and all(n.startswith("+1801") for (n,) in numbers)


async def test_a_search_on_postgresql_sends_one_statement(platform, monkeypatch):
    from mpaas.core.db import pgdriver
    from mpaas.numbers.provisioning import search

    pool = pgdriver.pool_of(platform.db)
    if pool is None:
        pytest.skip("PostgreSQL's driver pool only; a SQLite file reads on the loop's thread, no round trip")
    await add_inventory(platform, 20, ["801"], seed=2)
    sent = []
    real = pool.rows

    async def counted(sql, parameters):
        sent.append(sql)
        return await real(sql, parameters)

    monkeypatch.setattr(pool, "rows", counted)
    found = await search.search_available(
        platform.db, area_code="801", zipcode=None, message_enabled=True, voice_enabled=False, page_number=1, wanted=5
    )
    assert len(sent) == 1 and "UNION ALL" in sent[0]
    assert found.total == 20 and len(found.numbers) == 5
    assert [row[1:3] for row in found.areas] == sorted(row[1:3] for row in found.areas)
