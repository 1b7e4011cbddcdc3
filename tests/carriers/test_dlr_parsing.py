"""Delivery receipt parsing: text, TLVs, id normalization, state mapping."""

from datetime import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mpaas.carriers import receipts
from mpaas.carriers.receipts import (
    TLV_MESSAGE_STATE,
    TLV_NETWORK_ERROR_CODE,
    TLV_RECEIPTED_MESSAGE_ID,
    format_receipt,
    normalize_id,
    normalize_state,
    parse_receipt,
    parse_text,
)


def test_spec_text():
    r = parse_receipt(
        "id:0123456789 sub:001 dlvrd:001 submit date:2611270512 done date:2611270513 "
        "stat:DELIVRD err:000 text:Hello world, how are"
    )
    assert r.message_id == "0123456789" and r.state == "DELIVRD" and r.error_code is None
    assert r.submitted == 1 and r.delivered == 1
    assert r.submit_date == datetime(2026, 11, 27, 5, 12) and r.done_date == datetime(2026, 11, 27, 5, 13)
    assert r.text == "Hello world, how are" and r.is_final and r.is_success


def test_seconds_in_dates_long_ids_and_case():
    r = parse_receipt(
        "ID:a1b2c3d4-e5f6-7788-99aa-bbccddeeff00 SUB:001 DLVRD:000 SUBMIT DATE:261127051200 "
        "DONE DATE:261127051359 STAT:UNDELIV ERR:034 Text:x"
    )
    assert r.message_id == "a1b2c3d4-e5f6-7788-99aa-bbccddeeff00"
    assert r.state == "UNDELIV" and r.error_code == "034" and not r.is_success and r.is_final
    assert r.done_date == datetime(2026, 11, 27, 5, 13, 59)


def test_text_containing_keywords_is_kept_whole():
    fields = parse_text("id:77 stat:DELIVRD err:000 text:stat:FAKE id:99")
    assert fields["id"] == "77" and fields["stat"] == "DELIVRD" and fields["text"] == "stat:FAKE id:99"


def test_tlvs_win_over_text_and_alone():
    tlvs = {
        TLV_RECEIPTED_MESSAGE_ID: b"ABC123\x00",
        TLV_MESSAGE_STATE: bytes([5]),
        TLV_NETWORK_ERROR_CODE: bytes([3, 0, 27]),
    }
    r = parse_receipt("id:zzz stat:DELIVRD err:000", tlvs)
    assert (r.message_id, r.state, r.error_code) == ("ABC123", "UNDELIV", "27")
    r = parse_receipt("", {TLV_RECEIPTED_MESSAGE_ID: b"42\x00", TLV_MESSAGE_STATE: bytes([2])})
    assert (r.message_id, r.state, r.error_code) == ("42", "DELIVRD", None)


def test_no_id_is_none():
    assert parse_receipt("stat:DELIVRD err:000") is None


@pytest.mark.parametrize(
    "raw,state",
    [
        ("DELIVRD", "DELIVRD"),
        ("delivered", "DELIVRD"),
        ("EXPIRED", "EXPIRED"),
        ("DELETED", "DELETED"),
        ("UNDELIV", "UNDELIV"),
        ("ACCEPTD", "ACCEPTD"),
        ("UNKNOWN", "UNKNOWN"),
        ("REJECTD", "REJECTD"),
        ("REJECTED", "REJECTD"),
        ("ENROUTE", "ENROUTE"),
        ("SCHEDLD", "SCHEDLD"),
        ("SKIPPED", "SKIPPED"),
        ("2", "DELIVRD"),
        (5, "UNDELIV"),
        (8, "REJECTD"),
        ("weird", "UNKNOWN"),
        (None, "UNKNOWN"),
    ],
)
def test_state_mapping(raw, state):
    assert normalize_state(raw) == state


def test_id_normalization():
    assert normalize_id(" 1A2B \x00") == "1A2B"
    assert normalize_id("ff", "hex2dec") == "255"
    assert normalize_id("255", "dec2hex") == "ff"
    assert normalize_id("not-hex", "hex2dec") == "not-hex"
    r = parse_receipt("id:3e8 stat:DELIVRD err:000", id_mode="hex2dec")
    assert r.message_id == "1000"


def test_format_round_trip():
    text = format_receipt("1000001", "EXPIRED", 27, datetime(2026, 1, 2, 3, 4), datetime(2026, 1, 2, 3, 5), "hi")
    r = parse_receipt(text)
    assert (r.message_id, r.state, r.error_code, r.text) == ("1000001", "EXPIRED", "027", "hi")


@given(st.text(alphabet="0123456789", min_size=10, max_size=12))
def test_receipt_dates_read_as_strptime_reads_them(value):
    """The hand-written date reader (strptime was a measurable share of the pipeline) agrees with it."""
    from mpaas.carriers.receipts import _parse_date

    expected = None
    for fmt in ("%y%m%d%H%M%S", "%y%m%d%H%M"):
        if len(value) == len(datetime(2000, 1, 1).strftime(fmt)):
            try:
                expected = datetime.strptime(value, fmt)
            except ValueError:
                pass
    assert _parse_date(value) == expected


# Values built of pieces that could confuse one reader or the other: spaces, colons, word boundaries, keywords.
_PIECES = ["", "a", "0F", " ", "  ", ":", "-", "_", "\n", "id:", "err:", "stat:", "text:", "Text:", "done date:", "x_y"]
_VALUE = st.lists(st.sampled_from(_PIECES), max_size=4).map("".join)


@given(
    st.lists(_VALUE, min_size=7, max_size=7),
    st.one_of(st.none(), _VALUE),
    st.sampled_from(["text", "Text", "TEXT"]),
)
def test_the_standard_layout_reads_as_the_general_scan_reads_it(values, text, text_key):
    """The fast path for the usual layout gives the scan's fields, for any values (spaces, colons, keywords in
    them send it to the scan) and with or without the text field."""
    layout = "id:{} sub:{} dlvrd:{} submit date:{} done date:{} stat:{} err:{}".format(*values)
    if text is not None:
        layout += f" {text_key}:{text}"
    assert parse_text(layout) == receipts.scan_fields(layout)
