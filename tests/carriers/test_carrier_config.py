"""MPAAS_SMPP_URL and MPAAS_CARRIERS_FILE parsing: good values accepted, bad ones refused clearly."""

import pytest

from mpaas.carriers import build_connector
from mpaas.carriers.config import CarrierConfigError, load_carriers_file, parse_smpp_url
from mpaas.carriers.dispatch import CarrierDispatcher
from mpaas.carriers.sandbox import SandboxConnector
from mpaas.carriers.smpp import SmppConnector
from mpaas.config import Settings


def test_url_full():
    s = parse_smpp_url("smpp://acme:p%40ss@smsc.example.net:2776?throughput=30&window=20&dlr_id=hex2dec")
    assert (s.system_id, s.password, s.host, s.port) == ("acme", "p@ss", "smsc.example.net", 2776)
    assert (s.throughput, s.window, s.dlr_id) == (30.0, 20, "hex2dec")
    assert "p@ss" not in s.display()


def test_url_defaults():
    s = parse_smpp_url("smpp://acme:pw@127.0.0.1")
    assert (s.port, s.window, s.throughput) == (2775, 10, None)
    assert parse_smpp_url("smpp://a:b@h:1?throughput=0").throughput is None


@pytest.mark.parametrize(
    "url,needle",
    [
        ("http://a:b@h:1", "expected smpp://"),
        ("smpp://:pw@h:2775", "system_id is missing"),
        ("smpp://averyveryverylongsystemid:pw@h:2775", "system_id is longer than 15"),
        ("smpp://a:password123@h:2775", "password is longer than 8"),
        ("smpp://a:b@:2775", "host is missing"),
        ("smpp://a:b@h:99999", "port"),
        ("smpp://a:b@h:2775?window=0", "window must be between 1 and 1000"),
        ("smpp://a:b@h:2775?window=ten", "window must be a whole number"),
        ("smpp://a:b@h:2775?throughput=-5", "throughput"),
        ("smpp://a:b@h:2775?throughput=abc", "throughput must be a number"),
        ("smpp://a:b@h:2775?speed=9", "unknown setting 'speed'"),
        ("smpp://a:b@h:2775?dlr_id=weird", "dlr_id must be one of"),
    ],
)
def test_url_errors(url, needle):
    with pytest.raises(CarrierConfigError) as info:
        parse_smpp_url(url)
    assert needle in str(info.value) and "MPAAS_SMPP_URL" in str(info.value)


GOOD = """
[[carriers]]
name = "acme"
url = "smpp://acme:pw@127.0.0.1:2775?throughput=50"
prefixes = ["+1", "+1801"]

[[carriers]]
name = "euro"
host = "127.0.0.1"
port = 2776
system_id = "euro"
password = "pw"
window = 5
prefixes = ["+44"]
default = true
"""


def test_file_good(tmp_path):
    path = tmp_path / "carriers.toml"
    path.write_text(GOOD)
    carriers = load_carriers_file(path)
    assert [c.name for c in carriers] == ["acme", "euro"]
    assert carriers[0].throughput == 50 and carriers[0].prefixes == ("+1", "+1801")
    assert carriers[1].port == 2776 and carriers[1].window == 5 and carriers[1].default


