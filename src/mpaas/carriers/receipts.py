"""Delivery receipts: parsed from the short_message text and from TLVs, with ids normalized and states mapped.

Text (SMPP 3.4 appendix B, vendor-specific in practice):
`id:IIII sub:SSS dlvrd:DDD submit date:YYMMDDhhmm[ss] done date:YYMMDDhhmm[ss] stat:DDDDDDD err:EEE text:...`
Keys are matched case-insensitively and in any order; TLVs (receipted_message_id 0x001E, message_state 0x0427,
network_error_code 0x0423) win over the text when both are present.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

TLV_RECEIPTED_MESSAGE_ID = 0x001E
TLV_NETWORK_ERROR_CODE = 0x0423
TLV_MESSAGE_STATE = 0x0427

# message_state TLV values (SMPP 3.4 5.3.2.35; SKIPPED is 5.0).
MESSAGE_STATES = {
    0: "SCHEDLD",
    1: "ENROUTE",
    2: "DELIVRD",
    3: "EXPIRED",
    4: "DELETED",
    5: "UNDELIV",
    6: "ACCEPTD",
    7: "UNKNOWN",
    8: "REJECTD",
    9: "SKIPPED",
}
STATE_CODES = {name: code for code, name in MESSAGE_STATES.items()}
DELIVERED = "DELIVRD"
# The one list of final states: a part's receipt in one of these settles the part (messaging/bulk.py), and
# every final state but DELIVRD is a failure. ACCEPTD, ENROUTE and SCHEDLD are intermediate: a part left in
# one of them (or with no receipt) is asked about by the receipt sweep (messaging/receipt_sweep.py).
FINAL_STATES = frozenset({"DELIVRD", "EXPIRED", "DELETED", "UNDELIV", "UNKNOWN", "REJECTD", "SKIPPED"})
SUCCESS_STATES = frozenset({DELIVERED})
FAILED_STATES = FINAL_STATES - SUCCESS_STATES

# Spellings seen from SMSCs, mapped to the 7-letter canonical stat.
_STATE_ALIASES = {
    "DELIVERED": "DELIVRD",
    "DELIVRD": "DELIVRD",
    "DELIVR": "DELIVRD",
    "EXPIRED": "EXPIRED",
    "EXPIRD": "EXPIRED",
    "DELETED": "DELETED",
    "DELETD": "DELETED",
    "UNDELIV": "UNDELIV",
    "UNDELIVERABLE": "UNDELIV",
    "UNDELIVERED": "UNDELIV",
    "FAILED": "UNDELIV",
    "ACCEPTD": "ACCEPTD",
    "ACCEPTED": "ACCEPTD",
    "UNKNOWN": "UNKNOWN",
    "UNKNOWM": "UNKNOWN",
    "REJECTD": "REJECTD",
    "REJECTED": "REJECTD",
    "ENROUTE": "ENROUTE",
    "SCHEDLD": "SCHEDLD",
    "SCHEDULED": "SCHEDLD",
    "SKIPPED": "SKIPPED",
}

_FIELD = re.compile(r"(?i)\b(id|sub|dlvrd|submit date|submit_date|done date|done_date|stat|err|text)\s*:")
# The standard layout exactly as written above (most SMSCs, and format_receipt): one match instead of the general
# scan, which cost 11 us a receipt (a tenth of the connector's time on a receipt, py-spy of bench/pipeline.py).
# Values without spaces or colons (a colon could make a key of a value's end); anything else (other spacing or
# order, missing fields) falls through to the scan, which gives the same fields for this layout
# (tests/carriers/test_dlr_parsing.py holds the two to that).
_STANDARD = re.compile(
    r"id:([^\s:]*) sub:([^\s:]*) dlvrd:([^\s:]*) submit date:([^\s:]*) done date:([^\s:]*) stat:([^\s:]*) "
    r"err:([^\s:]*)(?: [Tt]ext:(.*))?",
    re.DOTALL,
)
_STANDARD_KEYS = ("id", "sub", "dlvrd", "submit date", "done date", "stat", "err")


def normalize_state(value: str | int | None) -> str:
    if value is None:
        return "UNKNOWN"
    if isinstance(value, int):
        return MESSAGE_STATES.get(value, "UNKNOWN")
    text = str(value).strip().upper()
    if text.isdigit():
        return MESSAGE_STATES.get(int(text), "UNKNOWN")
    return _STATE_ALIASES.get(text, "UNKNOWN")


def normalize_id(value: str, mode: str = "asis") -> str:
    """Bring a receipt's message id into the form the SMSC used in submit_sm_resp.

    SMPP 3.3 SMSCs answer hex ids and 3.4 receipts may carry decimal (or the reverse), so a carrier can be
    configured like Jasmin's `dlr_msgid`: `asis` (default; only trims whitespace/NULs), `hex2dec` (receipt id
    is hex, submit ids are decimal), `dec2hex` (the reverse; lower-case hex)."""
    value = value.strip().strip("\x00").strip()
    try:
        if mode == "hex2dec":
            return str(int(value, 16))
        if mode == "dec2hex":
            return format(int(value, 10), "x")
    except ValueError:
        return value
    return value


def _parse_date(value: str) -> datetime | None:
    """YYMMDDhhmm[ss] as strptime's %y reads it (69-99 -> 19xx), without strptime: one per receipt, and
    strptime was 2% of the pipeline's event loop."""
    value = value.strip()
    if len(value) not in (10, 12) or not value.isdigit():
        return None
    yy = int(value[0:2])
    try:
        return datetime(
            yy + (2000 if yy < 69 else 1900),
            int(value[2:4]),
            int(value[4:6]),
            int(value[6:8]),
            int(value[8:10]),
            int(value[10:12]) if len(value) == 12 else 0,
        )
    except ValueError:
        return None


