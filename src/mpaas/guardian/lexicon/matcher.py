"""compile_matcher(): a filter's keywords, categories, severities and level compiled into one Matcher.

A Matcher holds only the phrases that block under the filter's level (a phrase below its category's threshold is
left out at compile time), indexed by the skeleton of their first word (and, for one-word phrases, its -s/-z
plural). `find()` normalizes the message once (normalize.py) and intersects its words with the index's keys (a set
operation in C, usually empty); only the words found there are compared with their phrases' other words and
repeated-letter runs. Letters spelled out one by one ("b a d", "b.a.d", "b-a-d") are joined and searched as a
substring; words with asterisks for letters ("f**k") are compared with the one-word phrases of their length. The
cost grows with the message, not with the number of keywords; hostile input is bounded (_SPELLED_BUDGET,
_MASKED_BUDGET).

Levels (FilterLevel) and severities (SeverityMap): each level sets, per category, the lowest severity that blocks.

| category        | no level | CHILD | ADOLESCENT | TEENAGER |
|-----------------|----------|-------|------------|----------|
| Profanity       | LOW      | LOW   | MEDIUM     | HIGH     |
| Violence        | LOW      | LOW   | MEDIUM     | HIGH     |
| SelfHarm        | LOW      | LOW   | LOW        | LOW      |
| Drugs           | LOW      | LOW   | MEDIUM     | HIGH     |
| Sexual          | LOW      | LOW   | LOW        | MEDIUM   |
| Scam            | LOW      | LOW   | LOW        | MEDIUM   |
| custom keywords | LOW      | LOW   | LOW        | MEDIUM   |

Custom keywords (and words an owner lists under a category in SystemKeywords) are HIGH unless the SeverityMap says
otherwise, so they block at every level by default. SeverityMap keys are keywords, compared as the matcher
compares text (case, accents, leetspeak do not matter); a key that names a category sets the severity of that
category's every phrase (an extension: the contract's sample has keyword keys only). A keyword key wins over a
category key, which wins over the list's own severity.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from functools import cache, lru_cache

from mpaas.guardian.lexicon import categories as cat
from mpaas.guardian.lexicon.normalize import (
    SYNONYMS,
    Tokens,
    collapse,
    covers,
    fold,
    leet,
    runs,
    tokens,
    tokens_both,
)

SEVERITIES: tuple[str, ...] = ("LOW", "MEDIUM", "HIGH")
_RANK = {"LOW": 1, "MEDIUM": 2, "HIGH": 3}
FILTER_LEVELS: tuple[str, ...] = ("CHILD", "ADOLESCENT", "TEENAGER")
CUSTOM = "custom"

# The lowest severity that blocks, per level and category (see the module's docstring).
LEVEL_THRESHOLDS: dict[str | None, dict[str, str]] = {
    None: {c: "LOW" for c in (*cat.CATEGORIES, CUSTOM)},
    "CHILD": {c: "LOW" for c in (*cat.CATEGORIES, CUSTOM)},
    "ADOLESCENT": {
        cat.PROFANITY: "MEDIUM",
        cat.VIOLENCE: "MEDIUM",
        cat.SELF_HARM: "LOW",
        cat.DRUGS: "MEDIUM",
        cat.SEXUAL: "LOW",
        cat.SCAM: "LOW",
        CUSTOM: "LOW",
    },
    "TEENAGER": {
        cat.PROFANITY: "HIGH",
        cat.VIOLENCE: "HIGH",
        cat.SELF_HARM: "LOW",
        cat.DRUGS: "HIGH",
        cat.SEXUAL: "MEDIUM",
        cat.SCAM: "MEDIUM",
        CUSTOM: "MEDIUM",
    },
}

_SPELLED_MIN = 3  # at least this many one-letter tokens in a row are read as one spelled-out word
# Hostile input bounds: letters of spelled-out runs searched per message, masked words ("f**k") tried per message.
_SPELLED_BUDGET = 256
_MASKED_BUDGET = 16
_SPELLED_PART = 4  # a phrase found inside a longer run of spelled-out letters has at least this many
_SPELLED = re.compile(r"(?<![^ ])[^ ](?: [^ ]){2,}(?![^ ])")


@dataclass(frozen=True, slots=True)
class Hit:
    """A phrase that blocks: as listed (`keyword`), its system category (None for a custom keyword), severity."""

    keyword: str
    category: str | None
    severity: str


@dataclass(frozen=True, slots=True)
class _Entry:
    words: tuple[str, ...]  # skeletons
    runs: tuple[tuple[int, ...] | None, ...] | None  # per word (None: every run is one letter); None: all words
    raw: tuple[str, ...]  # the words with leetspeak read, letters as listed
    hit: Hit
    rank: int
    plural: bool = False  # the one-word phrase with an "s" added


class Matcher:
    """Compiled keywords; `find(text)` returns the most severe blocking Hit in the text, or None."""

    __slots__ = ("_index", "_keys", "_literals", "_masked", "_max_word", "_prefixes", "_singles", "size")

    def __init__(self, entries: Sequence[_Entry], literals: Sequence[tuple[str, Hit]]) -> None:
        index: dict[str, list[_Entry]] = {}
        singles: dict[str, _Entry] = {}
        for entry in entries:
            index.setdefault(entry.words[0], []).append(entry)
            if len(entry.words) == 1:
                singles[entry.words[0]] = entry
        masked: dict[int, list[_Entry]] = {}
        for word, entry in singles.items():
            # a plural or third person: "kills", "nudes", "nudez" (not "as" for "ass")
            if len(word) >= 3 and not word.endswith(("s", "z")):
                for suffix in ("s", "z"):
                    index.setdefault(word + suffix, []).append(replace(entry, words=(word + suffix,), plural=True))
            masked.setdefault(len(entry.raw[0]), []).append(entry)
        for bucket in index.values():
            bucket.sort(key=lambda e: -e.rank)
        self._index = index
        self._keys = frozenset(index)
        self._singles = singles
        self._masked = masked
        self._max_word = max((len(w) for w in singles), default=0)
        # a spelled-out word may be the text-speak form of a keyword ("u r s e l f" for "yourself")
        spoken = [short for short, word in SYNONYMS.items() if word in singles]
        self._prefixes = frozenset(w[:2] for w in [*singles, *spoken])
        self._literals = tuple(literals)
        self.size = len(entries) + len(literals)

    def __bool__(self) -> bool:
        return self.size > 0

    def __repr__(self) -> str:
        return f"<Matcher {self.size} phrases>"

    def find(self, text: str | None) -> Hit | None:
        if not text or not self.size:
            return None
        first, second = tokens_both(text)
        best = self._scan(first)
        if (best is None or best.rank < 3) and second is not None:
            other = self._scan(second)
            if other is not None and (best is None or other.rank > best.rank):
                best = other
        result = best.hit if best is not None else None
        if (best is None or best.rank < 3) and self._literals:
            folded = fold(text)
            rank = best.rank if best is not None else 0
            for literal, hit in self._literals:
                if literal in folded and _RANK[hit.severity] > rank:
                    result, rank = hit, _RANK[hit.severity]
        return result

    def _scan(self, toks: Tokens) -> _Entry | None:
        skeleton = toks.skeleton
        best: _Entry | None = None
        candidates = self._keys.intersection(skeleton)  # in C: usually empty
        if candidates:
            raw_at = toks.raw_at
            index = self._index
            n_tokens = len(skeleton)
            for i, word in enumerate(skeleton):
                if word not in candidates:
                    continue
                for entry in index[word]:
                    if best is not None and entry.rank <= best.rank:
                        break
                    n = len(entry.words)
                    if n > 1 and (i + n > n_tokens or tuple(skeleton[i : i + n]) != entry.words):
                        continue
                    if entry.runs is not None:
                        if entry.plural:
                            word_raw = raw_at(i)
                            stem = word_raw[:-1].rstrip(word_raw[-1])
                            if entry.runs[0] is not None and not covers(stem, entry.runs[0]):
                                continue
                        elif not all(
                            covers(raw_at(i + j), want) for j, want in enumerate(entry.runs) if want is not None
                        ):
                            continue
                    best = entry
                    if best.rank == 3:
                        return best
                    break
        joined = " ".join(toks.found)
        if len(skeleton) >= _SPELLED_MIN:
            budget = _SPELLED_BUDGET
            for match in _SPELLED.finditer(joined):
                start = joined.count(" ", 0, match.start())
                end = min(start + (match.end() - match.start() + 1) // 2, start + budget)
                budget -= end - start
                found = self._spelled(leet("".join(toks.found[start:end]), toks.one_as_l))
                if found is not None and (best is None or found.rank > best.rank):
                    best = found
                if budget <= 0:
                    break
        if "*" in joined:
            masked = [i for i, token in enumerate(toks.found) if "*" in token]
            for i in masked[:_MASKED_BUDGET]:
                found = self._masked_word(toks.raw_at(i))
                if found is not None and (best is None or found.rank > best.rank):
                    best = found
        return best

    def _masked_word(self, raw: str) -> _Entry | None:
        """A one-word phrase written with asterisks for some letters ("f**k", "sh*t"): each * one letter, at least
        two letters shown and no more asterisks than letters."""
        stars = raw.count("*")
        if len(raw) - stars < 2 or stars > len(raw) - stars:
            return None
        pattern = re.compile(re.escape(raw).replace(r"\*", r"[^\W\d_]"))
        best: _Entry | None = None
        for entry in self._masked.get(len(raw), ()):
            if pattern.fullmatch(entry.raw[0]) and (
                best is None
                or entry.rank > best.rank
                or (entry.rank == best.rank and entry.hit.keyword.isalpha() and not best.hit.keyword.isalpha())
            ):
                best = entry
        return best

    def _spelled(self, letters: str) -> _Entry | None:
        """The best one-word phrase inside a run of spelled-out letters: the whole run, or a part of it of at least
        _SPELLED_PART letters ("k y s" is kys, but "k = y.s" inside a longer run of letters is not)."""
        skeleton = collapse(letters)
        counts = runs(letters)
        singles = self._singles
        best: _Entry | None = None
        whole = len(skeleton)
        prefixes = self._prefixes
        for start in range(whole):
            if skeleton[start : start + 2] not in prefixes:
                continue
            for end in range(start + 1, min(whole, start + self._max_word) + 1):
                if end - start < _SPELLED_PART and (start, end) != (0, whole):
                    continue
                part = skeleton[start:end]
                # keywords are stored as their text-speak reading ("urself" as "yourself"): read the part alike
                entry = singles.get(SYNONYMS.get(part, part))
                if entry is None or (best is not None and entry.rank <= best.rank):
                    continue
                want = entry.runs[0] if entry.runs is not None else None  # one word: runs[0] is its runs
                if (
                    want is not None
                    and len(want) == end - start
                    and not all(c >= w for c, w in zip(counts[start:end], want, strict=True))
                ):
                    continue
                best = entry
        return best


def _severity(value: object) -> str | None:
    if isinstance(value, str) and value.strip().upper() in _RANK:
        return value.strip().upper()
    return None


def _key(phrase: str) -> tuple[str, ...]:
    return tuple(tokens(phrase).skeleton)


@lru_cache(maxsize=1 << 16)  # system phrases and custom keywords alike: bounded, since the latter are anyone's
def _runs_of(raw_words: tuple[str, ...]) -> tuple[tuple[int, ...] | None, ...] | None:
    out = tuple(r if any(n != 1 for n in r) else None for r in (runs(w) for w in raw_words))
    return out if any(r is not None for r in out) else None


@cache
def _compiled_category(
    category: str,
) -> tuple[tuple[tuple[str, ...], tuple[str, ...], str, str], ...]:
    """A system category's phrases normalized once per process: (skeleton words, raw words, phrase, severity)."""
    out = []
    for phrase, severity in cat.system_words(category):
        toks = tokens(phrase)
        if toks.skeleton and max(len(w) for w in toks.skeleton) > 1:  # not one-letter words only
            out.append((tuple(toks.skeleton), tuple(toks.raw), phrase, severity))
    return tuple(out)


