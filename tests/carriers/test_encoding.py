"""GSM-7/UCS-2 encoding, segmentation with UDH, and MO reassembly."""

from hypothesis import given, settings
from hypothesis import strategies as st

from mpaas.carriers import encoding, segments
from mpaas.carriers.encoding import (
    Concat,
    Reassembler,
    decode,
    encode_message,
    gsm7_decode,
    gsm7_encode,
    split_udh,
    ucs2_decode,
)

GSM_CHARS = sorted(set(encoding.GSM7_TABLE) - {"\x1b"} | set(encoding.GSM7_EXT_TABLE.values()))
gsm_text = st.text(alphabet=GSM_CHARS, max_size=700)
ext_heavy = st.text(alphabet=sorted(encoding.GSM7_EXT_TABLE.values()) + ["a", " "], max_size=500)
any_text = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=400)
emoji_text = st.text(alphabet=st.sampled_from(["a", "é", "😀", "🎉", "€", "中", "𝄞"]), min_size=1, max_size=300)


def _payloads(enc):
    if enc.count == 1:
        return [enc.parts[0]]
    out = []
    for i, part in enumerate(enc.parts, 1):
        concat, payload = split_udh(part)
        assert concat == Concat(concat.reference, enc.count, i)
        assert part[:3] == b"\x05\x00\x03"
        out.append(payload)
    return out


def test_tables_match_segments_alphabet():
    assert set(GSM_CHARS) == segments.GSM7_BASIC | segments.GSM7_EXTENSION


@given(gsm_text)
def test_gsm7_round_trip(text):
    assert gsm7_decode(gsm7_encode(text)) == text


@settings(max_examples=200)
@given(st.one_of(gsm_text, ext_heavy, any_text, emoji_text))
def test_encode_message_round_trips_and_respects_limits(text):
    enc = encode_message(text)
    plan = segments.plan(text)
    assert enc.encoding == plan.encoding and enc.count == plan.count  # pricing and wire agree
    payloads = _payloads(enc)
    assert "".join(decode(p, enc.data_coding) for p in payloads) == text  # every part decodes on its own
    if enc.encoding == "GSM7":
        assert enc.data_coding == 0
        limit = 160 if enc.count == 1 else 153
        for p in payloads:
            assert len(p) <= limit
            # never ends on a dangling escape: the escape and its character stay in one part
            assert not (p.endswith(b"\x1b") and (len(p) - len(p.rstrip(b"\x1b"))) % 2 == 1)
    else:
        assert enc.data_coding == 8
        limit = 140 if enc.count == 1 else 134
        for p in payloads:
            assert len(p) <= limit and len(p) % 2 == 0
            last = int.from_bytes(p[-2:], "big") if p else 0
            assert not 0xD800 <= last <= 0xDBFF  # no high surrogate left at the end of a part
    if enc.count > 1:
        assert enc.esm_class == encoding.ESM_UDHI


def test_boundaries():
    assert encode_message("a" * 160).count == 1
    assert encode_message("a" * 161).count == 2
    assert encode_message("a" * 306).count == 2
    assert encode_message("a" * 307).count == 3
    assert encode_message("€" * 80).count == 1  # 160 septets
    assert encode_message("€" * 81).count == 2
    assert encode_message("é" * 160).encoding == "GSM7"  # é is in the basic table
    assert encode_message("ê").encoding == "UCS2"
    assert encode_message("中" * 70).count == 1
    assert encode_message("中" * 71).count == 2
    assert encode_message("😀" * 35).count == 1  # 70 UTF-16 units
    assert encode_message("😀" * 36).count == 2
    assert [len(p) for p in encode_message("a" * 152 + "€" + "a" * 10).parts] == [6 + 152, 6 + 2 + 10]


def test_udh_reference_and_explicit_reference():
    enc = encode_message("x" * 400, reference=0x42)
    assert [p[:6] for p in enc.parts] == [bytes([5, 0, 3, 0x42, 3, i]) for i in (1, 2, 3)]


def test_split_udh_16bit_and_unknown_ies():
    concat, payload = split_udh(bytes([6, 8, 4, 0x12, 0x34, 3, 2]) + b"hey")
    assert concat == Concat(0x1234, 3, 2) and payload == b"hey"
    # a port-addressing IE before the concat IE is skipped
    concat, payload = split_udh(bytes([11, 5, 4, 0, 1, 0, 2, 0, 3, 9, 2, 1]) + b"x")
    assert concat == Concat(9, 2, 1) and payload == b"x"
    assert split_udh(bytes([3, 0x24, 1, 1]) + b"no concat") == (None, b"no concat")


