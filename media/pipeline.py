"""The photo pipeline: one uploaded image in, two clean JPEG renditions out.

Synchronous and CPU-bound (Pillow). Callers run ``process_image`` in a bounded thread pool; Pillow
releases the GIL in its decoders and most pixel operations, so threads mostly run in parallel. Memory per
photo in flight (bench/photo_pipeline.py, 12 MP): about 25 MB for a JPEG (reduced-scale decode), about
110 MB for an HEIC (libheif always decodes at full size): bound the pool with HEIC in mind.

Order of work, each step chosen for safety first and speed second:

1. Sniff the real type from the first bytes (``sniff``); anything but JPEG, PNG, WebP or HEIC is refused,
   whatever the file name or the declared content type claim.
2. ``Image.open`` reads only the header. The pixel count and the edges are checked there, before a single
   pixel is decoded. Pillow's own decompression-bomb error (and its warning, turned into an error for
   ``PIL.Image`` at import) is reported as ``ImageTooLarge`` too.
3. GPS position, capture time and orientation are read from EXIF before anything else touches the image.
   Hostile values (zero denominators, out-of-range angles, garbled dates) give ``None``, never a crash.
   A GPS fix of exactly (0, 0) or a GPSStatus of "V" (void) counts as absent.
4. JPEG is decoded at a reduced DCT scale (``draft``: 1/2, 1/4 or 1/8, the smallest whose long edge is
   still at least 15/16 of ``display_edge``): this is the main speed and memory win. The 15/16 slack is
   what lets the common 12 MP photo (4000×3000, 4032×3024) decode at half scale (4000 → 2000 px rather
   than 2048). So the display long edge of a large JPEG lies between 15/16 × ``display_edge`` and
   ``display_edge``; other formats are resized to exactly ``display_edge``. Nothing is ever upscaled.
5. Convert to 8-bit RGB: palette, grey, 16-bit grey (scaled, not clipped), alpha (flattened on white),
   CMYK. (16-bit colour PNG and 10-bit HEIC arrive as 8-bit from Pillow and pillow_heif.)
6. Colour: an embedded ICC profile of an RGB image that is not sRGB (Display P3 on iPhones) is converted
   to sRGB on the resized image, then dropped; the output carries no profile and is sRGB by convention.
   Profiles of other modes, and broken profiles, are dropped without conversion.
7. Apply the EXIF orientation on the small image (cheaper than rotating the original).
8. The thumbnail is made from the oriented display copy, not from the original: the original is
   resampled once, for the display copy (and not at all when the DCT scale already fits). Lanczos
   after a box ``reduce`` to within 1.5× of the thumbnail edge: about 5 ms from a 2000 px display
   copy, against 7 ms with a gap of 2 and 27 ms for a plain Lanczos; 47 dB PSNR against a Lanczos of
   the full-size original, far above what the q78 encoder keeps.
9. Encode both renditions from an image whose ``info`` is emptied: no EXIF, XMP, ICC, comment or GPS
   ever leaves here. Baseline JPEG, 4:2:0 chroma. Display: quality 84 with libjpeg's standard Huffman
   tables; optimised tables would save about 6 % of the bytes but double the encoder's CPU (a second
   pass over every coefficient: +12 ms on a 3 MP image), and quality 84 without them is as large as
   85 with them (bench/README.md, "Photo pipeline"). Thumbnail: quality 78 with optimised tables (they
   cost a fraction of a millisecond at 320 px). The encoder is deterministic, so with the same Pillow
   and libjpeg-turbo the same bytes give the same renditions and the same hashes (callers name files by
   these hashes).

Truncated files are errors (``CorruptImage``): ``ImageFile.LOAD_TRUNCATED_IMAGES`` is never enabled
(it is process-wide: nothing else in the process may enable it either).
"""

from __future__ import annotations

import hashlib
import io
import math
import os
import re
import struct
import warnings
import zlib
from datetime import datetime, timedelta, timezone
from functools import lru_cache
from typing import IO, BinaryIO, Final

import msgspec
from PIL import Image, ImageCms, ImageFile, UnidentifiedImageError
from PIL.TiffImagePlugin import IFDRational

from media.errors import CorruptImage, ImageTooLarge, UnsupportedImageType

# Pillow warns between MAX_IMAGE_PIXELS and twice that, and raises above. We want an error in both cases;
# the pixel limit of ``process_image`` is checked anyway right after the header is read.
warnings.filterwarnings("error", category=Image.DecompressionBombWarning, module=r"PIL\.Image")

