"""contains_link(): does a message carry a link (BlockLinks)?

A link is any of:
- a URL with a scheme (http, https, ftp, and the defanged hxxp/hxxps) or starting with "www.";
- a bare domain ("example.com", "shop.example.co.uk/sale") whose last label is a top-level domain in the root zone;
- a known link shortener ("bit.ly/x", "t.co/x", "youtu.be/x", "wa.me/1555...");
- an IP address with a port or a path ("192.0.2.7:8080", "10.0.0.1/login");
- a spelled-out or defanged dot: "example dot com", "example (dot) com", "example[.]com", "example . com".

The TLD list is the ICANN section of the Public Suffix List shipped inside the PyPI package `publicsuffixlist`
(its data file, MPL-2.0; the package's code is not imported and nothing is fetched at run time). The ICANN section
lists every TLD of the root zone (IANA's list) with the second-level rules below them; only the TLDs are used.

Two guards against "no space after the full stop" ("i'm home.Now what", "yes.it works"): a domain written with a
capital right after the dot ("home.Now") is read as a sentence, and a TLD that is also a common English word
("it", "is", "me", "now", "love", "lol", ...) counts only with a path, a port, "www.", a third label
("a.b.it"), or as a known shortener. Email addresses are not links.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

from mpaas.guardian.lexicon.categories import _package_dir
from mpaas.guardian.lexicon.normalize import _HOMOGLYPHS

SHORTENERS: frozenset[str] = frozenset(
    {
        "bit.ly",
        "bitly.com",
        "tinyurl.com",
        "t.co",
        "goo.gl",
        "ow.ly",
        "is.gd",
        "v.gd",
        "buff.ly",
        "rebrand.ly",
        "cutt.ly",
        "shorturl.at",
        "rb.gy",
        "tiny.cc",
        "t.ly",
        "s.id",
        "bl.ink",
        "lnkd.in",
        "youtu.be",
        "amzn.to",
        "a.co",
        "fb.me",
        "m.me",
        "wa.me",
        "t.me",
        "qrco.de",
        "shorte.st",
        "adf.ly",
        "tr.im",
        "x.co",
        "soo.gd",
        "clck.ru",
        "u.to",
        "short.io",
        "linktr.ee",
        "discord.gg",
        "snip.ly",
        "trib.al",
        "dlvr.it",
        "po.st",
        "mcaf.ee",
        "1url.com",
        "tinu.be",
        "surl.li",
        "urlz.fr",
        "l.ead.me",
    }
)

# TLDs that are also everyday English words or abbreviations: a bare "word.it" counts only with more evidence.
COMMON_WORD_TLDS: frozenset[str] = frozenset(
    [
        "am",
        "as",
        "at",
        "be",
        "by",
        "do",
        "id",
        "in",
        "is",
        "it",
        "me",
        "my",
        "no",
        "so",
        "to",
        "us",
        "ad",
        "al",
        "ar",
        "ca",
        "co",
        "ma",
        "pa",
        "re",
        "tv",
        "mu",
        "la",
        "app",
        "art",
        "bar",
        "best",
        "bet",
        "bid",
        "bio",
        "boo",
        "box",
        "buy",
        "cab",
        "cafe",
        "cam",
        "car",
        "care",
        "cat",
        "cool",
        "day",
        "deal",
        "dev",
        "diet",
        "dog",
        "eat",
        "eco",
        "fail",
        "fan",
        "fashion",
        "fast",
        "fish",
        "fit",
        "fly",
        "food",
        "free",
        "fun",
        "fyi",
        "game",
        "gay",
        "gift",
        "gold",
        "golf",
        "guide",
        "guru",
        "help",
        "here",
        "hot",
        "how",
        "inc",
        "ing",
        "ink",
        "joy",
        "kids",
        "kim",
        "land",
        "law",
        "life",
        "like",
        "live",
        "lol",
        "love",
        "ltd",
        "meme",
        "men",
        "mom",
        "moe",
        "mov",
        "new",
        "news",
        "now",
        "one",
        "online",
        "ooo",
        "page",
        "pay",
        "pet",
        "phd",
        "pics",
        "pink",
        "place",
        "play",
        "plus",
        "pro",
        "red",
        "rest",
        "run",
        "sale",
        "save",
        "sex",
        "ski",
        "soy",
        "spa",
        "sport",
        "star",
        "sucks",
        "talk",
        "taxi",
        "team",
        "tips",
        "today",
        "top",
        "toys",
        "vip",
        "vote",
        "watch",
        "win",
        "wine",
        "wow",
        "wtf",
        "you",
        "yoga",
        "zip",
        "zone",
        "baby",
        "book",
        "fire",
        "world",
    ]
)

_SCHEME = re.compile(r"(?<![\w.])(?:h[tx]{2}ps?|ftp)\s*:\s*/\s*/", re.IGNORECASE)
_WWW = re.compile(r"(?<![\w.])www\d{0,3}\s*\.\s*[^\W_]", re.IGNORECASE)
_IP = re.compile(r"(?<![\w.])\d{1,3}(?:\.\d{1,3}){3}(?::\d{1,5}|/)")
_DEFANGED = re.compile(r"\s*(?:\[\s*(?:\.|dot)\s*\]|\(\s*(?:\.|dot)\s*\)|\{\s*(?:\.|dot)\s*\}|\s\.\s|\s+dot\s+)\s*")
_DOMAIN = re.compile(
    r"(?<![\w@.\-])((?:[^\W_](?:[\w\-]{0,61}[^\W_])?\.)+)(xn--[\w\-]{1,59}|[^\W\d_]{2,63})(?![\w\-])([/:?#]?)"
)


@cache
def tlds() -> frozenset[str]:
    """Every top-level domain of the root zone, from the Public Suffix List's ICANN section (lowercase; IDN TLDs
    both as Unicode and as their xn-- form)."""
    path = _package_dir("publicsuffixlist") / "public_suffix_list.dat"
    out: set[str] = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line.startswith("// ===END ICANN DOMAINS==="):
            break
        if not line or line.startswith("//") or "." in line or line[0] in "!*":
            continue
        label = line.casefold()
        out.add(label)
        if not label.isascii():
            try:
                out.add(label.encode("idna").decode("ascii"))
            except UnicodeError:
                pass
    return frozenset(out)


def _is_tld(label: str, known: frozenset[str]) -> bool:
    return label in known or label.translate(_HOMOGLYPHS) in known


def contains_link(text: str | None) -> bool:
    """True when `text` carries a URL, a bare domain with a real TLD, a shortened link or an obfuscated domain."""
    if not text:
        return False
    if text.isascii():
        folded = text
    else:
        folded = unicodedata.normalize("NFKC", text).replace("。", ".").replace("｡", ".")
    lower = folded.lower()
    if "." not in lower and "dot" not in lower and "/" not in lower:
        return False
    if _SCHEME.search(lower) or _WWW.search(lower) or _IP.search(lower):
        return True
    if _domains(folded, lower):
        return True
    if "dot" in lower or "[" in lower or "(" in lower or "{" in lower or " ." in lower:
        undefanged = _DEFANGED.sub(".", lower)
        if undefanged != lower and _domains(undefanged, undefanged, spelled=True):
            return True
    return False


def _domains(original: str, lower: str, *, spelled: bool = False) -> bool:
    known = tlds()
    for match in _DOMAIN.finditer(lower):
        labels, tld, after = match.group(1), match.group(2), match.group(3)
        if not _is_tld(tld, known):
            continue
        if len(original) != len(lower):
            original = lower
        domain = labels + tld
        if domain in SHORTENERS:
            return True
        if spelled and (len(labels) < 3 or "dot." in labels or tld == "dot"):  # "a dot com", "dot dot dot"
            continue
        has_path = after in ("/", ":", "?", "#")
        if after == ":" and not re.match(r":\d", lower[match.end() - 1 : match.end() + 1]):
            has_path = False
        strong = has_path or labels.count(".") >= 2
        if not strong:
            dot = match.start(2) - 1
            if not spelled and original[dot + 1 : dot + 2].isupper() and original[match.start() : dot].islower():
                continue  # "home.Now": a sentence without its space ("Example.Com" is a domain)
            if tld in COMMON_WORD_TLDS:
                continue
        return True
    return False
