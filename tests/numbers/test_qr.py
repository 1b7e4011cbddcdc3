"""eSIM QR codes: every response that carries `QRCode`/`QrActivationLink`/`QrCode` gives the absolute URL of a
PNG served by mpaas (as the vendor's examples give an image link), the LPA text beside it in `ActivationCode`,
and the URL is a capability: it works without a token, and only as issued."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from pydantic import ValidationError

from mpaas.config import Settings
from support.api import BASE_URL, make_message_route, provision
from support.qr import PNG_SIGNATURE, decode_png

pytestmark = pytest.mark.no_workers  # only calls the API: no job needs to run


async def _fetch(http, url: str):
    """GET the image as a browser would: no Authorization header."""
    parts = urlsplit(url)
    return await http.get(parts.path + (f"?{parts.query}" if parts.query else ""))


async def _status(api, change: str, number: str) -> dict:
    return await api.ok(
        "POST",
        "/v1.0/numbers/status",
        json={"StatusChange": change, "EffectiveDate": "01/01/2026", "PhoneNumbers": [{"Number": number}]},
    )


async def test_provision_returns_an_image_url_of_the_activation_code(api, http, numbers):
    data = await provision(api, await make_message_route(api), AreaCode="801")
    lpa, url = data["ActivationCode"], data["QRCode"]
    assert lpa.startswith("LPA:1$smdp.mpaas.local$")
    assert url.startswith(f"{BASE_URL}/") and url.endswith(".png")
    assert data["PhoneNumberId"] not in url.split("/")[-1]  # the secret part is not the number's id
    image = await _fetch(http, url)
    assert image.status_code == 200
    assert image.headers["content-type"] == "image/png"
    assert image.content.startswith(PNG_SIGNATURE)
    assert decode_png(image.content) == [lpa]


async def test_details_and_inventory_link_the_same_image(api, http, numbers):
    data = await provision(api, await make_message_route(api), AreaCode="801")
    details = await api.ok("GET", "/v1.0/numbers", params={"Number": data["PhoneNumberAssigned"]})
    assert details["QrActivationLink"] == data["QRCode"]
    assert details["ActivationCode"] == data["ActivationCode"]
    listed = (await api.ok("GET", "/v1.0/numbers/inventory"))["PhoneNumbers"][0]
    assert listed["QrActivationLink"] == data["QRCode"] and listed["ActivationCode"] == data["ActivationCode"]
    assert (await _fetch(http, details["QrActivationLink"])).status_code == 200


async def test_physical_sim_has_no_qr(api, numbers):
    data = await provision(api, await make_message_route(api), ICCID="8901240397190195850")
    assert data["QRCode"] is None and data["ActivationCode"] is None
    details = await api.ok("GET", "/v1.0/numbers", params={"Number": data["PhoneNumberAssigned"]})
    assert details["QrActivationLink"] is None and details["ActivationCode"] is None


async def test_swap_sim_issues_a_new_image_and_retires_the_old(api, http, numbers):
    data = await provision(api, await make_message_route(api), AreaCode="801")
    old_url, number = data["QRCode"], data["PhoneNumberAssigned"]
    item = (await _status(api, "swap-sim", number))["Numbers"][0]
    assert item["QrCode"] != old_url and item["QrCode"].startswith(f"{BASE_URL}/")
    assert item["ActivationCode"].startswith("LPA:1$") and item["ActivationCode"] != data["ActivationCode"]
    assert decode_png((await _fetch(http, item["QrCode"])).content) == [item["ActivationCode"]]
    stale = await _fetch(http, old_url)
    assert stale.status_code == 404
    assert stale.json()["StatusCode"] == 404


async def test_a_changed_or_unknown_link_is_a_404_envelope(api, http, numbers):
    url = (await provision(api, await make_message_route(api), AreaCode="801"))["QRCode"]
    path = urlsplit(url).path
    head, secret = path.rsplit("/", 1)
    flipped = ("0" if secret[0] != "0" else "1") + secret[1:]
    for wrong in (f"{head}/{flipped}", f"{head}/x.png", head.rsplit("/", 1)[0] + "/NID-unknown/" + secret):
        response = await http.get(wrong)
        assert response.status_code == 404, wrong
        assert response.json()["StatusCode"] == 404 and response.headers["content-type"] == "application/json"


async def test_a_cancelled_numbers_qr_stops_working_until_reactivated(api, http, numbers):
    data = await provision(api, await make_message_route(api), AreaCode="801")
    await _status(api, "cancel", data["PhoneNumberAssigned"])
    assert (await _fetch(http, data["QRCode"])).status_code == 404
    await api.ok("POST", "/v1.0/numbers/reactivate", json={"PhoneNumber": data["PhoneNumberAssigned"]})
    assert (await _fetch(http, data["QRCode"])).status_code == 200


async def test_public_url_setting_builds_the_links(api, http, numbers, platform):
    platform.settings.public_url = "https://mpaas.example.com/telegent/"
    data = await provision(api, await make_message_route(api), AreaCode="801")
    assert data["QRCode"].startswith("https://mpaas.example.com/telegent/qr/")
    # The proxy strips its prefix; the server serves the rest.
    path = urlsplit(data["QRCode"]).path.removeprefix("/telegent")
    assert decode_png((await http.get(path)).content) == [data["ActivationCode"]]


async def test_links_follow_the_host_the_client_used(api, http, numbers):
    """Without MPAAS_PUBLIC_URL the link is built from the request: the Host the client used."""
    route = await make_message_route(api)
    body = {
        "NumberType": "mvno",
        "MessageType": "p2p",
        "MessageEnabled": True,
        "VoiceEnabled": False,
        "ProductType": "Sms+Data",
        "MessageRouteId": route,
    }
    response = await api.call(
        "POST", "/v1.0/numbers/provision", json=body, headers={"Host": "numbers.example.org:8443"}
    )
    assert response.json()["QRCode"].startswith("http://numbers.example.org:8443/qr/")


@pytest.mark.parametrize("wrong", ["api.example.com", "/telegent", "ftp://api.example.com", "https://"])
def test_public_url_must_be_absolute(wrong):
    with pytest.raises(ValidationError, match="MPAAS_PUBLIC_URL must be an absolute http"):
        Settings(public_url=wrong)
    assert Settings(public_url="https://api.example.com/telegent").public_url == "https://api.example.com/telegent"