@settings(max_examples=100)
@given(st.one_of(gsm_text, emoji_text), st.randoms(use_true_random=False))
def test_reassembly_any_order(text, rnd):
    enc = encode_message(text)
    r = Reassembler()
    parts = list(enc.parts)
    rnd.shuffle(parts)
    results = []
    for part in parts:
        concat, payload = split_udh(part) if enc.esm_class else (None, part)
        results.append(r.add("+1", "+2", concat, payload, enc.data_coding))
    assert results[-1] == text and all(x is None for x in results[:-1])
    assert r.pending_count == 0


def test_reassembly_joins_octets_before_decoding():
    # a careless sender split a surrogate pair across parts: joined octets still decode
    raw = "a😀b".encode("utf-16-be")
    r = Reassembler()
    assert r.add("+1", "+2", Concat(7, 2, 1), raw[:4], 8) is None  # ends with a high surrogate
    assert r.add("+1", "+2", Concat(7, 2, 2), raw[4:], 8) == "a😀b"


def test_reassembly_keeps_messages_apart_and_expires():
    now = [0.0]
    r = Reassembler(ttl_seconds=10, clock=lambda: now[0])
    assert r.add("+1", "+2", Concat(1, 2, 1), b"ab", 0) is None
    assert r.add("+3", "+2", Concat(1, 2, 2), b"zz", 0) is None  # other sender, same ref
    assert r.add("+1", "+2", Concat(1, 2, 2), b"cd", 0) == "abcd"
    now[0] = 11
    assert r.add("+9", "+2", Concat(5, 2, 1), b"q", 0) is None
    assert r.pending_count == 1  # the +3 fragment expired


def test_decode_other_codings():
    assert decode(b"caf\xe9", 3) == "café"
    assert decode(b"hi", 1) == "hi"
    assert decode("ok".encode("utf-16-be"), 0x18) == "ok"  # general group, UCS2 alphabet
    assert ucs2_decode(b"\x00a\x00") == "a"
    assert gsm7_decode(b"\x1b\x65\x1b") == "€ "


def _by_table_encode(text: str) -> bytes:
    out = bytearray()
    for ch in text:
        if ch in encoding.GSM7_TABLE and ch != "\x1b":
            out.append(encoding.GSM7_TABLE.index(ch))
        else:
            out += bytes((encoding.ESCAPE, next(c for c, e in encoding.GSM7_EXT_TABLE.items() if e == ch)))
    return bytes(out)


def _by_table_decode(data: bytes) -> str:
    out, escaped = [], False
    for b in data:
        b &= 0x7F
        if escaped:
            out.append(encoding.GSM7_EXT_TABLE.get(b, encoding.GSM7_TABLE[b] if b != encoding.ESCAPE else " "))
            escaped = False
        elif b == encoding.ESCAPE:
            escaped = True
        else:
            out.append(encoding.GSM7_TABLE[b])
    return "".join(out) + (" " if escaped else "")


@given(st.text(alphabet=st.sampled_from(list("aZ09 .,!?:\n\r#%") + list("$@_[^€é")), max_size=300))
def test_plain_text_shortcut_encodes_as_the_table_does(text):
    assert encoding.gsm7_encode(text) == _by_table_encode(text)


@given(
    st.binary(max_size=300)
    | st.text(alphabet="id:0123 stat:DELIVRD err:000 text:$@_", max_size=200).map(lambda t: t.encode("ascii"))
)
def test_plain_septets_shortcut_decodes_as_the_table_does(data):
    assert encoding.gsm7_decode(data) == _by_table_decode(data)


def test_a_body_encoded_again_is_the_same_but_each_long_message_gets_its_own_concatenation_reference():
    """Encodings are kept per body (a send's recipients share it): the parts' text and payload come back the
    same, the UDH reference does not, so the carrier can tell two long messages of one body apart."""
    body = "x" * 400
    first, second = encoding.encode_message(body), encoding.encode_message(body)
    assert first.texts == second.texts and [p[6:] for p in first.parts] == [p[6:] for p in second.parts]
    assert first.parts[0][3] != second.parts[0][3]  # 05 00 03 <ref> <total> <seq>
    assert encoding.encode_message(body, 9).parts == encoding.encode_message(body, 9).parts
