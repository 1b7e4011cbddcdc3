"""The egress policy (core/egress.py): which addresses are global, what MPAAS_EGRESS_ALLOW opens, the defaults
of each role, and the syntax every saved URL must have."""

from __future__ import annotations

import ipaddress

import pytest
from pydantic import ValidationError

from mpaas.config import Settings
from mpaas.core.egress import EgressPolicy, any_uri, http_url, is_global, parse_url

NOT_GLOBAL = [
    "127.0.0.1",
    "10.1.2.3",
    "172.16.0.1",
    "192.168.1.1",
    "100.64.0.1",  # shared address space: ipaddress.is_private says False
    "100.127.255.254",
    "192.0.0.8",  # IETF protocol assignments: is_private says False for most of it
    "169.254.169.254",
    "0.0.0.0",
    "224.0.0.251",
    "255.255.255.255",
    "198.18.0.1",
    "::1",
    "::",
    "::ffff:127.0.0.1",  # IPv4-mapped
    "::ffff:100.64.0.1",
    "::127.0.0.1",  # IPv4-compatible
    "2002:7f00:1::1",  # 6to4 of 127.0.0.1
    "2002:a9fe:a9fe::",  # 6to4 of 169.254.169.254
    "64:ff9b::7f00:1",  # NAT64 of 127.0.0.1
    "64:ff9b::a00:1",  # NAT64 of 10.0.0.1
    "2001::1",  # Teredo
    "2001:db8::1",
    "fc00::1",
    "fe80::1",
    "fe80::1%eth0",
    "ff02::1",
]
GLOBAL = ["8.8.8.8", "93.184.216.34", "1.1.1.1", "2606:4700:4700::1111", "64:ff9b::808:808", "2002:808:808::1"]


@pytest.mark.parametrize("address", NOT_GLOBAL)
def test_addresses_outside_the_public_internet_are_not_global(address):
    assert not is_global(ipaddress.ip_address(address))
    assert not EgressPolicy().permits(ipaddress.ip_address(address))


@pytest.mark.parametrize("address", GLOBAL)
def test_public_addresses_are_global(address):
    assert is_global(ipaddress.ip_address(address))
    assert EgressPolicy().permits(ipaddress.ip_address(address))


def test_what_each_allow_word_opens():
    loopback = EgressPolicy.parse("loopback")
    private = EgressPolicy.parse("private")
    metadata = EgressPolicy.parse("169.254.169.254/32, 10.9.0.0/16")
    ip = ipaddress.ip_address
    assert loopback.permits(ip("127.0.0.1")) and loopback.permits(ip("::1"))
    assert loopback.permits(ip("::ffff:127.0.0.1")) and loopback.permits(ip("2002:7f00:1::1"))
    assert not loopback.permits(ip("10.0.0.1")) and not loopback.permits(ip("169.254.169.254"))
    assert private.permits(ip("10.0.0.1")) and private.permits(ip("100.64.0.1")) and private.permits(ip("fd00::1"))
    assert not private.permits(ip("127.0.0.1")) and not private.permits(ip("169.254.169.254"))
    assert metadata.permits(ip("169.254.169.254")) and metadata.permits(ip("10.9.1.1"))
    assert not metadata.permits(ip("169.254.169.253")) and not metadata.permits(ip("10.8.0.1"))
    assert EgressPolicy.parse("none").allowed == () and EgressPolicy.parse("").allowed == ()


def test_an_unreadable_allow_list_is_refused_at_start(tmp_path):
    with pytest.raises(ValidationError, match="'intranet' is not"):
        Settings(data_dir=tmp_path, egress_allow="loopback, intranet")


