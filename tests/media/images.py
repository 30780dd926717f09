"""Test images made in memory: real encoders, hostile metadata, crafted headers.

``python -m tests.media.images`` regenerates ``tests/media/data/sample.heic``.
"""

from __future__ import annotations

import io
import random
import struct
import zlib
from pathlib import Path

import pillow_heif
from PIL import Image, ImageCms, ImageDraw
from PIL.TiffImagePlugin import IFDRational

pillow_heif.register_heif_opener()

DATA_DIR = Path(__file__).parent / "data"
SAMPLE_HEIC = DATA_DIR / "sample.heic"

RED = (255, 0, 0)
BLUE = (0, 0, 255)

# A spot in Beijing: 39°54'26.4"N 116°23'29.52"E.
BEIJING_DMS = ((39, 54, 26.4), (116, 23, 29.52))
BEIJING = (39 + 54 / 60 + 26.4 / 3600, 116 + 23 / 60 + 29.52 / 3600)

ORIENTATION = 0x0112
GPS_IFD = 0x8825
EXIF_IFD = 0x8769
DATETIME_ORIGINAL = 0x9003
OFFSET_TIME_ORIGINAL = 0x9011
SUBSEC_TIME_ORIGINAL = 0x9291


def rational(value: float, den: int = 10_000) -> IFDRational:
    return IFDRational(round(value * den), den)


def dms(value: tuple[float, float, float]) -> tuple[IFDRational, IFDRational, IFDRational]:
    d, m, s = value
    return rational(d, 1), rational(m, 1), rational(s, 100)


def gps_ifd(
    lat: tuple[float, float, float] = BEIJING_DMS[0],
    lon: tuple[float, float, float] = BEIJING_DMS[1],
    lat_ref: str = "N",
    lon_ref: str = "E",
) -> dict[int, object]:
    return {1: lat_ref, 2: dms(lat), 3: lon_ref, 4: dms(lon), 0x12: "WGS-84"}


def exif_bytes(
    *,
    orientation: int | None = None,
    gps: dict[int, object] | None = None,
    taken: str | None = None,
    offset: str | None = None,
    subsec: str | None = None,
) -> bytes:
    """EXIF built with Pillow's Exif API."""
    exif = Image.Exif()
    exif[0x010F] = "CityLoopCam"  # Make
    exif[0x0110] = "Model 1"  # Model
    if orientation is not None:
        exif[ORIENTATION] = orientation
    if gps is not None:
        exif[GPS_IFD] = gps
    sub: dict[int, object] = {}
    if taken is not None:
        sub[DATETIME_ORIGINAL] = taken
    if offset is not None:
        sub[OFFSET_TIME_ORIGINAL] = offset
    if subsec is not None:
        sub[SUBSEC_TIME_ORIGINAL] = subsec
    if sub:
        exif[EXIF_IFD] = sub
    return exif.tobytes()


