"""BlockLinks' detector (mpaas.guardian.lexicon.contains_link): URLs, bare domains with a real TLD, shorteners,
obfuscated dots; and the ordinary text it must leave alone."""

from __future__ import annotations

import pytest

from mpaas.guardian.lexicon import contains_link
from mpaas.guardian.lexicon.links import COMMON_WORD_TLDS, SHORTENERS, tlds


@pytest.mark.parametrize(
    "text",
    [
        # with a scheme or www
        "go to https://example.com now",
        "http://localhost:8000/x",
        "HTTPS://EXAMPLE.COM",
        "ftp://files.example.net/a.zip",
        "hxxps://evil.example/login",  # defanged scheme
        "www.example.com",
        "visit www.shop.it",
        "WWW.Example.Org/page",
        # bare domains
        "see example.com",
        "example.com/path?x=1",
        "Example.Com",
        "check out docs.python.org for that",
        "google.co.uk",
        "my-site.io",
        "paypal-secure-login.xyz",
        "amazon.de.",
        "(example.org)",
        "mail me at nobody, or go to shop.example.it",  # a third label makes a word TLD count
        "my.blog.me",
        "site.it/offer",  # a path does too
        "example.app/login",
        "xn--80ak6aa92e.com",
        "пример.рф",  # an IDN TLD
        # shorteners
        "bit.ly/3xYz",
        "bit.ly",
        "t.co/abc",
        "youtu.be/dQw4w9WgXcQ",
        "t.me/channel",
        "wa.me/15551234567",
        "lnkd.in/abc",
        "tinyurl.com/y6abc",
        # IP addresses with a port or a path
        "http://192.0.2.7",
        "192.0.2.7:8080",
        "10.0.0.1/login",
        # obfuscated dots
        "example dot com",
        "example DOT com/page",
        "example (dot) com",
        "example[.]com",
        "example(.)org",
        "example [dot] net",
        "example . com",
        # Unicode forms
        "ｅｘａｍｐｌｅ．ｃｏｍ",  # fullwidth
        "exаmple.com",  # a Cyrillic а in the name
        "example。com",  # an ideographic full stop
    ],
)
def test_links(text: str) -> None:
    assert contains_link(text), text


@pytest.mark.parametrize(
    "text",
    [
        "",
        "hello there",
        "e.g. this one",
        "i.e. that",
        "at 5 p.m. today",
        "U.S.A.",
        "file.txt",
        "report.pdf and notes.docx",
        "node.js",
        "version 1.2.3",
        "1.2.3.4",  # a bare IP without a port or path: a version number as often
        "pi is 3.14",
        "$4.99",
        "send it to me@example.com",  # an email address is not a link
        "yes.it works",  # no space after the full stop, and "it" is a word
        "ok.so what now",
        "i'm home.Now what",  # a capital after the dot: a sentence
        "Great game.See you",
        "thanks.love you",
        "we lost...again",
        "wait...what",
        "a dot com bubble",
        "the dot is red",
        "Mr. Smith",
        "St. Louis",
        "3.5 stars",
        "score: 2-1",
        "www",
        "http",
        "dot dot dot",
        "ok. com",
    ],
)
def test_not_links(text: str) -> None:
    assert not contains_link(text), text


def test_none() -> None:
    assert not contains_link(None)


def test_the_tld_list_is_the_root_zone() -> None:
    known = tlds()
    assert len(known) > 1000
    for tld in ("com", "org", "net", "uk", "de", "io", "xyz", "app", "рф", "xn--p1ai", "museum"):
        assert tld in known, tld
    for not_tld in ("txt", "pdf", "js", "exe", "docx", "g"):
        assert not_tld not in known, not_tld


def test_every_shortener_is_under_a_real_tld() -> None:
    known = tlds()
    for domain in SHORTENERS:
        assert domain.rsplit(".", 1)[1] in known, domain


def test_word_tlds_are_real_tlds() -> None:
    known = tlds()
    assert all(tld in known for tld in COMMON_WORD_TLDS), sorted(COMMON_WORD_TLDS - known)
