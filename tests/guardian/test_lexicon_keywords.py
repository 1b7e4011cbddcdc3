"""The KeywordFilter string (mpaas.guardian.lexicon.parse_keywords / parse_keyword_filter) and properties of the
matcher over arbitrary text."""

from __future__ import annotations

import json

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from mpaas.guardian.lexicon import (
    CATEGORIES,
    KeywordFilter,
    compile_matcher,
    contains_link,
    parse_keyword_filter,
    parse_keywords,
)

CONTRACT_SAMPLE = (
    '{"CustomKeywords":["inappropriate","banned"],"SystemKeywords":{"Profanity":["word1","word2"],'
    '"Violence":["threat1"]},"SeverityMap":{"Word1":"HIGH","Inappropriate":"MEDIUM"}}'
)


def test_the_contract_sample() -> None:
    parsed = parse_keyword_filter(CONTRACT_SAMPLE)
    assert parsed.custom_keywords == ["inappropriate", "banned"]
    assert parsed.system_keywords == {"Profanity": ["word1", "word2"], "Violence": ["threat1"]}
    assert parsed.severity_map == {"Word1": "HIGH", "Inappropriate": "MEDIUM"}
    assert parsed.as_contract() == json.loads(CONTRACT_SAMPLE)
    assert parse_keywords(CONTRACT_SAMPLE) == ["inappropriate", "banned"]


def test_the_response_samples_form_without_braces() -> None:
    text = '"CustomKeywords":["a","b"],"SeverityMap":{"a":"low"}'
    parsed = parse_keyword_filter(text)
    assert parsed.custom_keywords == ["a", "b"]
    assert parsed.severity_map == {"a": "LOW"}


def test_a_json_string_holding_the_object() -> None:
    assert parse_keywords(json.dumps(CONTRACT_SAMPLE)) == ["inappropriate", "banned"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("bad, worse; worst\nugly", ["bad", "worse", "worst", "ugly"]),
        ("  bad  ,, ;\n\r\n worse ", ["bad", "worse"]),
        ("Bad, bad, BAD, bád", ["Bad", "bád"]),
        ("meet me alone, dont tell", ["meet me alone", "dont tell"]),
        ("\"quoted\", 'single'", ["quoted", "single"]),
        ('["x", "y", "X"]', ["x", "y"]),
        ('{"CustomKeywords":"a, b; c"}', ["a", "b", "c"]),
        ('{"customkeywords":["lower", " Lower "]}', ["lower"]),
        ("", []),
        ("   ", []),
        (None, []),
        ("{not json", []),
        ('{"CustomKeywords": 5}', []),
        ('{"CustomKeywords": ["a", 5, null, ""]}', ["a"]),
        ("[1, 2]", []),
        ("42", ["42"]),
        ('"solo"', ["solo"]),
    ],
)
def test_parse_keywords(text: str | None, expected: list[str]) -> None:
    assert parse_keywords(text) == expected


def test_system_keywords_forms() -> None:
    assert parse_keyword_filter('{"SystemKeywords":["Profanity","Drugs"]}').system_keywords == {
        "Profanity": [],
        "Drugs": [],
    }
    assert parse_keyword_filter('{"SystemKeywords":{"Profanity":null,"Scam":"gift card"}}').system_keywords == {
        "Profanity": [],
        "Scam": ["gift card"],
    }


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ("{not json", "not valid JSON"),
        ("[1, 2]", "string"),
        ('{"CustomKeywords": 5}', "CustomKeywords"),
        ('{"CustomKeywords": ["a", 5]}', "CustomKeywords"),
        ('{"SystemKeywords": 5}', "SystemKeywords"),
        ('{"SystemKeywords": {"Profanity": [1]}}', "SystemKeywords.Profanity"),
        ('{"SeverityMap": []}', "SeverityMap"),
        ('{"SeverityMap": {"a": "EXTREME"}}', "SeverityMap.a"),
        ('{"CustomKeywords": ["' + "x" * 201 + '"]}', "longer than"),
    ],
)
def test_strict_parsing_names_the_field(text: str, field: str) -> None:
    with pytest.raises(ValueError, match=field):
        parse_keyword_filter(text, strict=True)
    parse_keyword_filter(text)  # lenient: never raises