@dataclass(frozen=True)
class Receipt:
    message_id: str
    state: str  # canonical 7-letter stat
    error_code: str | None = None
    submitted: int | None = None
    delivered: int | None = None
    submit_date: datetime | None = None
    done_date: datetime | None = None
    text: str | None = None

    @property
    def is_final(self) -> bool:
        return self.state in FINAL_STATES

    @property
    def is_success(self) -> bool:
        return self.state in SUCCESS_STATES


def parse_text(text: str) -> dict[str, str]:
    """The key:value fields of a receipt text (keys lower-case, `submit date`/`done date` with a space)."""
    standard = _STANDARD.fullmatch(text) if text else None
    if standard is not None:
        fields = dict(zip(_STANDARD_KEYS, standard.groups()[:7], strict=True))
        if standard.group(8) is not None:
            fields["text"] = standard.group(8)
        return fields
    return scan_fields(text or "")


def scan_fields(text: str) -> dict[str, str]:
    """parse_text's general reader: every key it knows, in any order and spacing (the first of a repeated key)."""
    fields: dict[str, str] = {}
    matches = list(_FIELD.finditer(text))
    for i, m in enumerate(matches):
        key = m.group(1).lower().replace("_", " ")
        end = matches[i + 1].start() if i + 1 < len(matches) else len(text)
        if key == "text":
            fields[key] = text[m.end() :]
            break
        fields.setdefault(key, text[m.end() : end].strip())
    return fields


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value is not None and value.strip() else None
    except ValueError:
        return None


def _network_error(raw: bytes) -> str:
    # network_error_code: 1 octet network type (1 ANSI-136, 2 IS-95, 3 GSM, ...) + 2 octets error code.
    if len(raw) == 3:
        return str(int.from_bytes(raw[1:3], "big"))
    return str(int.from_bytes(raw, "big")) if raw else ""


def parse_receipt(text: str, tlvs: dict[int, bytes] | None = None, id_mode: str = "asis") -> Receipt | None:
    """A receipt from a deliver_sm's decoded short_message and raw TLVs; None when it carries no id."""
    tlvs = tlvs or {}
    fields = parse_text(text or "")
    message_id = fields.get("id")
    if TLV_RECEIPTED_MESSAGE_ID in tlvs:
        message_id = tlvs[TLV_RECEIPTED_MESSAGE_ID].rstrip(b"\x00").decode("ascii", errors="replace")
    if not message_id:
        return None
    if TLV_MESSAGE_STATE in tlvs and tlvs[TLV_MESSAGE_STATE]:
        state = normalize_state(int.from_bytes(tlvs[TLV_MESSAGE_STATE], "big"))
    else:
        state = normalize_state(fields.get("stat"))
    error = fields.get("err")
    if TLV_NETWORK_ERROR_CODE in tlvs:
        error = _network_error(tlvs[TLV_NETWORK_ERROR_CODE]) or error
    if error is not None:
        error = error.strip()
        if not error or error.strip("0") == "":
            error = None  # 000 / 0: no error
    return Receipt(
        message_id=normalize_id(message_id, id_mode),
        state=state,
        error_code=error,
        submitted=_int(fields.get("sub")),
        delivered=_int(fields.get("dlvrd")),
        submit_date=_parse_date(fields.get("submit date", "")),
        done_date=_parse_date(fields.get("done date", "")),
        text=fields.get("text"),
    )


def format_receipt(
    message_id: str,
    state: str,
    error: int = 0,
    submit_date: datetime | None = None,
    done_date: datetime | None = None,
    text: str = "",
    delivered: int | None = None,
) -> str:
    """The de-facto receipt text (what the simulator sends)."""
    sd = submit_date.strftime("%y%m%d%H%M") if submit_date else ""
    dd = done_date.strftime("%y%m%d%H%M") if done_date else ""
    dl = (1 if state == "DELIVRD" else 0) if delivered is None else delivered
    return (
        f"id:{message_id} sub:001 dlvrd:{dl:03d} submit date:{sd} done date:{dd} "
        f"stat:{state} err:{error:03d} text:{text[:20]}"
    )