__all__ = [
    "DEFAULT_MAX_PIXELS",
    "DISPLAY_QUALITY",
    "THUMB_QUALITY",
    "ProcessedImage",
    "Rendition",
    "process_image",
    "sniff",
]

DEFAULT_MAX_PIXELS: Final = 40_000_000
# No supported encoder writes a longer edge than JPEG's 65,535 px; a PNG that claims more is absurd.
MAX_EDGE: Final = 65_535
# A reduced-scale JPEG decode is accepted down to this fraction of the display edge (see step 4).
DRAFT_MIN_FRACTION: Final = 15 / 16
# JPEG quality of the renditions (step 9).
DISPLAY_QUALITY: Final = 84
THUMB_QUALITY: Final = 78
# Lanczos resampling after a box reduce to within this factor of the target (Pillow's reducing_gap):
# the display keeps 2 (it is the picture people look at); the thumbnail, made from the display, 1.5.
DISPLAY_REDUCING_GAP: Final = 2.0
THUMB_REDUCING_GAP: Final = 1.5

_JPEG: Final = "image/jpeg"
_PNG: Final = "image/png"
_WEBP: Final = "image/webp"
_HEIC: Final = "image/heic"

# Pillow format names that each sniffed type may open as (MPO: multi-picture JPEG from some cameras).
_PIL_FORMATS: Final[dict[str, tuple[str, ...]]] = {
    _JPEG: ("JPEG", "MPO"),
    _PNG: ("PNG",),
    _WEBP: ("WEBP",),
    _HEIC: ("HEIF",),
}
_HEVC_BRANDS: Final = frozenset({b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"hevm", b"hevs"})
_GENERIC_HEIF_BRANDS: Final = frozenset({b"mif1", b"msf1", b"mif2"})

_SNIFF_BYTES: Final = 64
_HASH_CHUNK: Final = 1 << 20

# EXIF tags.
_TAG_ORIENTATION: Final = 0x0112
_IFD_EXIF: Final = 0x8769
_IFD_GPS: Final = 0x8825
_TAG_DATETIME_ORIGINAL: Final = 0x9003
_TAG_OFFSET_TIME_ORIGINAL: Final = 0x9011
_TAG_SUBSEC_TIME_ORIGINAL: Final = 0x9291
_GPS_LAT_REF: Final = 1
_GPS_LAT: Final = 2
_GPS_LON_REF: Final = 3
_GPS_LON: Final = 4
_GPS_STATUS: Final = 9

_TRANSPOSE: Final[dict[int, Image.Transpose]] = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}

# What Pillow and its plugins raise on bad data, besides their own exception classes.
_DECODE_ERRORS: Final = (OSError, SyntaxError, ValueError, EOFError, IndexError, struct.error, zlib.error)

_DATETIME_RE: Final = re.compile(r"(\d{4})[:\-](\d{2})[:\-](\d{2})[ T](\d{2}):(\d{2}):(\d{2})")
_OFFSET_RE: Final = re.compile(r"([+-])(\d{2}):?(\d{2})")


class Rendition(msgspec.Struct, frozen=True):
    """An encoded derivative. ``sha256`` is the hex digest of ``data``."""

    data: bytes
    sha256: str
    width: int
    height: int
    content_type: str = _JPEG


class ProcessedImage(msgspec.Struct, frozen=True):
    """What the pipeline learnt from an upload and the clean renditions made from it."""

    content_type: str
    width: int
    height: int
    taken_at: datetime | None
    exif_location: tuple[float, float] | None
    original_sha256: str
    display: Rendition
    thumbnail: Rendition


def sniff(head: bytes) -> str | None:
    """Content type from magic bytes (the first 32 are enough), or None if not one we accept."""
    if head.startswith(b"\xff\xd8\xff"):
        return _JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return _PNG
    if len(head) >= 12 and head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return _WEBP
    if len(head) >= 12 and head[4:8] == b"ftyp":
        major = head[8:12]
        if major in _HEVC_BRANDS:
            return _HEIC
        if major in _GENERIC_HEIF_BRANDS:
            # Generic HEIF (mif1) is also used by AVIF: require an HEVC brand among the compatible ones.
            box_end = min(len(head), int.from_bytes(head[:4], "big"))
            compatible = {head[i : i + 4] for i in range(16, box_end - 3, 4)}
            if compatible & _HEVC_BRANDS:
                return _HEIC
    return None


