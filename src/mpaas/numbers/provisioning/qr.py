"""eSIM QR codes as image links: the URL a response puts in `QRCode`/`QrActivationLink`/`QrCode`, and the PNG
it serves.

The vendor's examples give an image URL (a QR code generator's link) where the number's record keeps the LPA
activation code; mpaas serves the PNG itself (segno) at `/qr/<NID>/<signature>.png` and puts the LPA text in
the `ActivationCode` extension field beside it. The link is opened by a browser or a phone without a bearer
token, so it is a capability: the signature is an HMAC of the number's id and its current activation code,
keyed with a key derived from the token signing key. A guessed or altered link, the link of an activation code
a swap-sim replaced, and a cancelled number's link are all a 404 (docs/numbers.md, eSIM QR codes)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import io

import segno

from mpaas.models import PhoneNumber
from mpaas.models.numbers import CANCELLED

PATH = "/qr/{phone_number_id}/{signature}.png"
KEY_PURPOSE = "esim-qr-links"  # core.security.tokens.TokenIssuer.derived_key
SIGNATURE_BYTES = 24  # 192 bits, 32 URL-safe base64 characters


class QrLinks:
    """Builds and checks the image links for one base URL (MPAAS_PUBLIC_URL, or the request's own)."""

    def __init__(self, base_url: str, key: bytes):
        self.base_url = base_url.rstrip("/")
        self._key = key

    def signature(self, phone_number_id: str, activation_code: str) -> str:
        mac = hmac.new(self._key, f"{phone_number_id}\n{activation_code}".encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(mac[:SIGNATURE_BYTES]).decode()

    def url(self, row: PhoneNumber) -> str | None:
        """The absolute URL of the number's QR code image, or None when it has no eSIM activation code."""
        if not row.qr_code:
            return None
        path = PATH.format(phone_number_id=row.id, signature=self.signature(row.id, row.qr_code))
        return self.base_url + path

    def serves(self, row: PhoneNumber | None, signature: str) -> bool:
        """Whether `signature` is the link of `row`'s current activation code, and the number is not cancelled
        (the contract: the original QR stays valid unless the number is cancelled)."""
        if row is None or not row.qr_code or row.status == CANCELLED:
            return False
        return hmac.compare_digest(signature.encode(), self.signature(row.id, row.qr_code).encode())


def png(activation_code: str) -> bytes:
    """The activation code as a QR code PNG (a full QR code, never a Micro QR; 8 pixels a module, the standard
    4-module quiet zone)."""
    buffer = io.BytesIO()
    segno.make_qr(activation_code, error="m").save(buffer, kind="png", scale=8, border=4)
    return buffer.getvalue()
