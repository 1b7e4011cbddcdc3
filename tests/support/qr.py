"""Reading a QR code PNG back to its text, the way a phone's camera would: the PNG is decoded here (greyscale,
any bit depth, the five row filters; what segno writes) and the pixels handed to zxing-cpp's decoder."""

from __future__ import annotations

import struct
import zlib

import zxingcpp

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _paeth(a: int, b: int, c: int) -> int:
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    return a if pa <= pb and pa <= pc else b if pb <= pc else c


def greyscale(png: bytes) -> tuple[int, int, bytes]:
    """(width, height, one byte per pixel) of a non-interlaced greyscale PNG."""
    assert png[:8] == PNG_SIGNATURE, "not a PNG"
    pos, idat, header = 8, b"", None
    while pos < len(png):
        (length,) = struct.unpack(">I", png[pos : pos + 4])
        kind, data = png[pos + 4 : pos + 8], png[pos + 8 : pos + 8 + length]
        pos += 12 + length
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", data)
        elif kind == b"IDAT":
            idat += data
    assert header is not None, "PNG without IHDR"
    width, height, depth, colour, _compression, _filter, interlace = header
    assert colour == 0 and interlace == 0 and depth in (1, 2, 4, 8), f"unsupported PNG {header}"
    raw = zlib.decompress(idat)
    stride, top = (width * depth + 7) // 8, (1 << depth) - 1
    pixels, previous, i = bytearray(), bytearray(stride), 0
    for _ in range(height):
        kind, line = raw[i], bytearray(raw[i + 1 : i + 1 + stride])
        i += 1 + stride
        for x in range(stride):
            a, b, c = (line[x - 1] if x else 0), previous[x], (previous[x - 1] if x else 0)
            predictor = (0, a, b, (a + b) // 2, _paeth(a, b, c))[kind]
            line[x] = (line[x] + predictor) & 0xFF
        previous = line
        for x in range(width):
            bit = x * depth
            pixels.append(((line[bit // 8] >> (8 - depth - bit % 8)) & top) * 255 // top)
    return width, height, bytes(pixels)


def decode_png(png: bytes) -> list[str]:
    """The texts of the QR codes in the image."""
    width, height, pixels = greyscale(png)
    found = zxingcpp.read_barcodes(memoryview(pixels).cast("B", (height, width)))
    return [code.text for code in found if code.format == zxingcpp.BarcodeFormat.QRCode]
