"""Carrier configuration: `MPAAS_SMPP_URL` for one SMPP carrier, or `MPAAS_CARRIERS_FILE` (TOML) for several
with routing by destination prefix. Everything is validated at start; errors name the carrier and the field.

    MPAAS_SMPP_URL=smpp://system_id:password@host:2775?throughput=50&window=10

Carriers file:

    [[carriers]]
    name = "acme"                      # letters, digits, '-' and '_'
    url = "smpp://acme:secret@smsc.example.net:2775?throughput=50&window=10"
    prefixes = ["+1"]                  # destinations routed here; the longest matching prefix wins
    default = false                    # at most one carrier takes what no prefix matches

    [[carriers]]
    name = "euro"
    host = "10.0.0.2"                  # the URL's parts may be given as keys instead
    port = 2775
    system_id = "euro"
    password = "pw"
    throughput = 20
    prefixes = ["+44", "+49"]
    default = true

URL query parameters (and file keys): throughput (msg/s per bind, 0 = unlimited), window (outstanding
submit_sm, default 10), enquire_link (seconds, default 30), response_timeout (seconds, default 10),
system_type, dlr_id (`asis` | `hex2dec` | `dec2hex`, receipt id normalization, default asis), media (what the
carrier does with an MMS's media: `none`, the default, refuses a message with media at send time, since SMPP
carries text only; `link` sends the text followed by each `MmsMedia` link, and still refuses `MmsBase64`).
"""

from __future__ import annotations

import functools
import re
import tomllib
from dataclasses import dataclass, replace
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlsplit


class CarrierConfigError(ValueError):
    pass


@dataclass(frozen=True)
class SmppSettings:
    name: str
    host: str
    port: int
    system_id: str
    password: str
    system_type: str = ""
    throughput: float | None = None  # msg/s per bind; None = unlimited
    window: int = 10
    enquire_link_seconds: float = 30.0
    response_timeout_seconds: float = 10.0
    bind_timeout_seconds: float = 5.0
    connect_timeout_seconds: float = 5.0
    reconnect_min_seconds: float = 0.5
    reconnect_max_seconds: float = 30.0
    throttle_retry_seconds: float = 1.0
    bind_wait_seconds: float = 1.0
    dlr_id: str = "asis"
    media: str = "none"  # none | link: docs/carriers.md "Media"
    prefixes: tuple[str, ...] = ()
    default: bool = False

    def display(self) -> str:
        return f"smpp://{self.system_id}:***@{self.host}:{self.port}"


_NAME = re.compile(r"^[A-Za-z0-9_-]{1,32}$")
_PREFIX = re.compile(r"^\+\d{1,15}$")
_DLR_MODES = ("asis", "hex2dec", "dec2hex")
# What a carrier does with a message's media. The sandbox carries it (CARRY); SMPP carries text only, so an SMPP
# carrier refuses media (NO_MEDIA, the default) or sends the media's links in the text (LINK).
CARRY, NO_MEDIA, LINK = "carry", "none", "link"
_MEDIA_MODES = (NO_MEDIA, LINK)
_TUNABLES = {
    "throughput",
    "window",
    "enquire_link",
    "response_timeout",
    "system_type",
    "dlr_id",
    "bind_timeout",
    "reconnect_max",
    "media",
}


def _number(
    where: str,
    key: str,
    value,
    *,
    integer: bool = False,
    minimum: float = 0,
    maximum: float | None = None,
    allow_zero: bool = False,
):
    try:
        number = int(value) if integer else float(value)
        if integer and isinstance(value, str) and not value.strip().lstrip("+").isdigit():
            raise ValueError
    except (TypeError, ValueError):
        raise CarrierConfigError(
            f"{where}: {key} must be a {'whole ' if integer else ''}number, got {value!r}"
        ) from None
    if isinstance(value, bool):
        raise CarrierConfigError(f"{where}: {key} must be a number, got {value!r}")
    if (
        number < minimum
        or (number == 0 and not allow_zero and minimum == 0)
        or (maximum is not None and number > maximum)
    ):
        bounds = f"between {minimum:g} and {maximum:g}" if maximum is not None else f"greater than {minimum:g}"
        raise CarrierConfigError(f"{where}: {key} must be {bounds}, got {value!r}")
    return number


