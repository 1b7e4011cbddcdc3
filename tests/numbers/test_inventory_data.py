import io

import phonenumbers
import pytest

from mpaas.numbers.inventory.data import (
    CSV_COLUMNS,
    NGP_CODES,
    InventoryCsvError,
    InventoryRow,
    area_zip_table,
    generate,
    read_csv,
    write_csv,
)


def _zip_area_codes() -> dict[str, list[str]]:
    import zipcodes

    return {rec["zip_code"]: rec["area_codes"] for rec in zipcodes.list_all()}


def test_area_zip_table_is_us_only_and_cached():
    table = area_zip_table()
    assert table is area_zip_table()
    assert "801" in table and "212" in table
    assert "604" not in table and "905" not in table  # Canadian codes listed by border ZIPs
    assert "340" not in table  # USVI: territories are excluded
    for entries in table.values():
        for zipcode, state, city in entries:
            assert len(zipcode) == 5 and zipcode.isdigit() and state and city


def test_deterministic_per_seed():
    a = list(generate(300, seed=7))
    assert a == list(generate(300, seed=7))
    assert a != list(generate(300, seed=8))


def test_rows_are_distinct_valid_and_consistent():
    rows = list(generate(2000, seed=3))
    assert len(rows) == 2000
    assert len({r.number for r in rows}) == 2000
    zip_area_codes = _zip_area_codes()
    ngp_by_area_zip: dict[tuple[str, str], str] = {}
    for r in rows:
        num = phonenumbers.parse(r.number)
        assert phonenumbers.is_valid_number(num), r
        assert phonenumbers.region_code_for_number(num) == "US", r
        assert phonenumbers.format_number(num, phonenumbers.PhoneNumberFormat.E164) == r.number
        assert r.number[2:5] == r.area_code
        exchange = r.number[5:8]
        assert exchange[0] in "23456789" and exchange[1:] != "11"
        assert exchange not in {"555", "950", "958", "959", "976"}
        assert r.area_code in zip_area_codes[r.zipcode], r
        assert (r.zipcode, r.state, r.rate_center) in area_zip_table()[r.area_code]
        assert r.ngp in NGP_CODES
        assert ngp_by_area_zip.setdefault((r.area_code, r.zipcode), r.ngp) == r.ngp


def test_ngp_is_stable_across_seeds():
    seen: dict[tuple[str, str], str] = {}
    for seed in range(3):
        for r in generate(500, seed=seed, area_codes=["801", "385"]):
            assert seen.setdefault((r.area_code, r.zipcode), r.ngp) == r.ngp


def test_small_count_spreads_over_area_codes():
    rows = list(generate(20, seed=1))
    assert len({r.area_code for r in rows}) == 20


@pytest.mark.slow
def test_100k_rows_unique_over_at_least_50_area_codes():
    rows = list(generate(100_000))
    assert len(rows) == 100_000
    assert len({r.number for r in rows}) == 100_000
    assert len({r.area_code for r in rows}) >= 50


def test_area_codes_restricts():
    rows = list(generate(500, area_codes=["801"]))
    assert len(rows) == 500
    assert {r.area_code for r in rows} == {"801"}
    assert {r.state for r in rows} == {"UT"}


def test_unknown_area_code_raises():
    with pytest.raises(ValueError, match="999"):
        list(generate(10, area_codes=["801", "999"]))
    with pytest.raises(ValueError, match="604"):  # Canadian
        list(generate(10, area_codes=["604"]))


def test_exclude_skips_existing_numbers():
    baseline = list(generate(200, seed=5, area_codes=["801"]))
    taken = {r.number for r in baseline[::2]}
    rows = list(generate(200, seed=5, area_codes=["801"], exclude=taken.__contains__))
    assert len(rows) == 200
    assert len({r.number for r in rows}) == 200
    assert not taken & {r.number for r in rows}


def test_csv_round_trip(tmp_path):
    rows = list(generate(300, seed=11))
    buf = io.StringIO()
    write_csv(rows, buf)
    assert buf.getvalue().splitlines()[0] == ",".join(CSV_COLUMNS)
    buf.seek(0)
    assert list(read_csv(buf)) == rows

    path = tmp_path / "inventory.csv"
    write_csv(rows, path)
    assert list(read_csv(path)) == rows
    assert list(read_csv(str(path))) == rows


def test_csv_defaults_and_case_insensitive_header():
    text = "number,ZIPCODE,extra\n18015551234,84043,x\n\n+12125550100,10001,y\n"
    rows = list(read_csv(io.StringIO(text)))
    assert rows[0] == InventoryRow("+18015551234", rows[0].ngp, "801", "84043", "UT", "Lehi")
    assert rows[1].number == "+12125550100" and rows[1].area_code == "212"
    assert rows[1].state == "NY" and rows[1].rate_center == "New York"
    # NGP derived like generate(): same area + ZIP -> same NGP
    same = next(r for r in generate(2000, area_codes=["801"]) if r.zipcode == "84043")
    assert rows[0].ngp == same.ngp


@pytest.mark.parametrize(
    ("text", "line", "column"),
    [
        ("Number,AreaCode\n+18015551234,801\n", 1, "ZipCode"),
        ("ZipCode\n84043\n", 1, "Number"),
        ("Number,ZipCode\n+18015551234,84043\n+1801555,84043\n", 3, "Number"),
        ("Number,ZipCode\n+18015551234,84043\n+19995551234,84043\n", 3, "Number"),
        ("Number,ZipCode\n+448015551234,84043\n", 2, "Number"),
        ("Number,ZipCode\n+18015551234,8404\n", 2, "ZipCode"),
        ("Number,ZipCode\n+18015551234,84043-1234\n", 2, "ZipCode"),
        ("Number,ZipCode,AreaCode\n\n+18015551234,84043,385\n", 3, "AreaCode"),
    ],
)
def test_csv_errors_name_line_and_column(text, line, column):
    with pytest.raises(InventoryCsvError) as info:
        list(read_csv(io.StringIO(text)))
    err = info.value
    assert isinstance(err, ValueError)
    assert err.line == line and err.column == column
    assert f"line {line}" in str(err) and column in str(err)