def process_image(
    source: BinaryIO | str | os.PathLike[str],
    *,
    max_pixels: int = DEFAULT_MAX_PIXELS,
    display_edge: int = 2048,
    thumb_edge: int = 320,
    quality: int = DISPLAY_QUALITY,
    thumb_quality: int = THUMB_QUALITY,
) -> ProcessedImage:
    """Sniff, check, read metadata, orient, strip and render one uploaded image.

    ``source`` is a path or a binary file object read from its current position (one that is not
    seekable, or not at offset 0, is read into memory first). ``quality`` is the display copy's JPEG
    quality, ``thumb_quality`` the thumbnail's. Raises a ``MediaError`` subclass.
    """
    if display_edge < 1 or thumb_edge < 1 or max_pixels < 1:
        raise ValueError("display_edge, thumb_edge and max_pixels must be positive")
    if not (1 <= quality <= 100 and 1 <= thumb_quality <= 100):
        raise ValueError("quality and thumb_quality must be between 1 and 100")
    qualities = (quality, thumb_quality)
    if isinstance(source, str | os.PathLike):
        with open(source, "rb") as fp:
            return _process_stream(fp, max_pixels, display_edge, thumb_edge, qualities)
    return _process_stream(source, max_pixels, display_edge, thumb_edge, qualities)


