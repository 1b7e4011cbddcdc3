"""Values the vendor's own samples send, which a Telegent client may send as they are (issue 17): `NumberType`
`voip`, `VoiceEnabled` without a voice route, voicemail PINs `1234`/`5678`, the port-in sample number
`+15555551234`; and the rule that voice needs ProductType `Sms+Data+Voice`."""

from __future__ import annotations

import pytest

from support.api import make_message_route, make_voice_route, provision

pytestmark = pytest.mark.no_workers

AVAILABILITY = {"NumberType": "voip", "MessageType": "p2p", "MessageEnabled": True, "VoiceEnabled": True}


async def test_voip_number_type(api, numbers):
    found = await api.ok("POST", "/v1.0/numbers/availability", json=AVAILABILITY)
    assert found["NumberType"] == "voip" and found["ResultsTotal"] > 0
    data = await provision(api, await make_message_route(api), NumberType="voip", MessageType="a2p")
    details = await api.ok("GET", "/v1.0/numbers", params={"Number": data["PhoneNumberAssigned"]})
    assert details["Classification"] == "MVNO"  # voip is the older name of a full mobile line


async def test_voice_without_a_voice_route(api, numbers):
    """The quick start calls the voice route optional: VoiceEnabled alone provisions, and a number's route can
    be named later."""
    route = await make_message_route(api)
    data = await provision(api, route, VoiceEnabled=True, ProductType="Sms+Data+Voice")
    details = await api.ok("GET", "/v1.0/numbers", params={"Number": data["PhoneNumberAssigned"]})
    assert details["VoiceEnabled"] is True and details["VoiceRouteId"] is None
    voice = await make_voice_route(api)
    updated = await api.ok(
        "POST", "/v1.0/numbers/update", json={"Number": data["PhoneNumberAssigned"], "VoiceRouteId": voice}
    )
    assert updated["VoiceRouteId"] == voice


async def test_voice_needs_the_voice_product(api, numbers):
    route = await make_message_route(api)
    response = await api.post(
        "/v1.0/numbers/provision",
        {
            "NumberType": "mvno",
            "MessageType": "p2p",
            "MessageEnabled": True,
            "VoiceEnabled": True,
            "MessageRouteId": route,
            "ProductType": "Sms+Data",
        },
    )
    assert response.status_code == 400
    assert response.json()["Message"] == (
        "VoiceEnabled needs ProductType Sms+Data+Voice; a Sms+Data number has no voice. "
        "Send VoiceEnabled false or ProductType Sms+Data+Voice."
    )
    number = (await provision(api, route, ProductType="Sms+Data"))["PhoneNumberAssigned"]
    response = await api.post("/v1.0/numbers/update", {"Number": number, "VoiceEnabled": True})
    assert response.status_code == 400 and "VoiceEnabled needs ProductType Sms+Data+Voice" in response.json()["Message"]
    response = await api.post(
        "/v1.0/numbers/update", {"Number": number, "VoiceEnabled": True, "ProductType": "Data-Only"}
    )
    assert response.status_code == 400 and "a Data-Only number has no voice" in response.json()["Message"]
    both = await api.ok(
        "POST", "/v1.0/numbers/update", json={"Number": number, "VoiceEnabled": True, "ProductType": "Sms+Data+Voice"}
    )
    assert both["VoiceEnabled"] is True and both["ProductType"] == "Sms+Data+Voice"


async def test_voicemail_pins_of_the_samples(api, numbers):
    number = (await provision(api, await make_message_route(api)))["PhoneNumberAssigned"]
    assert not number.endswith(("1234", "5678"))
    activated = await api.ok("POST", "/v1.0/numbers/voicemail/activate", json={"PhoneNumber": number, "PIN": "1234"})
    assert activated["VoicemailActivated"] is True
    await api.ok("POST", "/v1.0/numbers/voicemail/update", json={"PhoneNumber": number, "PIN": "5678"})


async def test_port_in_sample_number(api, numbers):
    """`+15555551234` (the port-in samples): area code 555 is reserved, but the number is well-formed E.164."""
    eligible = await api.ok(
        "POST", "/v1.0/numbers/portin/eligibility", json={"PhoneNumber": "+15555551234", "TargetClassification": "mvno"}
    )
    assert eligible["PhoneNumber"] == "+15555551234"
    body = {
        "PortInNumber": "+15555551234",
        "CurrentCarrierName": "Telegent",
        "CurrentAccountNumber": "46512222",
        "CurrentAccountPassword": "0000",
        "TargetPortinClassification": "mvno",
        "SubscriberName": "Telegent",
        "CurrentBillingAddress": {
            "Street1": "2701 N Thanksgiving Way",
            "Street2": "Suite 202",
            "City": "Lehi",
            "State": "UT",
            "Zip": "84043",
        },
    }
    order = await api.ok("POST", "/v1.0/numbers/portin", json=body)
    assert order["PhoneNumber"] == "+15555551234" and order["Status"] == "Pending"
    # Malformed numbers are still refused: an area code cannot start with 1.
    response = await api.post("/v1.0/numbers/portin", {**body, "PortInNumber": "+11234567890"})
    assert response.status_code == 400 and "PortInNumber" in response.json()["Message"]
