"""Text -> the token skeleton both keywords and messages are compared in.

One function, `tokens()`, used for the keyword lists (once, at compile time) and for every message, so whatever it
does to evasions it does to both sides alike:

- NFKD, combining marks dropped, casefold: accents and case do not matter ("Ésta" == "esta"), fullwidth and other
  compatibility forms become their plain letters;
- homoglyphs: the Cyrillic and Greek letters that look like Latin ones become those (a cheap table, not the whole
  Unicode confusables set);
- apostrophes vanish ("don't" == "dont");
- leetspeak inside a word that has at least one letter: 4 @ -> a, 3 -> e, 1 ! | -> i (and a second reading with
  1 | -> l), 0 -> o, 5 $ -> s, 7 + -> t; "*" stays, for the matcher's masked words. A number alone ("555 1234") is
  left as it is;
- repeated letters: each token is kept twice, as written (`raw`) and with every run of one letter collapsed to a
  single letter (`skeleton`); matching compares skeletons, then checks that each run in the message is at least as
  long as the keyword's (so "baaaad" is "bad", but "as" is not "ass");
- text-speak (SYNONYMS): "u" is "you", "ur" "your", "r" "are", "2" "to", in the skeleton.

Skeletons are cached per token (ordinary words repeat from message to message), bounded by _CACHE_LIMIT.
"""

from __future__ import annotations

import re
import unicodedata

# Cyrillic and Greek letters (after casefold) that render like a Latin letter.
_HOMOGLYPHS = str.maketrans(
    {
        "а": "a",
        "в": "b",
        "е": "e",
        "ё": "e",
        "к": "k",
        "м": "m",
        "н": "h",
        "о": "o",
        "р": "p",
        "с": "c",
        "т": "t",
        "у": "y",
        "х": "x",
        "ѕ": "s",
        "і": "i",
        "ї": "i",
        "ј": "j",
        "ԁ": "d",
        "ԛ": "q",
        "ԝ": "w",
        "ɑ": "a",
        "ɡ": "g",
        "ı": "i",
        "ɩ": "i",
        "α": "a",
        "β": "b",
        "ε": "e",
        "η": "n",
        "ι": "i",
        "κ": "k",
        "ν": "v",
        "ο": "o",
        "ρ": "p",
        "τ": "t",
        "υ": "u",
        "χ": "x",
        "ω": "w",
        "ς": "s",
        "σ": "o",
        "ð": "d",
        "ø": "o",
        "đ": "d",
        "ł": "l",
        "þ": "p",
        "ƒ": "f",
        "æ": "ae",
        "œ": "oe",
    }
)
_HOMOGLYPH_CHARS = re.compile("[" + re.escape("".join(chr(c) for c in _HOMOGLYPHS)) + "]")
_NON_ASCII_WORD = re.compile(r"(?![\x00-\x7f])\w")
_APOSTROPHES = re.compile(r"(?<=[^\W_])['’‘`´](?=[^\W_])")
# A token: a run of letters, digits and leet symbols; "!" and "|" lose their place at either end ("hi!" is "hi"),
# and a token of symbols alone is dropped.
_TOKEN = re.compile(r"[\w$@!|*+]+")
_ASCII_SEPARATORS = bytes(
    c if (97 <= c <= 122 or 48 <= c <= 57 or c in b"$@!|*+") else 32 for c in range(256)
)  # after lower(): every byte that cannot be in a token becomes a space
_LEET_I = str.maketrans(
    {"4": "a", "@": "a", "3": "e", "1": "i", "!": "i", "|": "i", "0": "o", "5": "s", "$": "s", "7": "t", "+": "t"}
)
_LEET_L = str.maketrans(
    {"4": "a", "@": "a", "3": "e", "1": "l", "!": "i", "|": "l", "0": "o", "5": "s", "$": "s", "7": "t", "+": "t"}
)
_NOT_LETTERS = "0123456789$@!|*+"
# Text-speak read as the words it stands for, after leetspeak and repeated letters (keywords get the same).
SYNONYMS: dict[str, str] = {"u": "you", "ur": "your", "urself": "yourself", "r": "are", "2": "to"}
_MARKS = re.compile(
    r"[\u0300-\u036f\u0483-\u0489\u0591-\u05bd\u064b-\u065f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]"
)
_RUNS = re.compile(r"([^\W\d_])\1+")
_CACHE_LIMIT = 200_000


def fold(text: str) -> str:
    """Accents, compatibility forms and homoglyphs removed, case folded; apostrophes inside words dropped."""
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text)
        if not text.isascii():
            text = _MARKS.sub("", text)
        text = text.casefold()
        if _HOMOGLYPH_CHARS.search(text) is not None:  # translate() walks every character: only when needed
            text = text.translate(_HOMOGLYPHS)
    else:
        text = text.lower()
    if "'" in text or "’" in text or "‘" in text or "`" in text or "´" in text:
        text = _APOSTROPHES.sub("", text)
    return text