def normalize_level(level: str | None) -> str | None:
    """FILTER_LEVELS' spelling of `level` (None/"" for no level); ValueError for anything else."""
    if level is None or not level.strip():
        return None
    upper = level.strip().upper()
    if upper not in FILTER_LEVELS:
        raise ValueError(f"unknown filter level {level!r}: expected one of {', '.join(FILTER_LEVELS)}")
    return upper


def compile_matcher(
    custom_keywords: Sequence[str],
    system_categories: Sequence[str] | Mapping[str, Sequence[str]],
    severity_map: Mapping[str, str] | None = None,
    level: str | None = None,
) -> Matcher:
    """A filter's Matcher.

    `system_categories`: category names (any spelling canonical_category() accepts), or the contract's
    SystemKeywords object ({category: [extra words]}): its keys enable the categories and its lists add the owner's
    words to them (a key that is no system category still matches its words, reported under that name). Empty with a
    level set: every system category, at the level's thresholds. `severity_map`: the contract's SeverityMap.
    `level`: CHILD, ADOLESCENT, TEENAGER or None (every enabled phrase blocks). Invalid severities are ignored.
    """
    level_key = normalize_level(level)
    thresholds = LEVEL_THRESHOLDS[level_key]
    if isinstance(custom_keywords, str):  # one keyword, not its letters
        custom_keywords = [custom_keywords]
    if isinstance(system_categories, str):
        system_categories = [system_categories]
    keyword_severity: dict[tuple[str, ...], str] = {}
    literal_severity: dict[str, str] = {}
    category_severity: dict[str, str] = {}
    for key, value in (severity_map or {}).items():
        severity = _severity(value)
        if severity is None or not isinstance(key, str):
            continue
        canonical = cat.canonical_category(key)
        if canonical is not None:
            category_severity[canonical] = severity
        words = _key(key)
        if words:
            keyword_severity.setdefault(words, severity)
        elif key.strip():  # an emoji or symbols: matched as a literal
            literal_severity.setdefault(fold(key.strip()), severity)

    # words -> (rank, order, raw words, hit): the entries are built for the winners only (their letter runs are
    # most of a compile's cost, and most offers of a big category lose to an earlier one or are never made)
    chosen: dict[tuple[str, ...], tuple[int, int, tuple[str, ...], Hit]] = {}
    literals: list[tuple[str, Hit]] = []

    def offer(words: tuple[str, ...], raw: tuple[str, ...], hit: Hit, order: int) -> None:
        rank = _RANK[hit.severity]
        current = chosen.get(words)
        if current is not None:
            # the higher severity, then the more specific category, then the spelling without leet symbols
            plain = hit.keyword.replace(" ", "").isalpha()
            current_plain = current[3].keyword.replace(" ", "").isalpha()
            if (current[0], -current[1], current_plain) >= (rank, -order, plain):
                return
        chosen[words] = (rank, order, raw, hit)

    custom_order = len(cat.PRECEDENCE)
    for keyword in custom_keywords:
        if not isinstance(keyword, str) or not keyword.strip():
            continue
        keyword = keyword.strip()
        toks = tokens(keyword)
        if toks.skeleton:
            severity = keyword_severity.get(tuple(toks.skeleton)) or "HIGH"
        else:
            severity = literal_severity.get(fold(keyword)) or "HIGH"
        if _RANK[severity] < _RANK[thresholds[CUSTOM]]:
            continue
        hit = Hit(keyword, None, severity)
        if not toks.skeleton:  # no letter or digit (an emoji, "$$$"): a plain substring of the folded text
            literals.append((fold(keyword), hit))
            continue
        offer(tuple(toks.skeleton), tuple(toks.raw), hit, custom_order)

    if isinstance(system_categories, Mapping):
        names = [n for n in system_categories if isinstance(n, str)]
        extras = {n: system_categories[n] for n in names}
    else:
        names = [n for n in system_categories if isinstance(n, str)]
        extras = {}
    if not names and level_key is not None:
        names = list(cat.CATEGORIES)
    for name in names:
        canonical = cat.canonical_category(name)
        label = canonical or name.strip()
        threshold = _RANK[thresholds.get(canonical or CUSTOM, thresholds[CUSTOM])]
        order = cat.PRECEDENCE.index(canonical) if canonical else custom_order
        if canonical is not None:
            override = category_severity.get(canonical)
            for words, raw_words, phrase, default in _compiled_category(canonical):
                severity = keyword_severity.get(words) or override or default
                if _RANK[severity] >= threshold:
                    offer(words, raw_words, Hit(phrase, canonical, severity), order)
        extra = extras.get(name) or ()
        if isinstance(extra, str):
            extra = [extra]
        for word in extra:
            if not isinstance(word, str) or not word.strip():
                continue
            toks = tokens(word)
            own = (
                keyword_severity.get(tuple(toks.skeleton))
                if toks.skeleton
                else literal_severity.get(fold(word.strip()))
            )
            severity = own or category_severity.get(label) or "HIGH"
            if _RANK[severity] < threshold:
                continue
            hit = Hit(word.strip(), label, severity)
            if not toks.skeleton:
                literals.append((fold(word.strip()), hit))
            else:
                offer(tuple(toks.skeleton), tuple(toks.raw), hit, order)
    entries = [_Entry(words, _runs_of(raw), raw, hit, rank) for words, (rank, _, raw, hit) in chosen.items()]
    return Matcher(entries, literals)
