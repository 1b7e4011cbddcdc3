"""The contract's KeywordFilter string, parsed.

The contract's KeywordFilter is a STRING holding stringified JSON:
    {"CustomKeywords":[...],"SystemKeywords":{"Profanity":[...],"Violence":[...]},"SeverityMap":{"Word1":"HIGH"}}
One of its response samples shows the same object without its braces ("\"CustomKeywords\":[...],..."), so that form
is read too. Anything that is not JSON is read as a plain list of custom keywords separated by commas, semicolons
or newlines (a JSON array of strings is such a list as well).

Keywords are trimmed and deduplicated case-insensitively (the first spelling is kept).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from mpaas.guardian.lexicon.matcher import _RANK, Matcher, compile_matcher

_SEPARATORS = re.compile(r"[,;\r\n]+")
MAX_KEYWORD_LENGTH = 200


@dataclass(frozen=True)
class KeywordFilter:
    """A parsed KeywordFilter: custom keywords, SystemKeywords ({category: [words]}) and SeverityMap."""

    custom_keywords: list[str] = field(default_factory=list)
    system_keywords: dict[str, list[str]] = field(default_factory=dict)
    severity_map: dict[str, str] = field(default_factory=dict)

    def as_contract(self) -> dict[str, object]:
        """The object the /keywords operations return."""
        return {
            "CustomKeywords": list(self.custom_keywords),
            "SystemKeywords": {k: list(v) for k, v in self.system_keywords.items()},
            "SeverityMap": dict(self.severity_map),
        }

    def compile(self, level: str | None = None) -> Matcher:
        return compile_matcher(self.custom_keywords, self.system_keywords, self.severity_map, level)


def _dedupe(words: Iterable[object]) -> list[str]:
    seen: set[str] = set()
    out: list[str] = []
    for word in words:
        if not isinstance(word, str):
            continue
        word = word.strip()
        key = word.casefold()
        if word and key not in seen:
            seen.add(key)
            out.append(word)
    return out


def _split(text: str) -> list[str]:
    return _dedupe(part.strip().strip("\"'") for part in _SEPARATORS.split(text))


def _load(text: str) -> object:
    stripped = text.strip()
    if not stripped:
        return None
    if stripped[0] in "[{":
        try:
            return json.loads(stripped)
        except ValueError:
            return None
    if stripped.startswith('"'):  # the response sample's form: the object without its braces, or a JSON string
        for candidate in ("{" + stripped + "}", stripped):
            try:
                loaded = json.loads(candidate)
            except ValueError:
                continue
            if isinstance(loaded, str) and loaded.strip()[:1] in ("[", "{"):  # a JSON document inside a string
                return _load(loaded)
            return loaded
    return None


def _field(obj: dict[str, object], name: str) -> object:
    for key, value in obj.items():
        if key.casefold() == name.casefold():
            return value
    return None


def parse_keyword_filter(keyword_filter: str | None, *, strict: bool = False) -> KeywordFilter:
    """The KeywordFilter string as an object. `strict`: ValueError naming the bad part (for request validation)
    instead of skipping it."""
    if keyword_filter is None or not keyword_filter.strip():
        return KeywordFilter()
    loaded = _load(keyword_filter)
    if loaded is None:
        if keyword_filter.strip()[0] in "[{":
            if strict:
                raise ValueError("KeywordFilter is not valid JSON")
            return KeywordFilter()
        return KeywordFilter(custom_keywords=_split(keyword_filter))
    if isinstance(loaded, str):
        return KeywordFilter(custom_keywords=_split(loaded))
    if isinstance(loaded, list):
        if strict and not all(isinstance(w, str) for w in loaded):
            raise ValueError("KeywordFilter: every keyword must be a string")
        return KeywordFilter(custom_keywords=_dedupe(loaded))
    if not isinstance(loaded, dict):
        if strict:
            raise ValueError("KeywordFilter must be a JSON object with CustomKeywords, SystemKeywords, SeverityMap")
        return KeywordFilter()

    custom = _field(loaded, "CustomKeywords")
    if isinstance(custom, str):
        custom = _SEPARATORS.split(custom)
    if custom is not None and not isinstance(custom, list):
        if strict:
            raise ValueError("KeywordFilter.CustomKeywords must be an array of strings")
        custom = None
    if strict and custom and not all(isinstance(w, str) for w in custom):
        raise ValueError("KeywordFilter.CustomKeywords must be an array of strings")

    system: dict[str, list[str]] = {}
    raw_system = _field(loaded, "SystemKeywords")
    if isinstance(raw_system, list):  # category names only
        raw_system = {name: [] for name in raw_system if isinstance(name, str)}
    if raw_system is not None and not isinstance(raw_system, dict):
        if strict:
            raise ValueError("KeywordFilter.SystemKeywords must be an object of category: [keywords]")
        raw_system = None
    for name, words in (raw_system or {}).items():
        if not isinstance(name, str) or not name.strip():
            continue
        if words is None:
            words = []
        if isinstance(words, str):
            words = [words]
        if not isinstance(words, list) or (strict and not all(isinstance(w, str) for w in words)):
            if strict:
                raise ValueError(f"KeywordFilter.SystemKeywords.{name} must be an array of strings")
            words = []
        system[name.strip()] = _dedupe(words)

    severity: dict[str, str] = {}
    raw_severity = _field(loaded, "SeverityMap")
    if raw_severity is not None and not isinstance(raw_severity, dict):
        if strict:
            raise ValueError("KeywordFilter.SeverityMap must be an object of keyword: HIGH|MEDIUM|LOW")
        raw_severity = None
    for key, value in (raw_severity or {}).items():
        if isinstance(value, str) and value.strip().upper() in _RANK and key.strip():
            severity[key.strip()] = value.strip().upper()
        elif strict:
            raise ValueError(f"KeywordFilter.SeverityMap.{key} must be HIGH, MEDIUM or LOW")

    custom_list = _dedupe(custom or [])
    if strict:
        for word in [*custom_list, *(w for ws in system.values() for w in ws)]:
            if len(word) > MAX_KEYWORD_LENGTH:
                raise ValueError(f"KeywordFilter: a keyword is longer than {MAX_KEYWORD_LENGTH} characters")
    return KeywordFilter(custom_keywords=custom_list, system_keywords=system, severity_map=severity)


def parse_keywords(keyword_filter: str | None) -> list[str]:
    """The custom keywords of a KeywordFilter string (JSON object, JSON array, or a comma/semicolon/newline
    separated list), trimmed and deduplicated case-insensitively. Never raises."""
    return parse_keyword_filter(keyword_filter).custom_keywords