def test_compile_from_a_parsed_filter() -> None:
    matcher = parse_keyword_filter(CONTRACT_SAMPLE).compile("TEENAGER")
    hit = matcher.find("that is INAPPROPRIATE")
    assert hit is not None and hit.severity == "MEDIUM"
    assert KeywordFilter().compile().find("anything") is None


# --- properties over any text -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, keywords",
    [('""', []), ('" "', []), ('"[oops"', ["[oops"]), ('"{\\"CustomKeywords\\":[\\"a\\"]}"', ["a"])],
)
def test_a_json_string_is_read_for_what_it_holds_even_empty_or_broken(text: str, keywords: list[str]) -> None:
    """A JSON string holding nothing, or a broken document, is not an error (hypothesis found `""` raising)."""
    assert parse_keyword_filter(text).custom_keywords == keywords
    assert parse_keyword_filter(text, strict=True).custom_keywords == keywords
    assert parse_keywords(text) == keywords


MATCHER = compile_matcher(["banned", "meet me alone", "🍆", "$$$"], CATEGORIES, {"banned": "LOW"}, "CHILD")


@settings(max_examples=400, deadline=None)
@given(st.text(max_size=400))
def test_any_text_is_handled(text: str) -> None:
    MATCHER.find(text)
    contains_link(text)
    parse_keywords(text)
    parse_keyword_filter(text)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(categories=["L", "N", "P", "Z", "S"]), max_size=60))
def test_a_keyword_is_found_wherever_it_stands_alone(around: str) -> None:
    text = f"{around} banned {around}"
    assert MATCHER.find(text) is not None


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["banned", "meet", "me", "alone", "x", "ok", "🍆"]), max_size=8))
def test_find_is_deterministic(words: list[str]) -> None:
    text = " ".join(words)
    assert MATCHER.find(text) == MATCHER.find(text)


_WORDS = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=3, max_size=10)
_ACCENTED = {"a": "á", "e": "é", "i": "ï", "o": "ô", "u": "ü", "n": "ñ", "c": "ç"}


def test_a_text_speak_keyword_spelled_out_is_found() -> None:
    # "urself" is stored as its reading "yourself": its spelled-out letters must be read the same way (CI found it)
    for keyword in ("urself", "yourself"):
        assert compile_matcher([keyword], [], None, None).find("u r s e l f") is not None, keyword


@settings(max_examples=300, deadline=None)
@given(_WORDS, st.data())
def test_any_keyword_survives_case_accents_and_repeated_letters(word: str, data: st.DataObject) -> None:
    matcher = compile_matcher([word], [], None, None)
    repeats = data.draw(st.lists(st.integers(1, 4), min_size=len(word), max_size=len(word)))
    stretched = "".join(c * n for c, n in zip(word, repeats, strict=True))
    accented = "".join(_ACCENTED.get(c, c) for c in stretched)
    variant = data.draw(st.sampled_from([stretched, stretched.upper(), accented, accented.upper()]))
    assert matcher.find(f"ok {variant}, fine") is not None, (word, variant)
    assert matcher.find(" ".join(word)) is not None, word  # spelled out


@settings(max_examples=300, deadline=None)
@given(_WORDS, st.sampled_from(["qz", "xq", "zzq"]))
def test_any_keyword_inside_a_longer_word_does_not_match(word: str, affix: str) -> None:
    matcher = compile_matcher([word], [], None, None)
    assert matcher.find(f"ok {affix}{word}{affix} fine") is None, word


@settings(max_examples=300, deadline=None)
@given(_WORDS)
def test_any_keyword_survives_leetspeak_while_a_letter_is_left(word: str) -> None:
    leet = word.translate(str.maketrans({"a": "4", "e": "3", "o": "0", "s": "5", "t": "7"}))
    assume(any(c.isalpha() for c in leet))  # "455" alone is a number, not "ass"
    assert compile_matcher([word], [], None, None).find(f"so {leet}!") is not None, (word, leet)