def test_production_roles_refuse_loopback_and_the_sandbox_allows_it(tmp_path):
    """A bare Settings() is what `mpaas api`, `worker` and `gateway` run with: public addresses only and no
    sandbox endpoints. `mpaas serve` applies for_sandbox(): loopback and the sandbox endpoints, unless the
    operator set them."""
    loop = ipaddress.ip_address("127.0.0.1")
    production = Settings(data_dir=tmp_path)
    assert not production.egress_policy.permits(loop) and not production.sandbox_endpoints
    sandbox = production.for_sandbox()
    assert sandbox.egress_policy.permits(loop) and sandbox.sandbox_endpoints is True
    assert not sandbox.egress_policy.permits(ipaddress.ip_address("10.0.0.1"))
    chosen = Settings(data_dir=tmp_path, egress_allow="", sandbox_endpoints=False).for_sandbox()
    assert not chosen.egress_policy.permits(loop) and chosen.sandbox_endpoints is False
    # The deprecated switch still opens what it opened, bar link-local (cloud metadata).
    legacy = Settings(data_dir=tmp_path, webhook_allow_private=True)
    assert legacy.egress_policy.permits(loop) and legacy.egress_policy.permits(ipaddress.ip_address("10.0.0.1"))
    assert not legacy.egress_policy.permits(ipaddress.ip_address("169.254.169.254"))


def test_the_platform_sender_uses_the_settings_policy(tmp_path):
    from mpaas.roles.platform import Platform

    platform = Platform.build(Settings(data_dir=tmp_path))
    assert platform.webhooks.policy.allowed == ()
    assert Platform.build(Settings(data_dir=tmp_path).for_sandbox()).webhooks.policy.spec == "loopback"


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("javascript:alert(1)", "must be an absolute http:// or https:// URL"),
        ("ftp://example.com/a", "must be an absolute http:// or https:// URL"),
        ("http:/example.com", "must be an absolute http:// or https:// URL"),
        ("http://example.com:99999/hook", "has an invalid port"),
        ("http://example.com:0/hook", "has an invalid port"),
        ("http://example.com:8o/hook", "has an invalid port"),
        ("http://exa mple.com/", "must not contain spaces"),
        ("http://example.com/a\x00b", "must not contain spaces or control characters"),
        ("http://example.com/a\r\nX-Injected: 1", "must not contain spaces or control characters"),
        ("http://example.com/\u2028", "must not contain spaces or control characters"),
        ("http://example.com\\@evil.com/", "must not contain backslashes"),
        ("http://user:pw@example.com/", "must not contain credentials"),
        ("http://example.com@127.0.0.1/", "must not contain credentials"),
        ("http:///hook", "with a host"),
        ("http://[::1/hook", "with a valid host"),
        ("http://a..b/", "invalid host name"),
        ("http://127.1/", "four decimal numbers"),
        ("http://2130706433/", "four decimal numbers"),
        ("http://0x7f.0.0.1/", "four decimal numbers"),
        ("http://" + "a" * 2100 + ".com/", "at most 2048 characters"),
    ],
)
def test_url_syntax(url, problem):
    with pytest.raises(ValueError, match=problem):
        parse_url(url)


@pytest.mark.parametrize(
    "url",
    [
        "https://example.com/hooks",
        "HTTP://Example.COM:8080/a?b=c#d",
        "https://bücher.example/hook",
        "https://example.com/hooks/café?team=é",
        "http://[2606:4700::1]:8443/x",
        "http://127.0.0.1:9/in",
        "http://example.com:/x",
    ],
)
def test_valid_urls_pass_unchanged(url):
    assert http_url(url) == url


def test_uris_the_platform_does_not_fetch_over_http_keep_their_schemes():
    assert any_uri("wss://192.67.88.2") == "wss://192.67.88.2"
    assert any_uri("https://pstn.joonto.com") == "https://pstn.joonto.com"
    for bad in ("javascript://%0aalert(1)", "wss://host:70000", "file:///etc/passwd"):
        with pytest.raises(ValueError):
            any_uri(bad)


def test_the_production_app_factory_and_the_role_settings_refuse_loopback(tmp_path, monkeypatch):
    """`mpaas api` builds its app with api_only_app() and `mpaas worker`/`gateway` their settings with
    cli.common._settings: neither applies the sandbox defaults."""
    from mpaas.app import api_only_app
    from mpaas.cli.common import _settings

    for name in ("MPAAS_EGRESS_ALLOW", "MPAAS_WEBHOOK_ALLOW_PRIVATE", "MPAAS_SANDBOX_ENDPOINTS"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("MPAAS_DATA_DIR", str(tmp_path))
    platform = api_only_app().state.platform
    loop = ipaddress.ip_address("127.0.0.1")
    assert not platform.webhooks.policy.permits(loop) and not platform.settings.sandbox_endpoints
    worker = _settings(tmp_path)
    assert not worker.egress_policy.permits(loop) and not worker.sandbox_endpoints
