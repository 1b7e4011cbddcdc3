"""Sandbox number inventory: realistic US mobile numbers, generated or imported from CSV.

Where the data comes from (everything is read from installed packages, nothing is
downloaded at run time):

* ZIP codes, their state and city, and the area codes that serve them come from the
  ``zipcodes`` package (a bundled copy of the USPS ZIP database).  Only active
  ``STANDARD`` ZIPs in the 50 states and DC are used; PO Box, unique (single
  organisation) and military ZIPs and the territories are left out.  The ZIP's city is
  used as the row's rate center (real NANPA rate centers are close to, but not exactly,
  postal cities).
* Number validity comes from ``phonenumbers`` (Google's libphonenumber metadata).  An
  area code is kept only if ``phonenumbers`` places it in region ``US``: ``zipcodes``
  lists some Canadian area codes for border ZIPs (e.g. 204, 604, 905), and those are
  dropped.  Every generated number passes ``phonenumbers.is_valid_number`` with region
  ``US``.  US numbers are typed ``FIXED_LINE_OR_MOBILE`` by libphonenumber (the NANP
  does not separate mobile ranges), so any valid geographic number can be a mobile one.
* Exchanges (the NXX after the area code) follow the NANP rules: first digit 2-9, no
  N11 service codes, and 555 (fictional/directory), 950, 958, 959 and 976 (special
  use) are avoided.

NGP ("Number Gateway Provider") codes are synthetic: the gateway codes carriers use
between themselves are not public data.  ``NGP_CODES`` is a fixed list of plausible
codes, and the NGP of a row is derived from a stable hash of (area code, ZIP) so that a
given area code + ZIP always maps to the same NGP, in every process and for every seed.
"""

from __future__ import annotations

import csv
import os
import random
import re
import zlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import IO, Any

import phonenumbers
import zipcodes

from mpaas.numbers.us_states import STATES_AND_DC

__all__ = [
    "CSV_COLUMNS",
    "NGP_CODES",
    "InventoryCsvError",
    "InventoryRow",
    "area_zip_table",
    "generate",
    "ngp_for",
    "read_csv",
    "write_csv",
]


@dataclass(frozen=True)
class InventoryRow:
    number: str  # E.164, e.g. "+18015551234"
    ngp: str  # e.g. "SAG"
    area_code: str  # "801"
    zipcode: str  # "84043"
    state: str  # "UT"
    rate_center: str  # the ZIP's city, e.g. "Lehi"


# Synthetic gateway provider codes (see the module docstring).
NGP_CODES: tuple[str, ...] = ("SAG", "AGP", "NGW", "TXG", "MGP", "CGX", "LNP", "VGS")

CSV_COLUMNS = ("Number", "AreaCode", "ZipCode", "NGP", "State", "RateCenter")


# Exchanges that are never handed out: N11 service codes, 555 and special-use codes.
_RESERVED_EXCHANGES = frozenset({*(n * 100 + 11 for n in range(2, 10)), 555, 950, 958, 959, 976})

# Sizing of generate(): roughly this many numbers per area code, so that a larger
# inventory spreads over more markets (never fewer than ``min_area_codes``).
_NUMBERS_PER_AREA_CODE = 2000
# Random draws for one number in one area code before that area code counts as full.
_MAX_DRAWS = 2000

_AREA_CODE_RE = re.compile(r"[2-9]\d\d")
_ZIP_RE = re.compile(r"\d{5}")


# --------------------------------------------------------------------------- tables


@lru_cache(maxsize=1)
def _zip_records() -> dict[str, dict[str, Any]]:
    """ZIP -> zipcodes record, for every ZIP in the database (any type, any state)."""
    return {rec["zip_code"]: rec for rec in zipcodes.list_all()}


def _is_us_area_code(area_code: str) -> bool:
    """True if phonenumbers puts numbers of this area code in region US."""
    if not _AREA_CODE_RE.fullmatch(area_code):
        return False
    sample = phonenumbers.PhoneNumber(country_code=1, national_number=int(area_code + "2345678"))
    return phonenumbers.region_code_for_number(sample) == "US"


@lru_cache(maxsize=1)
def area_zip_table() -> dict[str, list[tuple[str, str, str]]]:
    """area code -> list of (zipcode, state, city) for active STANDARD zips, cached.

    Only the 50 states and DC, and only area codes that phonenumbers assigns to the
    US.  Keys and each list are sorted.  The result is shared (cached): do not mutate.
    """
    table: dict[str, list[tuple[str, str, str]]] = {}
    us_area_code: dict[str, bool] = {}
    for rec in _zip_records().values():
        if not rec.get("active") or rec.get("zip_code_type") != "STANDARD":
            continue
        if rec.get("state") not in STATES_AND_DC:
            continue
        for ac in rec.get("area_codes") or ():
            ok = us_area_code.get(ac)
            if ok is None:
                ok = us_area_code[ac] = _is_us_area_code(ac)
            if ok:
                table.setdefault(ac, []).append((rec["zip_code"], rec["state"], rec["city"]))
    return {ac: sorted(set(table[ac])) for ac in sorted(table)}