@pytest.mark.parametrize(
    "text,needle",
    [
        ("", "no carriers"),
        ("[[carriers]]\nurl='smpp://a:b@h'\n", "name is required"),
        (
            "[[carriers]]\nname='a'\nurl='smpp://a:b@h'\nprefixes=['+1']\n[[carriers]]\nname='a'\nurl='smpp://a:b@h'\n",
            "used twice",
        ),
        ("[[carriers]]\nname='a'\nurl='smpp://a:b@h'\nprefixes=['44']\n", "prefix '44' is not '+' followed by digits"),
        (
            "[[carriers]]\nname='a'\nurl='smpp://a:b@h'\nprefixes=['+1']\n[[carriers]]\nname='b'\nurl='smpp://a:b@h'\n"
            "prefixes=['+1']\n",
            "prefix +1 is already routed to 'a'",
        ),
        ("[[carriers]]\nname='a'\nurl='smpp://a:b@h'\ncolour='red'\n", "unknown key(s) colour"),
        ("[[carriers]]\nname='a'\nurl='smpp://a:b@h'\nhost='x'\n", "either url or host"),
        (
            "[[carriers]]\nname='a'\nhost='h'\nsystem_id='a'\npassword='toolongpassword'\nprefixes=['+1']\n",
            "password is longer than 8",
        ),
        ("[[carriers]]\nname='a'\nurl='smpp://a:b@h'\n", "nothing would route"),
        (
            "[[carriers]]\nname='a'\nurl='smpp://a:b@h'\ndefault=true\n[[carriers]]\nname='b'\nurl='smpp://a:b@h'\n"
            "default=true\n",
            "more than one default",
        ),
        ("[[carriers]\n", "not valid TOML"),
        ("[[carriers]]\nname='a'\nurl='smpp://a:b@h'\nwindow=0\ndefault=true\n", "window must be between"),
    ],
)
def test_file_errors(tmp_path, text, needle):
    path = tmp_path / "carriers.toml"
    path.write_text(text)
    with pytest.raises(CarrierConfigError) as info:
        load_carriers_file(path)
    assert needle in str(info.value)


def test_missing_file(tmp_path):
    with pytest.raises(CarrierConfigError, match="file not found"):
        load_carriers_file(tmp_path / "nope.toml")


def test_build_connector(tmp_path):
    assert isinstance(build_connector(Settings(data_dir=tmp_path)), SandboxConnector)
    assert isinstance(build_connector(Settings(data_dir=tmp_path, smpp_url="smpp://a:b@127.0.0.1:2775")), SmppConnector)
    path = tmp_path / "carriers.toml"
    path.write_text(GOOD)
    router = build_connector(Settings(data_dir=tmp_path, carriers_file=path))
    assert isinstance(router, CarrierDispatcher)
    assert router.route("+18015550100").name == "acme"
    assert router.route("+447700900123").name == "euro"
    assert router.route("+33123456789").name == "euro"  # default
    with pytest.raises(CarrierConfigError):
        build_connector(Settings(data_dir=tmp_path, smpp_url="smpp://a:b@h:2775?window=-1"))


def test_media_declared_per_carrier(tmp_path):
    """What a carrier does with media (docs/carriers.md "Media"): none by default (SMPP carries text), or links;
    the API reads it by destination from the settings alone (media_routes), the sandbox carrying media."""
    from mpaas.carriers.config import media_routes

    assert parse_smpp_url("smpp://a:b@h:2775").media == "none"
    assert parse_smpp_url("smpp://a:b@h:2775?media=link").media == "link"
    with pytest.raises(CarrierConfigError, match="media must be one of none, link, got 'mms'"):
        parse_smpp_url("smpp://a:b@h:2775?media=mms")
    path = tmp_path / "carriers.toml"
    path.write_text(
        '[[carriers]]\nname = "us"\nurl = "smpp://a:b@h:1"\nprefixes = ["+1"]\n\n'
        '[[carriers]]\nname = "intl"\nurl = "smpp://c:d@h:2"\nmedia = "link"\ndefault = true\n'
    )
    routes = media_routes(None, path)
    assert routes.carrier_for("+18015737111") == ("us", "none")
    assert routes.carrier_for("+442071234567") == ("intl", "link")
    assert media_routes("smpp://a:b@h:2775?media=link", None).carrier_for("+1") == ("smpp", "link")
    assert media_routes(None, None).carrier_for("+18015737111") == ("sandbox", "carry")
    assert media_routes(None, "").carrier_for("+18015737111") == ("sandbox", "carry")
