"""The AI Guardian's keyword and link matcher: pure functions, no I/O after the first use (docs/guardian.md,
"Lexicon").

    matcher = compile_matcher(["banned"], ["Profanity", "Violence"], {"banned": "MEDIUM"}, "TEENAGER")
    hit = matcher.find(message_text)      # Hit(keyword, category, severity) or None
    contains_link(message_text)           # BlockLinks
    parse_keywords(keyword_filter)        # the KeywordFilter string's custom keywords

`compile_filter(keyword_filter, level)` parses a stored KeywordFilter string and compiles it, cached per
(string, level).
"""

from __future__ import annotations

from functools import lru_cache

from mpaas.guardian.lexicon.categories import CATEGORIES, canonical_category
from mpaas.guardian.lexicon.keywords import KeywordFilter, parse_keyword_filter, parse_keywords
from mpaas.guardian.lexicon.links import contains_link, tlds
from mpaas.guardian.lexicon.matcher import (
    FILTER_LEVELS,
    LEVEL_THRESHOLDS,
    SEVERITIES,
    Hit,
    Matcher,
    _compiled_category,
    compile_matcher,
    normalize_level,
)

__all__ = [
    "CATEGORIES",
    "FILTER_LEVELS",
    "LEVEL_THRESHOLDS",
    "SEVERITIES",
    "Hit",
    "KeywordFilter",
    "Matcher",
    "canonical_category",
    "compile_filter",
    "compile_matcher",
    "contains_link",
    "normalize_level",
    "parse_keyword_filter",
    "parse_keywords",
    "warm",
]


def warm() -> None:
    """Load the TLD list and normalize the system categories now (under 100 ms), so that the first message a process
    checks does not pay for it. Idempotent."""
    tlds()
    for category in CATEGORIES:
        _compiled_category(category)


@lru_cache(maxsize=4096)
def compile_filter(keyword_filter: str | None, level: str | None = None) -> Matcher:
    """The Matcher of a stored KeywordFilter string at a level (cached: filters are compiled once, not per
    message)."""
    return parse_keyword_filter(keyword_filter).compile(level)