@cache
def _exchanges(area_code: str) -> tuple[int, ...]:
    """Exchanges of an area code that follow the NANP rules and that phonenumbers accepts.

    libphonenumber's US patterns depend only on the area code and the exchange, so one
    sample line per exchange is representative; generate() still checks every number.
    """
    base = int(area_code) * 10_000_000
    out = []
    for nxx in range(200, 1000):
        if nxx in _RESERVED_EXCHANGES:
            continue
        sample = phonenumbers.PhoneNumber(country_code=1, national_number=base + nxx * 10_000 + 1234)
        if phonenumbers.is_valid_number(sample) and phonenumbers.region_code_for_number(sample) == "US":
            out.append(nxx)
    return tuple(out)


def ngp_for(area_code: str, zipcode: str) -> str:
    """The (synthetic) NGP of an area code + ZIP: stable across processes and seeds."""
    return NGP_CODES[zlib.crc32(f"{area_code}:{zipcode}".encode()) % len(NGP_CODES)]


# ------------------------------------------------------------------------ generate


def generate(
    count: int,
    *,
    seed: int = 0,
    area_codes: Sequence[str] | None = None,
    min_area_codes: int = 50,
    exclude: Callable[[str], bool] | None = None,
) -> Iterator[InventoryRow]:
    """Yield `count` distinct valid US numbers, deterministic for a given seed.

    Area codes: the given ``area_codes`` (each must be in ``area_zip_table()``, else
    ValueError naming it), or else a seeded sample of the table's area codes of size
    ``min(available, max(min_area_codes, count / 2000))``.  Numbers are dealt out
    round-robin, so every chosen area code gets numbers (when ``count`` is at least the
    number of area codes) and at least ``min(min_area_codes, available)`` are used.

    Each number has a valid exchange (2-9 first digit, not N11, not 555/950/958/959/976)
    and a random line 0000-9999, and passes ``phonenumbers.is_valid_number`` in region
    US.  Its ZIP is a random ZIP of the area code; its NGP is ``ngp_for(area, zip)``.
    ``exclude(number)`` returns True for numbers that already exist: they are skipped
    and still ``count`` rows are yielded.  Raises ValueError if the chosen area codes
    run out of numbers.
    """
    if count < 0:
        raise ValueError(f"count must be >= 0, got {count}")
    table = area_zip_table()
    rng = random.Random(seed)

    if area_codes is not None:
        chosen: list[str] = []
        for code in area_codes:
            ac = str(code).strip()
            if ac not in table:
                raise ValueError(f"unknown area code {ac!r}: no active standard US ZIP lists it")
            if ac not in chosen:
                chosen.append(ac)
        if not chosen:
            raise ValueError("area_codes is empty")
    else:
        available = list(table)
        wanted = max(min_area_codes, -(-count // _NUMBERS_PER_AREA_CODE))
        chosen = rng.sample(available, min(len(available), max(wanted, 1)))
    if count == 0:
        return

    pools = [(int(ac) * 10_000_000, ac, _exchanges(ac), table[ac]) for ac in chosen]
    pools = [p for p in pools if p[2]]
    capacity = sum(len(p[2]) for p in pools) * 10_000
    if count > capacity:
        raise ValueError(f"cannot generate {count} numbers: area codes {chosen} hold only {capacity}")

    seen: set[int] = set()
    new_number = phonenumbers.PhoneNumber
    valid_for_region = phonenumbers.is_valid_number_for_region
    randrange = rng.randrange
    produced = 0
    i = 0
    while produced < count:
        if not pools:
            raise ValueError(f"area codes {chosen} ran out of numbers after {produced} of {count}")
        k = i % len(pools)
        base, ac, exchanges, zips = pools[k]
        n_exch = len(exchanges)
        for _ in range(_MAX_DRAWS):
            national = base + exchanges[randrange(n_exch)] * 10_000 + randrange(10_000)
            if national in seen:
                continue
            seen.add(national)
            number = f"+1{national}"
            if exclude is not None and exclude(number):
                continue
            # is_valid_number_for_region(.., "US") == is_valid_number and region US.
            if not valid_for_region(new_number(country_code=1, national_number=national), "US"):
                continue
            break
        else:  # this area code is (nearly) full: drop it from the rotation
            del pools[k]
            continue
        zipcode, state, city = zips[randrange(len(zips))]
        yield InventoryRow(number, ngp_for(ac, zipcode), ac, zipcode, state, city)
        produced += 1
        i += 1


# ----------------------------------------------------------------------------- CSV


class InventoryCsvError(ValueError):
    """A bad inventory CSV: ``line`` is the 1-based line in the file (the header is 1)."""

    def __init__(self, line: int, message: str, column: str | None = None) -> None:
        self.line = line
        self.column = column
        self.message = message
        where = f"line {line}" + (f", column {column}" if column else "")
        super().__init__(f"{where}: {message}")


def _parse_number(raw: str) -> phonenumbers.PhoneNumber | None:
    """E.164 US number, '+' optional for 11-digit NANP numbers; None if not valid US."""
    text = raw.strip()
    digits = text[1:] if text.startswith("+") else text
    if not (len(digits) == 11 and digits.isdigit() and digits[0] == "1"):
        return None
    num = phonenumbers.PhoneNumber(country_code=1, national_number=int(digits[1:]))
    if not phonenumbers.is_valid_number_for_region(num, "US"):
        return None
    return num


def _open_text(path_or_file: Any, mode: str) -> tuple[IO[str], bool]:
    if isinstance(path_or_file, (str, os.PathLike)):
        return open(path_or_file, mode, newline="", encoding="utf-8-sig" if "r" in mode else "utf-8"), True
    return path_or_file, False


def read_csv(path_or_file: Any) -> Iterator[InventoryRow]:
    """Parse an import CSV with a header row (a path or an open text file).

    Required columns: Number (E.164, '+' optional for 11-digit NANP), ZipCode.
    Optional: AreaCode (default: from the number), NGP (default: ``ngp_for``), State,
    RateCenter (default: from the zipcodes record of the ZIP).  Header names are
    case-insensitive, unknown columns are ignored, blank lines are skipped.  Raises
    InventoryCsvError naming the line and column on the first bad row.
    """
    f, owned = _open_text(path_or_file, "r")
    try:
        yield from _read_rows(f)
    finally:
        if owned:
            f.close()


def _read_rows(f: IO[str]) -> Iterator[InventoryRow]:
    reader = csv.reader(f)
    header = next(reader, None)
    if header is None:
        raise InventoryCsvError(1, "empty file: expected a header row")
    if header and header[0].startswith("\ufeff"):
        header[0] = header[0][1:]
    index: dict[str, int] = {}
    for pos, name in enumerate(header):
        index.setdefault(name.strip().lower(), pos)
    for required in ("Number", "ZipCode"):
        if required.lower() not in index:
            raise InventoryCsvError(
                reader.line_num, f"missing required column {required!r} in header {header!r}", required
            )

    def get(row: list[str], column: str) -> str:
        pos = index.get(column.lower())
        return row[pos].strip() if pos is not None and pos < len(row) else ""

    zips = _zip_records()
    for row in reader:
        line = reader.line_num
        if not any(cell.strip() for cell in row):
            continue
        raw_number = get(row, "Number")
        num = _parse_number(raw_number)
        if num is None:
            raise InventoryCsvError(line, f"{raw_number!r} is not a valid US number in E.164 form", "Number")
        national = str(num.national_number)
        number_ac = national[:3]

        zipcode = get(row, "ZipCode")
        if not _ZIP_RE.fullmatch(zipcode):
            raise InventoryCsvError(line, f"{zipcode!r} is not a 5-digit ZIP code", "ZipCode")

        area_code = get(row, "AreaCode") or number_ac
        if area_code != number_ac:
            raise InventoryCsvError(
                line, f"{area_code!r} does not match the area code {number_ac!r} of {raw_number!r}", "AreaCode"
            )

        state = get(row, "State").upper()
        rate_center = get(row, "RateCenter")
        if not state or not rate_center:
            rec = zips.get(zipcode)
            if rec is None:
                missing = "State" if not state else "RateCenter"
                raise InventoryCsvError(line, f"unknown ZIP {zipcode!r}: {missing} must be given", missing)
            state = state or rec["state"]
            rate_center = rate_center or rec["city"]

        ngp = get(row, "NGP").upper() or ngp_for(area_code, zipcode)
        yield InventoryRow(f"+1{national}", ngp, area_code, zipcode, state, rate_center)


def write_csv(rows: Iterable[InventoryRow], file: Any) -> None:
    """Write rows with the CSV_COLUMNS header to a path or an open text file (round-trips with read_csv)."""
    f, owned = _open_text(file, "w")
    try:
        writer = csv.writer(f)
        writer.writerow(CSV_COLUMNS)
        for r in rows:
            writer.writerow((r.number, r.area_code, r.zipcode, r.ngp, r.state, r.rate_center))
    finally:
        if owned:
            f.close()
