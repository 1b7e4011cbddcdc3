"""The `mpaas` command line, run in-process with Typer's CliRunner against a fresh data dir per test.

Every command gets `--data-dir` and the environment is stripped of MPAAS_* settings, so a developer's
MPAAS_DATABASE_URL can never point these tests at a real database."""

from __future__ import annotations

import json
import os
import re
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mpaas.cli.main import app
from mpaas.numbers.inventory import data as inventory_data

UUID = r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"


@pytest.fixture(autouse=True)
def _no_mpaas_settings(monkeypatch) -> None:
    for name in list(os.environ):
        if name.startswith("MPAAS_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("COLUMNS", "400")  # Rich must not wrap the messages asserted on


@pytest.fixture
def data_dir(tmp_path) -> Path:
    return tmp_path / "data"


def mpaas(data_dir: Path, *args: str):
    result = CliRunner().invoke(app, [*args, "--data-dir", str(data_dir)])
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result


def flat(text: str) -> str:
    return " ".join(text.split())


def query(data_dir: Path, sql: str, *params) -> list[tuple]:
    with closing(sqlite3.connect(data_dir / "mpaas.db")) as db:
        return db.execute(sql, params).fetchall()


def inventory(data_dir: Path) -> set[str]:
    if not (data_dir / "mpaas.db").exists():
        return set()
    return {row[0] for row in query(data_dir, "SELECT number FROM inventory_numbers")}


def assert_stock_matches(data_dir: Path) -> None:
    """The per-area availability aggregate stays exact whatever the command did."""
    stock = query(data_dir, "SELECT COALESCE(SUM(available), 0) FROM number_area_stock")[0][0]
    available = query(data_dir, "SELECT COUNT(*) FROM inventory_numbers WHERE status = 'available'")[0][0]
    assert stock == available


# ------------------------------------------------------------------------------------ inventory generate


def test_inventory_generate_adds_numbers_in_the_area_code(data_dir) -> None:
    result = mpaas(data_dir, "inventory", "generate", "--count", "300", "--area-code", "801")
    assert result.exit_code == 0, result.output
    assert "Added 300 numbers" in result.stdout
    first = inventory(data_dir)
    assert len(first) == 300
    assert all(re.fullmatch(r"\+1801\d{7}", n) for n in first)
    assert query(data_dir, "SELECT DISTINCT area_code FROM inventory_numbers") == [("801",)]
    assert_stock_matches(data_dir)

    # --count is how many to add: numbers the inventory already holds are skipped and replaced by new ones,
    # so a second run with the same seed adds 300 more, none of them a duplicate.
    again = mpaas(data_dir, "inventory", "generate", "--count", "300", "--area-code", "801")
    assert again.exit_code == 0, again.output
    assert "Added 300 numbers" in again.stdout
    both = inventory(data_dir)
    assert len(both) == 600 and first < both
    assert query(data_dir, "SELECT COUNT(*) FROM inventory_numbers")[0][0] == 600
    assert_stock_matches(data_dir)


def test_inventory_generate_is_deterministic_for_a_seed(tmp_path) -> None:
    runs = []
    for name in ("a", "b"):
        result = mpaas(tmp_path / name, "inventory", "generate", "--count", "50", "--area-code", "212", "--seed", "7")
        assert result.exit_code == 0, result.output
        runs.append(inventory(tmp_path / name))
    assert runs[0] == runs[1] and len(runs[0]) == 50
    other = mpaas(tmp_path / "c", "inventory", "generate", "--count", "50", "--area-code", "212", "--seed", "8")
    assert other.exit_code == 0, other.output
    assert inventory(tmp_path / "c") != runs[0]


def test_inventory_generate_rejects_an_unknown_area_code(data_dir) -> None:
    result = mpaas(data_dir, "inventory", "generate", "--count", "5", "--area-code", "123")
    assert result.exit_code != 0
    assert "unknown area code '123'" in flat(result.stderr)
    assert inventory(data_dir) == set()


# -------------------------------------------------------------------------------------- inventory import


def test_inventory_import_valid_csv_then_again_adds_nothing(tmp_path, data_dir) -> None:
    rows = list(inventory_data.generate(40, seed=3, area_codes=["801", "212"]))
    csv_file = tmp_path / "numbers.csv"
    inventory_data.write_csv(rows, csv_file)

    result = mpaas(data_dir, "inventory", "import", str(csv_file))
    assert result.exit_code == 0, result.output
    assert "Imported 40 numbers (0 already present)" in flat(result.stdout)
    assert inventory(data_dir) == {r.number for r in rows}
    stored = query(data_dir, "SELECT number, ngp, area_code, zipcode, state, rate_center FROM inventory_numbers")
    assert set(stored) == {(r.number, r.ngp, r.area_code, r.zipcode, r.state, r.rate_center) for r in rows}
    assert_stock_matches(data_dir)

    again = mpaas(data_dir, "inventory", "import", str(csv_file))
    assert again.exit_code == 0, again.output
    assert "Imported 0 numbers (40 already present)" in flat(again.stdout)
    assert len(inventory(data_dir)) == 40


def test_inventory_import_minimal_columns_any_header_case(tmp_path, data_dir) -> None:
    """Only Number and ZipCode are required; header names are case-insensitive; '+' is optional."""
    csv_file = tmp_path / "minimal.csv"
    csv_file.write_text("number,ZIPCODE\n18015550100,84043\n+18015550101,84043\n", encoding="utf-8")
    result = mpaas(data_dir, "inventory", "import", str(csv_file))
    assert result.exit_code == 0, result.output
    stored = set(query(data_dir, "SELECT number, area_code, zipcode, state, rate_center FROM inventory_numbers"))
    assert stored == {("+18015550100", "801", "84043", "UT", "Lehi"), ("+18015550101", "801", "84043", "UT", "Lehi")}


@pytest.mark.parametrize(
    "content, where",
    [
        (
            "Number,ZipCode\n+18015550100,84043\n+18015550101,84043\n+1801555,84043\n+18015550102,84043\n",
            "line 4, column Number",
        ),
        ("Number,ZipCode\n+18015550100,84043\n+18015550101,8404\n", "line 3, column ZipCode"),
        ("Number,AreaCode\n+18015550100,801\n", "line 1, column ZipCode"),
    ],
    ids=["bad-number", "bad-zip", "missing-column"],
)
def test_inventory_import_bad_csv_names_the_line_and_changes_nothing(tmp_path, data_dir, content, where) -> None:
    seeded = mpaas(data_dir, "inventory", "generate", "--count", "10", "--area-code", "212")
    assert seeded.exit_code == 0, seeded.output
    before = inventory(data_dir)

    bad = tmp_path / "bad.csv"
    bad.write_text(content, encoding="utf-8")
    result = mpaas(data_dir, "inventory", "import", str(bad))
    assert result.exit_code != 0
    message = flat(result.stderr)
    assert "error:" in message and where in message, message
    # The file is validated as a whole first: not even the good rows before the bad one are imported.
    assert inventory(data_dir) == before
    assert_stock_matches(data_dir)


def test_inventory_import_missing_file(tmp_path, data_dir) -> None:
    result = mpaas(data_dir, "inventory", "import", str(tmp_path / "nope.csv"))
    assert result.exit_code != 0
    assert "nope.csv" in flat(result.output)


# ---------------------------------------------------------------------------------- admin distributors


def test_admin_create_distributor_json(data_dir) -> None:
    result = mpaas(data_dir, "admin", "create-distributor", "--name", "Acme Wireless", "--rate-limit", "0", "--json")
    assert result.exit_code == 0, result.output
    assert len(result.stdout.strip().splitlines()) == 1, result.stdout  # only the JSON line
    credential = json.loads(result.stdout)
    assert set(credential) == {"AccountKey", "AccountSecret", "AccountId"}
    assert re.fullmatch(f"DID-{UUID}", credential["AccountKey"])
    assert re.fullmatch(f"AID-{UUID}", credential["AccountId"])
    assert len(credential["AccountSecret"]) >= 16

    [(name, rate_limit, secret_hash)] = query(
        data_dir,
        "SELECT name, rate_limit_per_minute, secret_hash FROM distributors WHERE id = ?",
        credential["AccountKey"],
    )
    assert (name, rate_limit) == ("Acme Wireless", 0)
    assert credential["AccountSecret"] not in secret_hash  # stored hashed
    assert query(data_dir, "SELECT distributor_id FROM accounts WHERE id = ?", credential["AccountId"]) == [
        (credential["AccountKey"],)
    ]


def test_admin_create_distributor_default_output_and_limits(data_dir) -> None:
    result = mpaas(data_dir, "admin", "create-distributor", "--name", "Globex")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["AccountKey"].startswith("DID-")
    assert "Keep the AccountSecret now" in flat(result.stderr)
    assert query(data_dir, "SELECT rate_limit_per_minute FROM distributors WHERE name = 'Globex'") == [(None,)]

    negative = mpaas(data_dir, "admin", "create-distributor", "--name", "Initech", "--rate-limit", "-1")
    assert negative.exit_code != 0
    assert query(data_dir, "SELECT COUNT(*) FROM distributors WHERE name = 'Initech'") == [(0,)]


def test_rotate_secret_and_deactivate_distributor(data_dir) -> None:
    from argon2 import PasswordHasher

    created = json.loads(mpaas(data_dir, "admin", "create-distributor", "--name", "Acme", "--json").stdout)
    key = created["AccountKey"]
    result = mpaas(data_dir, "admin", "rotate-secret", "--key", key, "--json")
    assert result.exit_code == 0, result.output
    assert len(result.stdout.strip().splitlines()) == 1, result.stdout  # only the JSON line
    rotated = json.loads(result.stdout)
    assert rotated["AccountKey"] == key and rotated["AccountSecret"] != created["AccountSecret"]
    [(secret_hash, generation, active)] = query(
        data_dir, "SELECT secret_hash, credential_generation, active FROM distributors WHERE id = ?", key
    )
    assert PasswordHasher().verify(secret_hash, rotated["AccountSecret"]) and generation == 1 and active
    assert "Keep the AccountSecret now" in flat(mpaas(data_dir, "admin", "rotate-secret", "--key", key).stderr)

    result = mpaas(data_dir, "admin", "deactivate-distributor", "--key", key)
    assert result.exit_code == 0, result.output
    assert query(data_dir, "SELECT active, credential_generation FROM distributors WHERE id = ?", key) == [(0, 3)]
    result = mpaas(data_dir, "admin", "reactivate-distributor", "--key", key, "--json")
    assert json.loads(result.stdout) == {"AccountKey": key, "Active": True}
    assert query(data_dir, "SELECT active FROM distributors WHERE id = ?", key) == [(1,)]

    unknown = mpaas(data_dir, "admin", "rotate-secret", "--key", "DID-nope")
    assert unknown.exit_code == 2 and "DID-nope does not exist" in flat(unknown.stderr)


# --------------------------------------------------------------------------------------- sandbox inbound


def test_sandbox_inbound_to_an_unprovisioned_number(data_dir) -> None:
    result = mpaas(data_dir, "sandbox", "inbound", "--from", "+18015737111", "--to", "+18017771234", "--body", "hello?")
    assert result.exit_code != 0
    message = flat(result.stderr)
    assert "error:" in message
    assert "+18017771234 is not a messaging-enabled number on this platform" in message
    assert "Traceback" not in result.output
    assert query(data_dir, "SELECT COUNT(*) FROM messages") == [(0,)]


def test_sandbox_inbound_rejects_a_bad_sender(data_dir) -> None:
    result = mpaas(data_dir, "sandbox", "inbound", "--from", "not-a-number", "--to", "+18017771234", "--body", "hello?")
    assert result.exit_code != 0
    assert "The From field must be an E.164 number" in flat(result.stderr)


def test_sandbox_inbound_needs_the_sandbox_carrier(data_dir, monkeypatch) -> None:
    monkeypatch.setenv("MPAAS_SMPP_URL", "smpp://mpaas:secret@127.0.0.1:2775")
    result = mpaas(data_dir, "sandbox", "inbound", "--from", "+18015737111", "--to", "+18017771234", "--body", "hello?")
    assert result.exit_code != 0
    assert "only while the sandbox carrier is active" in flat(result.stderr)


@pytest.mark.parametrize("command", ["api", "worker", "gateway"])
def test_the_production_roles_need_a_secrets_key(data_dir, command):
    """Each process would otherwise make up its own key and could not read what the others encrypted."""
    result = CliRunner().invoke(app, [command, "--data-dir", str(data_dir)])
    assert result.exit_code == 2
    assert "MPAAS_SECRETS_KEY is not set" in flat(result.output)
    assert not (data_dir / "mpaas.db").exists()  # refused before anything was created


@pytest.mark.parametrize("command", ["serve", "api", "worker", "gateway"])
def test_a_bad_redis_url_is_refused_at_start_naming_the_setting(data_dir, monkeypatch, command):
    monkeypatch.setenv("MPAAS_REDIS_URL", "http://127.0.0.1:6379")
    result = CliRunner().invoke(app, [command, "--data-dir", str(data_dir)])
    assert result.exit_code == 2
    assert "MPAAS_REDIS_URL must be a redis://" in result.output
    assert not (data_dir / "mpaas.db").exists()  # refused before anything was created