def _process_stream(
    fp: IO[bytes], max_pixels: int, display_edge: int, thumb_edge: int, qualities: tuple[int, int]
) -> ProcessedImage:
    fp, original_sha256 = _hash_and_rewind(fp)
    start = fp.tell()
    content_type = sniff(fp.read(_SNIFF_BYTES))
    fp.seek(start)
    if content_type is None:
        raise UnsupportedImageType("not a JPEG, PNG, WebP or HEIC image")

    im = _open(fp, content_type)
    width, height = im.size
    if width < 1 or height < 1:
        raise CorruptImage(f"image has no pixels ({width}×{height})")
    if width > MAX_EDGE or height > MAX_EDGE:
        raise ImageTooLarge(f"image is {width}×{height}; no edge may exceed {MAX_EDGE} pixels")
    if width * height > max_pixels:
        raise ImageTooLarge(f"image is {width}×{height} pixels; the limit is {max_pixels} pixels")

    exif = _read_exif(im)
    orientation = _orientation(exif)
    taken_at = _capture_time(exif)
    location = _gps_location(exif)
    icc = im.info.get("icc_profile")

    swapped = orientation in (5, 6, 7, 8)
    oriented_w, oriented_h = (height, width) if swapped else (width, height)

    if im.format in ("JPEG", "MPO"):
        scale = _draft_scale(width, height, display_edge)
        if scale > 1:
            im.draft("RGB", (width // scale, height // scale))
    try:
        im.load()
        rgb = _to_rgb(im)
    except Image.DecompressionBombError as exc:
        raise ImageTooLarge(str(exc)) from exc
    except _DECODE_ERRORS as exc:
        raise CorruptImage(f"cannot decode image: {exc}") from exc

    display = _fit(rgb, display_edge, DISPLAY_REDUCING_GAP)
    del rgb, im  # free the decoded original before encoding
    if isinstance(icc, bytes) and icc:
        display = _to_srgb(display, icc)
    if orientation in _TRANSPOSE:
        display = display.transpose(_TRANSPOSE[orientation])
    thumb = _fit(display, thumb_edge, THUMB_REDUCING_GAP)  # from the display copy: one resample

    return ProcessedImage(
        content_type=content_type,
        width=oriented_w,
        height=oriented_h,
        taken_at=taken_at,
        exif_location=location,
        original_sha256=original_sha256,
        display=_encode_jpeg(display, qualities[0], optimize=False),
        thumbnail=_encode_jpeg(thumb, qualities[1], optimize=True),
    )


def _hash_and_rewind(fp: IO[bytes]) -> tuple[IO[bytes], str]:
    """SHA-256 of the rest of the stream, and a stream of that rest positioned at offset 0."""
    digest = hashlib.sha256()
    seekable = False
    try:
        seekable = fp.seekable()
    except (AttributeError, OSError, ValueError):
        seekable = False
    start = fp.tell() if seekable else 0
    if not seekable or start != 0:
        # Pillow seeks to absolute offsets from 0: give it a stream that starts with the image.
        data = fp.read()
        digest.update(data)
        return io.BytesIO(data), digest.hexdigest()
    while chunk := fp.read(_HASH_CHUNK):
        digest.update(chunk)
    fp.seek(start)
    return fp, digest.hexdigest()


@lru_cache(maxsize=1)
def _register_heif() -> None:
    """pillow_heif's opener, registered with Pillow at the first HEIC (4.7 MB that a process without one spares)."""
    import pillow_heif

    pillow_heif.register_heif_opener()


def _open(fp: IO[bytes], content_type: str) -> ImageFile.ImageFile:
    formats = _PIL_FORMATS[content_type]
    if content_type == _HEIC:
        _register_heif()
    try:
        im = Image.open(fp, formats=[f for f in formats if f != "MPO"])
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise ImageTooLarge(str(exc)) from exc
    except (UnidentifiedImageError, *_DECODE_ERRORS) as exc:
        raise CorruptImage(f"cannot read image header: {exc}") from exc
    if im.format not in formats:
        im.close()
        raise UnsupportedImageType(f"content is {im.format}, not {content_type}")
    return im


def _draft_scale(width: int, height: int, display_edge: int) -> int:
    """The largest JPEG DCT scale (1/8, 1/4, 1/2) whose result is still big enough for the display."""
    long_edge = max(width, height)
    if long_edge <= display_edge:
        return 1
    floor = display_edge * DRAFT_MIN_FRACTION
    for scale in (8, 4, 2):
        if -(-long_edge // scale) >= floor:
            return scale
    return 1


def _fit(im: Image.Image, edge: int, reducing_gap: float) -> Image.Image:
    """Shrink so the long edge is at most ``edge`` (never enlarge). Returns ``im`` itself if it fits."""
    width, height = im.size
    long_edge = max(width, height)
    if long_edge <= edge:
        return im
    ratio = edge / long_edge
    size = (max(1, round(width * ratio)), max(1, round(height * ratio)))
    return im.resize(size, Image.Resampling.LANCZOS, reducing_gap=reducing_gap)


def _to_rgb(im: Image.Image) -> Image.Image:
    """8-bit RGB, alpha flattened on white, 16-bit grey scaled rather than clipped."""
    mode = im.mode
    if mode == "RGB":
        return im
    if mode in ("I;16", "I;16L", "I;16B", "I;16N", "I"):
        # 16-bit grey: Pillow's I→L conversion clips at 255; scale to 8 bits instead.
        im = im.convert("I").point(lambda v: v * (1 / 256)).convert("L")
        return im.convert("RGB")
    if mode == "F":
        return im.convert("L").convert("RGB")
    if mode == "PA" or (mode == "P" and "transparency" in im.info):
        im = im.convert("RGBA")
    if im.mode in ("RGBA", "LA", "RGBa", "La"):
        rgba = im.convert("RGBA")
        background = Image.new("RGB", rgba.size, (255, 255, 255))
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return im.convert("RGB")


_SRGB_PROFILE: Final = ImageCms.createProfile("sRGB")


@lru_cache(maxsize=16)
def _srgb_transform(icc: bytes) -> ImageCms.ImageCmsTransform | None:
    """A transform from the embedded profile to sRGB, or None when it is sRGB already or unusable."""
    try:
        profile = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        description = ImageCms.getProfileDescription(profile) or ""
        if "srgb" in description.lower():
            return None
        return ImageCms.buildTransform(
            profile, _SRGB_PROFILE, "RGB", "RGB", renderingIntent=ImageCms.Intent.PERCEPTUAL
        )
    except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
        return None


def _to_srgb(im: Image.Image, icc: bytes) -> Image.Image:
    transform = _srgb_transform(icc)
    if transform is None or im.mode != "RGB":
        return im
    try:
        return transform.apply(im)
    except (ImageCms.PyCMSError, OSError, ValueError):
        return im


def _encode_jpeg(im: Image.Image, quality: int, *, optimize: bool) -> Rendition:
    """Encode as baseline 4:2:0 JPEG with no metadata at all (``info`` is emptied: no comment, ICC, EXIF)."""
    if im.mode != "RGB":
        im = im.convert("RGB")
    im.info = {}
    buf = io.BytesIO()
    im.save(buf, format="JPEG", quality=quality, optimize=optimize, subsampling="4:2:0")
    data = buf.getvalue()
    width, height = im.size
    return Rendition(data=data, sha256=hashlib.sha256(data).hexdigest(), width=width, height=height)


# --- metadata ---------------------------------------------------------------------------------------


def _read_exif(im: Image.Image) -> Image.Exif | None:
    try:
        return im.getexif()
    except Exception:  # hostile EXIF must not stop the upload; it only loses its metadata
        return None


def _orientation(exif: Image.Exif | None) -> int:
    if exif is None:
        return 1
    try:
        value = exif.get(_TAG_ORIENTATION, 1)
    except Exception:
        return 1
    return value if isinstance(value, int) and 1 <= value <= 8 else 1


def _ifd(exif: Image.Exif, tag: int) -> dict[int, object]:
    try:
        ifd = exif.get_ifd(tag)
    except Exception:
        return {}
    return dict(ifd) if isinstance(ifd, dict) else {}


def _text(value: object) -> str | None:
    if isinstance(value, bytes):
        value = value.decode("ascii", "replace")
    if isinstance(value, tuple | list) and len(value) == 1:
        return _text(value[0])
    if not isinstance(value, str):
        return None
    return value.strip("\x00 \t\r\n")


def _capture_time(exif: Image.Exif | None) -> datetime | None:
    """DateTimeOriginal, aware when OffsetTimeOriginal is valid, naive otherwise; None if garbled."""
    if exif is None:
        return None
    tags = _ifd(exif, _IFD_EXIF)
    text = _text(tags.get(_TAG_DATETIME_ORIGINAL))
    match = _DATETIME_RE.fullmatch(text) if text else None
    if match is None:
        return None
    try:
        year, month, day, hour, minute, second = (int(g) for g in match.groups())
        if year < 1900:
            return None
        taken = datetime(year, month, day, hour, minute, second)  # EXIF time is local: naive
    except ValueError:
        return None
    subsec = _text(tags.get(_TAG_SUBSEC_TIME_ORIGINAL))
    if subsec and subsec.isdigit() and subsec.isascii():
        taken = taken.replace(microsecond=int(subsec[:6].ljust(6, "0")))
    offset = _text(tags.get(_TAG_OFFSET_TIME_ORIGINAL))
    offset_match = _OFFSET_RE.fullmatch(offset) if offset else None
    if offset_match is not None:
        sign, hours, minutes = offset_match.groups()
        delta = timedelta(hours=int(hours), minutes=int(minutes))
        if delta <= timedelta(hours=14) and int(minutes) < 60:
            taken = taken.replace(tzinfo=timezone(-delta if sign == "-" else delta))
    return taken


def _number(value: object) -> float | None:
    """A finite float from an EXIF number or rational; None for zero denominators and garbage."""
    if isinstance(value, IFDRational):
        if value.denominator == 0:
            return None
        number = float(value.numerator) / float(value.denominator)
    elif isinstance(value, int | float) and not isinstance(value, bool):
        number = float(value)
    else:
        return None
    return number if math.isfinite(number) else None


def _dms(value: object, limit: float) -> float | None:
    """Degrees from EXIF (degrees, minutes, seconds) rationals, each part checked; None if invalid."""
    parts = value if isinstance(value, tuple | list) else (value,)
    if not 1 <= len(parts) <= 3:
        return None
    numbers = [_number(p) for p in parts]
    if any(n is None or n < 0 for n in numbers):
        return None
    degrees, minutes, seconds = ([n for n in numbers if n is not None] + [0.0, 0.0])[:3]
    if minutes >= 60 or seconds >= 60:
        return None
    total = degrees + minutes / 60 + seconds / 3600
    return total if total <= limit else None


def _gps_location(exif: Image.Exif | None) -> tuple[float, float] | None:
    """(lat, lon) in WGS-84 from the GPS IFD, or None when absent, void or out of range."""
    if exif is None:
        return None
    gps = _ifd(exif, _IFD_GPS)
    if _GPS_LAT not in gps or _GPS_LON not in gps:
        return None
    if (_text(gps.get(_GPS_STATUS)) or "A").upper() == "V":
        return None
    lat = _dms(gps[_GPS_LAT], 90.0)
    lon = _dms(gps[_GPS_LON], 180.0)
    if lat is None or lon is None:
        return None
    lat_ref = (_text(gps.get(_GPS_LAT_REF)) or "N").upper()
    lon_ref = (_text(gps.get(_GPS_LON_REF)) or "E").upper()
    if lat_ref not in ("N", "S") or lon_ref not in ("E", "W"):
        return None
    if lat == 0.0 and lon == 0.0:
        return None
    return (-lat if lat_ref == "S" else lat), (-lon if lon_ref == "W" else lon)
