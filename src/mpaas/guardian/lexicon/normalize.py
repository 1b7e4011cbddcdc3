"""Text -> the token skeleton both keywords and messages are compared in.

One function, `tokens()`, used for the keyword lists (once, at compile time) and for every message, so whatever it
does to evasions it does to both sides alike:

- NFKD, combining marks dropped, casefold: accents and case do not matter ("Ésta" == "esta"), fullwidth and other
  compatibility forms become their plain letters;
- homoglyphs: the Cyrillic and Greek letters that look like Latin ones become those (a cheap table, not the whole
  Unicode confusables set);
- apostrophes vanish ("don't" == "dont");
- leetspeak inside a word that has at least one letter: 4 @ -> a, 3 -> e, 1 ! | -> i (and a second reading with
  1 | -> l), 0 -> o, 5 $ -> s, 7 -> t. A number alone ("555 1234") is left as it is;
- repeated letters: each token is kept twice, as written (`raw`) and with every run of one letter collapsed to a
  single letter (`skeleton`); matching compares skeletons, then checks that each run in the message is at least as
  long as the keyword's (so "baaaad" is "bad", but "as" is not "ass").
"""

from __future__ import annotations

import re
import unicodedata
from itertools import groupby

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
        "æ": "ae",
        "œ": "oe",
    }
)
_APOSTROPHES = re.compile(r"(?<=[^\W_])['’‘`´](?=[^\W_])")
# A token: letters/digits, with leet symbols inside ("sh!t", "a$$hole"), leading ("$hit", "@ss") or trailing
# ("a$$"); "!" and "|" only inside, so "hi!" is "hi".
_TOKEN = re.compile(r"[$@]*[^\W_](?:[$@!|]*[^\W_])*[$@]*")
_LEET_I = str.maketrans(
    {"4": "a", "@": "a", "3": "e", "1": "i", "!": "i", "|": "i", "0": "o", "5": "s", "$": "s", "7": "t"}
)
_LEET_L = str.maketrans(
    {"4": "a", "@": "a", "3": "e", "1": "l", "!": "i", "|": "l", "0": "o", "5": "s", "$": "s", "7": "t"}
)
_NOT_LETTERS = "0123456789$@!|"
_RUNS = re.compile(r"([^\W\d_])\1+")


def fold(text: str) -> str:
    """Accents, compatibility forms and homoglyphs removed, case folded; apostrophes inside words dropped."""
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text)
        text = "".join(c for c in text if not unicodedata.combining(c))
        text = text.casefold().translate(_HOMOGLYPHS)
    else:
        text = text.lower()
    if "'" in text or "’" in text or "‘" in text or "`" in text or "´" in text:
        text = _APOSTROPHES.sub("", text)
    return text


class Tokens:
    """A text's tokens: `raw` (leet mapped, letters as typed) and `skeleton` (runs of a letter collapsed)."""

    __slots__ = ("raw", "skeleton")

    def __init__(self, raw: list[str], skeleton: list[str]) -> None:
        self.raw = raw
        self.skeleton = skeleton


def tokens(text: str, *, one_as_l: bool = False) -> Tokens:
    """The folded text's tokens, leet mapped (1 read as i, or as l with `one_as_l`)."""
    found = _TOKEN.findall(fold(text))
    return _from_found(found, _LEET_L if one_as_l else _LEET_I)


def tokens_both(text: str) -> tuple[Tokens, Tokens | None]:
    """The tokens with 1 read as i, and a second reading with 1 as l when a word has a 1 or | in it (else None)."""
    found = _TOKEN.findall(fold(text))
    first = _from_found(found, _LEET_I)
    if any(("1" in t or "|" in t) and t.strip(_NOT_LETTERS) for t in found):
        return first, _from_found(found, _LEET_L)
    return first, None


def _from_found(found: list[str], table: dict[int, str]) -> Tokens:
    joined = " ".join(found)
    if _needs_leet(joined):
        raw_joined = " ".join(t.translate(table) if t.strip(_NOT_LETTERS) else t for t in found)
    else:
        raw_joined = joined
    raw = raw_joined.split(" ") if raw_joined else []
    skeleton_joined = _RUNS.sub(r"\1", raw_joined)
    skeleton = skeleton_joined.split(" ") if skeleton_joined else []
    return Tokens(raw, skeleton)


_LEET_CHARS = re.compile(r"[0134579$@!|]")


def _needs_leet(joined: str) -> bool:
    return _LEET_CHARS.search(joined) is not None


def runs(word: str) -> tuple[int, ...]:
    """Lengths of the runs of one letter in `word` (digits count one each): "baaad" -> (1, 3, 1)."""
    out: list[int] = []
    for ch, group in groupby(word):
        n = sum(1 for _ in group)
        if ch.isdigit():
            out.extend([1] * n)
        else:
            out.append(n)
    return tuple(out)


def covers(text_raw: str, keyword_runs: tuple[int, ...]) -> bool:
    """True when every run of `text_raw` is at least as long as the keyword's (same skeleton assumed)."""
    text_runs = runs(text_raw)
    if len(text_runs) != len(keyword_runs):
        return False
    return all(t >= k for t, k in zip(text_runs, keyword_runs, strict=True))
