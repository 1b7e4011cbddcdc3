"""Segment counting: GSM-7 160/153 and UCS-2 70/67, never splitting an escape or a surrogate pair."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from mpaas.carriers.segments import GSM7_BASIC, GSM7_EXTENSION, plan

gsm_text = st.text(alphabet=sorted(GSM7_BASIC | GSM7_EXTENSION), max_size=800)
any_text = st.text(max_size=400)


def test_limits():
    assert plan("a" * 160).count == 1
    assert plan("a" * 161).count == 2
    assert plan("a" * 306).count == 2
    assert plan("a" * 307).count == 3
    assert plan("€" * 80).count == 1  # extension characters take two septets
    assert plan("€" * 81).count == 2
    assert plan("é" * 160).encoding == "GSM7"
    assert plan("ж" * 70).count == 1 and plan("ж" * 70).encoding == "UCS2"
    assert plan("ж" * 71).count == 2
    assert plan("😀" * 35).count == 1  # a surrogate pair is two UTF-16 units
    assert plan("😀" * 36).count == 2


def _septets(text: str) -> int:
    return sum(2 if ch in GSM7_EXTENSION else 1 for ch in text)


def _utf16_units(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


@given(gsm_text)
def test_gsm_parts_round_trip_and_fit(text):
    result = plan(text)
    assert result.encoding == "GSM7"
    assert "".join(result.parts) == text
    limit = 160 if result.count == 1 else 153
    assert all(_septets(p) <= limit for p in result.parts)


@given(any_text)
def test_any_text_round_trips_and_fits(text):
    result = plan(text)
    assert "".join(result.parts) == text
    if result.encoding == "UCS2":
        limit = 70 if result.count == 1 else 67
        assert all(_utf16_units(p) <= limit for p in result.parts)
        # Every part is valid UTF-16 on its own: no surrogate pair was split.
        assert all(p.encode("utf-16-le").decode("utf-16-le") == p for p in result.parts)


@given(any_text)
def test_parts_are_as_few_as_greedy_filling_allows(text):
    result = plan(text)
    if result.count > 1:
        limit = 153 if result.encoding == "GSM7" else 67
        size = _septets if result.encoding == "GSM7" else _utf16_units
        # Each part but the last is full enough that the next character would not fit.
        for part, nxt in zip(result.parts, result.parts[1:], strict=False):  # the last part has no next
            assert size(part) + size(nxt[0]) > limit


# Plain characters (segments.PLAIN_GSM7) mixed with the ones that are not: `$ @ _ \`` sit elsewhere in GSM-7,
# `[ ^ €` are extension characters, `é` is basic non-ASCII, `ж` and an emoji force UCS-2.
MIXED = st.text(alphabet=st.sampled_from(list("aZ09 .,!?\n\r#%") + list("$@_`[^€éж😀")), max_size=400)


@given(MIXED)
def test_the_plain_text_shortcut_plans_what_the_character_count_plans(text):
    from mpaas.carriers.segments import GSM7_PART, GSM7_SINGLE, UCS2_PART, UCS2_SINGLE, _split, is_gsm7

    if is_gsm7(text):
        expected = ("GSM7", _split(text, "GSM7", GSM7_SINGLE, GSM7_PART))
    else:
        expected = ("UCS2", _split(text, "UCS2", UCS2_SINGLE, UCS2_PART))
    got = plan(text)
    assert (got.encoding, got.parts) == expected