def split_image(size: tuple[int, int] = (400, 300), mode: str = "RGB") -> Image.Image:
    """Left half red, right half blue, with a little texture so encoders have something to do."""
    w, h = size
    im = Image.new("RGB", size, BLUE)
    draw = ImageDraw.Draw(im)
    draw.rectangle((0, 0, w // 2 - 1, h - 1), fill=RED)
    return im.convert(mode) if mode != "RGB" else im


def _save(im: Image.Image, fmt: str, **params: object) -> bytes:
    buf = io.BytesIO()
    im.save(buf, format=fmt, **params)
    return buf.getvalue()


XMP = (
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
    b'<rdf:Description xmlns:exif="http://ns.adobe.com/exif/1.0/" exif:GPSLatitude="39,54.44N"/>'
    b"</rdf:RDF></x:xmpmeta>"
)


def jpeg(
    size: tuple[int, int] = (400, 300),
    *,
    orientation: int | None = None,
    gps: dict[int, object] | None = None,
    taken: str | None = "2024:05:01 14:03:22",
    offset: str | None = "+08:00",
    subsec: str | None = None,
    comment: bytes | None = b"owner: Zhang San 13800138000",
    xmp: bool = True,
    icc: bool = True,
    mode: str = "RGB",
    image: Image.Image | None = None,
) -> bytes:
    """A JPEG carrying everything a phone may put in: EXIF (GPS, time, orientation), XMP, ICC, comment."""
    im = image if image is not None else split_image(size, mode)
    params: dict[str, object] = {
        "quality": 90,
        "exif": exif_bytes(orientation=orientation, gps=gps, taken=taken, offset=offset, subsec=subsec),
    }
    if comment is not None:
        params["comment"] = comment
    if xmp:
        params["xmp"] = XMP
    if icc and im.mode == "RGB":
        params["icc_profile"] = srgb_icc()
    return _save(im, "JPEG", **params)


def phone_jpeg(size: tuple[int, int] = (400, 300), orientation: int | None = None) -> bytes:
    return jpeg(size, orientation=orientation, gps=gps_ifd())


def srgb_icc() -> bytes:
    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


def _s15f16(v: float) -> bytes:
    return struct.pack(">i", round(v * 65536))


def _xyz(x: float, y: float, z: float) -> bytes:
    return b"XYZ \0\0\0\0" + _s15f16(x) + _s15f16(y) + _s15f16(z)


def swapped_icc(description: str = "CityLoop swapped red/blue") -> bytes:
    """A valid ICC v2 RGB matrix/TRC profile whose red and blue primaries are sRGB's blue and red.

    Pure red in an image tagged with it is pure blue once converted to sRGB: a test can see the conversion.
    """
    gamma = b"curv\0\0\0\0" + struct.pack(">I", 1) + struct.pack(">H", 0x0233) + b"\0\0"
    text = description.encode("ascii") + b"\0"
    desc = b"desc\0\0\0\0" + struct.pack(">I", len(text)) + text + b"\0" * 8 + b"\0\0\0" + b"\0" * 67
    tags = [
        (b"desc", desc),
        (b"wtpt", _xyz(0.9642, 1.0, 0.8249)),
        (b"rXYZ", _xyz(0.1431, 0.0606, 0.7141)),  # sRGB's blue
        (b"gXYZ", _xyz(0.3851, 0.7169, 0.0971)),
        (b"bXYZ", _xyz(0.4361, 0.2225, 0.0139)),  # sRGB's red
        (b"rTRC", gamma),
        (b"gTRC", gamma),
        (b"bTRC", gamma),
    ]
    offset = 128 + 4 + 12 * len(tags)
    table = struct.pack(">I", len(tags))
    body = b""
    for sig, data in tags:
        data += b"\0" * (-len(data) % 4)
        table += sig + struct.pack(">II", offset + len(body), len(data))
        body += data
    size = offset + len(body)
    header = (
        struct.pack(">I", size)
        + b"lcms"
        + struct.pack(">I", 0x02100000)
        + b"mntrRGB XYZ "
        + struct.pack(">6H", 2024, 1, 1, 0, 0, 0)
        + b"acsp"
        + b"\0" * 24
        + struct.pack(">I", 0)
        + _s15f16(0.9642)
        + _s15f16(1.0)
        + _s15f16(0.8249)
        + b"\0" * 48
    )
    assert len(header) == 128
    return header + table + body


def tagged_red_jpeg(icc: bytes) -> bytes:
    """Pure red pixels tagged with ``icc``."""
    return _save(Image.new("RGB", (64, 48), RED), "JPEG", quality=95, icc_profile=icc)


def png(image: Image.Image | None = None, **params: object) -> bytes:
    return _save(image if image is not None else split_image(), "PNG", **params)


def png_rgba() -> bytes:
    """Transparent everywhere except an opaque red left half."""
    im = Image.new("RGBA", (200, 100), (0, 0, 0, 0))
    ImageDraw.Draw(im).rectangle((0, 0, 99, 99), fill=(*RED, 255))
    return png(im)


def png_palette() -> bytes:
    return png(split_image().convert("P", palette=Image.Palette.ADAPTIVE, colors=4))


def png_la() -> bytes:
    return png(Image.new("LA", (50, 40), (0, 0)))


def png_gray16(value: int = 40_000) -> bytes:
    return png(Image.new("I;16", (64, 32), value))


def png_with_exif() -> bytes:
    return png(exif=exif_bytes(orientation=6, gps=gps_ifd(), taken="2023:12:31 23:59:59"))


def webp(orientation: int | None = None) -> bytes:
    im = split_image()
    return _save(
        im,
        "WEBP",
        quality=90,
        exif=exif_bytes(orientation=orientation, gps=gps_ifd(), taken="2024:05:01 14:03:22"),
    )


def heic(size: tuple[int, int] = (400, 300), orientation: int | None = None, quality: int = 60) -> bytes:
    im = split_image(size)
    exif = exif_bytes(orientation=orientation, gps=gps_ifd(), taken="2024:05:01 14:03:22", offset="+08:00")
    return _save(im, "HEIF", quality=quality, exif=exif)


def mpo() -> bytes:
    """A multi-picture JPEG (what some cameras write): Pillow opens it as MPO."""
    first = split_image()
    second = Image.new("RGB", first.size, (0, 255, 0))
    return _save(first, "MPO", save_all=True, append_images=[second], exif=exif_bytes(gps=gps_ifd()))


def cmyk_jpeg() -> bytes:
    return jpeg(mode="CMYK", icc=False)


def grey_jpeg() -> bytes:
    return jpeg(mode="L", icc=False)


def truncated_jpeg() -> bytes:
    data = jpeg((800, 600), image=noise((800, 600)), icc=False)
    return data[: len(data) * 3 // 5]


def truncated_png() -> bytes:
    data = png(noise((300, 200)))
    return data[: len(data) // 2]


def noise(size: tuple[int, int]) -> Image.Image:
    """Deterministic pseudo-random RGB content (incompressible, unlike flat colours)."""
    w, h = size
    return Image.frombytes("RGB", size, _pseudo_random(w * h * 3))


def _pseudo_random(n: int, seed: int = 2024) -> bytes:
    return random.Random(seed).randbytes(n)


def _png_chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def crafted_png(width: int, height: int, *, bit_depth: int = 1, colour_type: int = 0) -> bytes:
    """A PNG whose IHDR claims ``width`` × ``height``, with a token IDAT: only the header is honest."""
    ihdr = struct.pack(">IIBBBBB", width, height, bit_depth, colour_type, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", ihdr)
        + _png_chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + _png_chunk(b"IEND", b"")
    )


def bomb_png() -> bytes:
    """50,000 × 50,000 (2.5 gigapixels) in a few dozen bytes: Pillow's own bomb check fires."""
    return crafted_png(50_000, 50_000)


def quiet_bomb_png() -> bytes:
    """A real, decodable 8,000 × 6,000 1-bit PNG (48 MP) of a few KB: under Pillow's limit, over ours."""
    return png(Image.new("1", (8_000, 6_000), 0), optimize=False)


def absurd_png() -> bytes:
    """70,000 × 2: few pixels, but an edge longer than any encoder we accept can write."""
    return crafted_png(70_000, 2)


def gigantic_png() -> bytes:
    """2^31 - 1 pixels wide."""
    return crafted_png(2**31 - 1, 1)


def zero_denominator_jpeg() -> bytes:
    gps: dict[int, object] = {
        1: "N",
        2: (IFDRational(39, 0), IFDRational(54, 1), IFDRational(0, 0)),
        3: "E",
        4: (IFDRational(116, 1), IFDRational(23, 0), IFDRational(1, 1)),
    }
    return jpeg(gps=gps, taken="2024:05:01 14:03:22")


def out_of_range_gps_jpeg(lat: float = 95.0, lon: float = 116.0, minutes: float = 0.0) -> bytes:
    return jpeg(gps=gps_ifd(lat=(lat, minutes, 0.0), lon=(lon, 0.0, 0.0)))


def garbled_date_jpeg(taken: str = "2024:13:45 99:99:99", offset: str | None = "+08:00") -> bytes:
    return jpeg(taken=taken, offset=offset)


def text_as_jpeg() -> bytes:
    """What a renamed text file looks like to us: just bytes."""
    return b"Dear city, the street light on Renmin Road is broken.\n" * 4


def gif() -> bytes:
    return _save(split_image(), "GIF")


def textured_split(size: tuple[int, int], amplitude: int = 24) -> Image.Image:
    """``split_image`` with deterministic noise on top, so it compresses like a photo, not a flat card."""
    base = split_image(size)
    grain = noise(size)
    return Image.blend(base, grain, amplitude / 255)


def write_sample_heic(path: Path = SAMPLE_HEIC) -> int:
    """The committed HEIC sample: 480 × 360 stored, orientation 6, GPS and capture time in EXIF."""
    path.parent.mkdir(parents=True, exist_ok=True)
    exif = exif_bytes(orientation=6, gps=gps_ifd(), taken="2024:05:01 14:03:22", offset="+08:00")
    data = _save(textured_split((480, 360)), "HEIF", quality=50, exif=exif)
    path.write_bytes(data)
    return len(data)


if __name__ == "__main__":
    size = write_sample_heic()
    print(f"wrote {SAMPLE_HEIC} ({size} bytes)")