def split(folded: str) -> list[str]:
    """The folded text's tokens, before leetspeak is read."""
    if not folded.isascii() and _NON_ASCII_WORD.search(folded) is None:  # emoji and symbols only: separators
        folded = folded.encode("ascii", "replace").decode("ascii")
    if folded.isascii():
        found = folded.encode("ascii").translate(_ASCII_SEPARATORS).decode("ascii").split()
    else:
        found = _TOKEN.findall(folded.replace("_", " ") if "_" in folded else folded)
    if "!" in folded or "|" in folded or "$" in folded or "@" in folded or "*" in folded or "+" in folded:
        out = []
        for token in found:
            if "!" in token or "|" in token or "*" in token or "+" in token:
                token = token.strip("!|*+")
            if token and token.strip(_NOT_LETTERS):
                out.append(token)
            elif token and token.strip("$@!|*+"):  # a number: "555", "$20"
                out.append(token.strip("$@!|*+"))
        return out
    return found


def leet(token: str, one_as_l: bool = False) -> str:
    """The token with its leetspeak read (only in a token that has a letter: "555" stays "555")."""
    if token.strip(_NOT_LETTERS):
        return token.translate(_LEET_L if one_as_l else _LEET_I)
    return token


def collapse(word: str) -> str:
    """Every run of one letter as one letter ("baaad" -> "bad"); digits are left alone."""
    return _RUNS.sub(_first, word)


def _first(match: re.Match[str]) -> str:
    return match.group(1)


# token -> its skeleton (1 read as i), and token -> its skeleton with 1 read as l for the tokens where that differs.
# Tokens repeat across messages (ordinary words), so most are found here; cleared past _CACHE_LIMIT entries.
_first_cache: dict[str, str] = {}
_second_cache: dict[str, str] = {}


def skeletons(token: str) -> tuple[str, str | None]:
    first = collapse(leet(token))
    first = SYNONYMS.get(first, first)
    second = None
    if ("1" in token or "|" in token) and token.strip(_NOT_LETTERS):
        second = collapse(leet(token, True))
        second = SYNONYMS.get(second, second)
        if second == first:
            second = None
    if len(_first_cache) >= _CACHE_LIMIT:
        _first_cache.clear()
        _second_cache.clear()
    _first_cache[token] = first
    if second is not None:
        _second_cache[token] = second
    return first, second


def _skeleton(token: str) -> str:
    return skeletons(token)[0]


class Tokens:
    """A text's tokens as split (`found`, leetspeak not read yet) and their skeletons, in one reading of 1 (as i,
    or as l when `one_as_l`)."""

    __slots__ = ("found", "one_as_l", "skeleton")

    def __init__(self, found: list[str], skeleton: list[str], one_as_l: bool = False) -> None:
        self.found = found
        self.skeleton = skeleton
        self.one_as_l = one_as_l

    @property
    def raw(self) -> list[str]:
        """The tokens with leetspeak read, letters as typed (runs not collapsed)."""
        return [leet(t, self.one_as_l) for t in self.found]

    def raw_at(self, i: int) -> str:
        return leet(self.found[i], self.one_as_l)


def tokens(text: str, *, one_as_l: bool = False) -> Tokens:
    """The text's tokens, leet mapped (1 read as i, or as l with `one_as_l`)."""
    found = split(fold(text))
    pairs = [skeletons(t) for t in found]
    if one_as_l:
        return Tokens(found, [b or a for a, b in pairs], True)
    return Tokens(found, [a for a, _ in pairs])


def tokens_both(text: str) -> tuple[Tokens, Tokens | None]:
    """The tokens with 1 read as i, and a second reading with 1 as l when a word has a 1 or | in it (else None)."""
    found = split(fold(text))
    get = _first_cache.get
    first = [get(t) or _skeleton(t) for t in found]
    if _second_cache.keys().isdisjoint(found):
        return Tokens(found, first), None
    other = _second_cache.get
    return Tokens(found, first), Tokens(found, [other(t) or s for t, s in zip(found, first, strict=True)], True)


_RUN = re.compile(r"([^\W\d_])\1*|.", re.DOTALL)


def runs(word: str) -> tuple[int, ...]:
    """Lengths of the runs of one letter in `word` (digits count one each): "baaad" -> (1, 3, 1)."""
    return tuple(m.end() - m.start() for m in _RUN.finditer(word))


def covers(text_raw: str, keyword_runs: tuple[int, ...]) -> bool:
    """True when every run of `text_raw` is at least as long as the keyword's (same skeleton assumed)."""
    text_runs = runs(text_raw)
    if len(text_runs) != len(keyword_runs):
        return False
    return all(t >= k for t, k in zip(text_runs, keyword_runs, strict=True))