def _apply_tunables(where: str, values: dict, base: dict) -> dict:
    out = dict(base)
    for key, value in values.items():
        if key == "throughput":
            rate = _number(where, key, value, minimum=0, allow_zero=True)
            out["throughput"] = None if rate == 0 else rate
        elif key == "window":
            out["window"] = _number(where, key, value, integer=True, minimum=1, maximum=1000)
        elif key == "enquire_link":
            out["enquire_link_seconds"] = _number(where, key, value, minimum=0.01, maximum=3600)
        elif key == "response_timeout":
            out["response_timeout_seconds"] = _number(where, key, value, minimum=0.01, maximum=600)
        elif key == "bind_timeout":
            out["bind_timeout_seconds"] = _number(where, key, value, minimum=0.01, maximum=600)
        elif key == "reconnect_max":
            out["reconnect_max_seconds"] = _number(where, key, value, minimum=0.01, maximum=3600)
        elif key == "system_type":
            if not isinstance(value, str) or len(value) > 12:
                raise CarrierConfigError(f"{where}: system_type must be text of at most 12 characters")
            out["system_type"] = value
        elif key == "dlr_id":
            if value not in _DLR_MODES:
                raise CarrierConfigError(f"{where}: dlr_id must be one of {', '.join(_DLR_MODES)}, got {value!r}")
            out["dlr_id"] = value
        elif key == "media":
            if value not in _MEDIA_MODES:
                raise CarrierConfigError(f"{where}: media must be one of {', '.join(_MEDIA_MODES)}, got {value!r}")
            out["media"] = value
        else:
            raise CarrierConfigError(f"{where}: unknown setting {key!r} (known: {', '.join(sorted(_TUNABLES))})")
    return out


def _check_credentials(where: str, system_id: str, password: str, host: str, port) -> None:
    if not system_id:
        raise CarrierConfigError(f"{where}: system_id is missing")
    if len(system_id) > 15:
        raise CarrierConfigError(f"{where}: system_id is longer than 15 characters (SMPP 3.4 limit)")
    if len(password) > 8:
        raise CarrierConfigError(f"{where}: password is longer than 8 characters (SMPP 3.4 limit)")
    if not all(32 <= ord(ch) < 127 for ch in system_id + password):
        raise CarrierConfigError(f"{where}: system_id and password must be printable ASCII")
    if not host:
        raise CarrierConfigError(f"{where}: host is missing")
    if not isinstance(port, int) or isinstance(port, bool) or not 1 <= port <= 65535:
        raise CarrierConfigError(f"{where}: port must be between 1 and 65535, got {port!r}")


def parse_smpp_url(url: str, name: str = "smpp", where: str = "MPAAS_SMPP_URL") -> SmppSettings:
    parts = urlsplit(url.strip())
    if parts.scheme != "smpp":
        raise CarrierConfigError(
            f"{where}: expected smpp://system_id:password@host:port, got scheme {parts.scheme or '(none)'!r}"
        )
    try:
        port = parts.port or 2775
    except ValueError:
        raise CarrierConfigError(f"{where}: the port is not a number between 1 and 65535") from None
    system_id, password = unquote(parts.username or ""), unquote(parts.password or "")
    _check_credentials(where, system_id, password, parts.hostname or "", port)
    query = dict(parse_qsl(parts.query, keep_blank_values=True))
    values = _apply_tunables(where, query, {})
    return SmppSettings(
        name=name, host=parts.hostname or "", port=port, system_id=system_id, password=password, **values
    )


_FILE_KEYS = {"name", "url", "host", "port", "system_id", "password", "prefixes", "default"} | _TUNABLES


