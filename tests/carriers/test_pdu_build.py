"""The submit_sm the connector writes is the one aiosmpplib writes: carriers/pdu.py packs the usual part itself
(the library's object was as costly as the rest of a submit), and must not change a single octet on the wire."""

from __future__ import annotations

from aiosmpplib import SmppCommandStatus
from aiosmpplib.protocol import DeliverSmResp, SubmitSm
from hypothesis import given
from hypothesis import strategies as st

from mpaas.carriers import pdu

_NUMBERS = st.one_of(
    st.from_regex(r"\+1[2-9][0-9]{9}", fullmatch=True),  # E.164
    st.from_regex(r"[0-9]{3,8}", fullmatch=True),  # short codes
    st.from_regex(r"\+[0-9]{8,15}", fullmatch=True),
    st.text(alphabet="ABCXYZabc 019-", min_size=1, max_size=14),  # alphanumeric sender ids (cut to 11)
)


@given(
    seq=st.integers(1, 0x7FFFFFFF),
    source=_NUMBERS,
    destination=_NUMBERS,
    payload=st.binary(min_size=0, max_size=300),
    data_coding=st.sampled_from([0x00, 0x03, 0x08, 0x04, 0xF0]),
    esm_class=st.sampled_from([0x00, 0x40, 0x03]),
    registered_delivery=st.sampled_from([0, 1]),
    validity_seconds=st.one_of(st.none(), st.floats(0.1, 40_000_000), st.sampled_from([86_400.0, 172_800.0])),
)
def test_a_submit_is_packed_octet_for_octet_as_aiosmpplib_packs_it(
    seq, source, destination, payload, data_coding, esm_class, registered_delivery, validity_seconds
):
    def library():
        return pdu.build_sm(
            SubmitSm,
            seq,
            pdu.address(source),
            pdu.address(destination),
            payload,
            data_coding,
            esm_class,
            registered_delivery,
            validity_seconds=validity_seconds,
        )

    try:
        expected = library()
    except ValueError as refused:  # what the library refuses is refused the same
        try:
            pdu.build_submit(
                seq, source, destination, payload, data_coding, esm_class, registered_delivery, validity_seconds
            )
        except ValueError as also:
            assert str(also) == str(refused)
            return
        raise AssertionError("packed a submit the library refuses") from None
    packed = pdu.build_submit(
        seq, source, destination, payload, data_coding, esm_class, registered_delivery, validity_seconds
    )
    assert packed == expected


def test_a_deliver_sm_resp_is_the_one_aiosmpplib_writes():
    ok = DeliverSmResp(sequence_num=77, command_status=SmppCommandStatus.ESME_ROK).pdu()
    assert pdu.deliver_sm_resp(77) == ok