def parse_carriers(data: dict, source: str = "carriers file") -> list[SmppSettings]:
    entries = data.get("carriers")
    unknown = set(data) - {"carriers"}
    if unknown:
        raise CarrierConfigError(
            f"{source}: unknown top-level key(s) {', '.join(sorted(unknown))}; expected [[carriers]] tables"
        )
    if not isinstance(entries, list) or not entries:
        raise CarrierConfigError(f"{source}: no carriers; add at least one [[carriers]] table")
    result: list[SmppSettings] = []
    names: set[str] = set()
    owners: dict[str, str] = {}
    for index, entry in enumerate(entries, 1):
        if not isinstance(entry, dict):
            raise CarrierConfigError(f"{source}: carriers entry {index} is not a table")
        name = entry.get("name")
        where = f"{source}: carrier {name!r}" if name else f"{source}: carrier #{index}"
        if not isinstance(name, str) or not _NAME.match(name):
            raise CarrierConfigError(f"{where}: name is required (letters, digits, '-', '_'; at most 32)")
        if name in names:
            raise CarrierConfigError(f"{where}: the name is used twice")
        names.add(name)
        unknown = set(entry) - _FILE_KEYS
        if unknown:
            raise CarrierConfigError(f"{where}: unknown key(s) {', '.join(sorted(unknown))}")
        tunables = {k: v for k, v in entry.items() if k in _TUNABLES}
        if "url" in entry:
            if any(k in entry for k in ("host", "port", "system_id", "password")):
                raise CarrierConfigError(f"{where}: give either url or host/port/system_id/password, not both")
            settings = parse_smpp_url(str(entry["url"]), name=name, where=where)
            settings = replace(settings, **_apply_tunables(where, tunables, {}))
        else:
            host, port = entry.get("host", ""), entry.get("port", 2775)
            system_id, password = entry.get("system_id", ""), entry.get("password", "")
            if not isinstance(system_id, str) or not isinstance(password, str) or not isinstance(host, str):
                raise CarrierConfigError(f"{where}: host, system_id and password must be text")
            _check_credentials(where, system_id, password, host, port)
            settings = SmppSettings(
                name=name,
                host=host,
                port=port,
                system_id=system_id,
                password=password,
                **_apply_tunables(where, tunables, {}),
            )
        prefixes = entry.get("prefixes", [])
        if not isinstance(prefixes, list) or not all(isinstance(p, str) for p in prefixes):
            raise CarrierConfigError(f'{where}: prefixes must be a list of strings like "+44"')
        for prefix in prefixes:
            if not _PREFIX.match(prefix):
                raise CarrierConfigError(f"{where}: prefix {prefix!r} is not '+' followed by digits")
            if prefix in owners:
                raise CarrierConfigError(f"{where}: prefix {prefix} is already routed to {owners[prefix]!r}")
            owners[prefix] = name
        default = entry.get("default", False)
        if not isinstance(default, bool):
            raise CarrierConfigError(f"{where}: default must be true or false")
        result.append(replace(settings, prefixes=tuple(prefixes), default=default))
    defaults = [s.name for s in result if s.default]
    if len(defaults) > 1:
        raise CarrierConfigError(f"{source}: more than one default carrier ({', '.join(defaults)})")
    if not defaults and len(result) > 0 and not any(s.prefixes for s in result):
        raise CarrierConfigError(f"{source}: no carrier has prefixes and none is the default; nothing would route")
    return result


def load_carriers_file(path: Path | str) -> list[SmppSettings]:
    path = Path(path)
    source = f"MPAAS_CARRIERS_FILE {path}"
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise CarrierConfigError(f"{source}: file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise CarrierConfigError(f"{source}: cannot be read: {exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise CarrierConfigError(f"{source}: not valid TOML: {exc}") from None
    return parse_carriers(data, source)


@dataclass(frozen=True)
class MediaRoutes:
    """What the carrier each destination is routed to does with media, read from the settings alone: the API
    process checks a send against it and builds no connector. Routing as carriers/dispatch.py routes (the
    longest prefix, else the default carrier)."""

    routes: tuple[tuple[str, str, str], ...] = ()  # (prefix, carrier name, media mode), longest prefix first
    default: tuple[str, str] | None = None  # (carrier name, media mode)

    def carrier_for(self, destination: str) -> tuple[str, str] | None:
        number = destination if destination.startswith("+") else "+" + destination
        for prefix, name, mode in self.routes:
            if number.startswith(prefix):
                return name, mode
        return self.default


SANDBOX_MEDIA = MediaRoutes(default=("sandbox", CARRY))


def media_routes(smpp_url: str | None, carriers_file: Path | str | None) -> MediaRoutes:
    """The media routes of the carriers the settings describe (as carriers.build_connector chooses them). A
    carriers file is read again only when it changes."""
    if carriers_file is not None and str(carriers_file) in ("", "."):
        carriers_file = None
    if carriers_file:
        path = Path(carriers_file)
        try:
            stamp = path.stat().st_mtime_ns
        except OSError:
            stamp = None
        return _file_media_routes(str(path), stamp)
    if smpp_url:
        return _url_media_routes(smpp_url)
    return SANDBOX_MEDIA


@functools.lru_cache(maxsize=8)
def _url_media_routes(smpp_url: str) -> MediaRoutes:
    settings = parse_smpp_url(smpp_url)
    return MediaRoutes(default=(settings.name, settings.media))


@functools.lru_cache(maxsize=8)
def _file_media_routes(path: str, stamp: int | None) -> MediaRoutes:
    carriers = load_carriers_file(path)
    routes = sorted(
        ((prefix, c.name, c.media) for c in carriers for prefix in c.prefixes), key=lambda r: len(r[0]), reverse=True
    )
    default = next(((c.name, c.media) for c in carriers if c.default), None)
    return MediaRoutes(tuple(routes), default)
