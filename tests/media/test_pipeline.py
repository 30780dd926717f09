from __future__ import annotations

import hashlib
import io
import struct
import warnings
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from PIL import Image, ImageChops, ImageStat, JpegImagePlugin

from media.errors import CorruptImage, ImageTooLarge, MediaError, UnsupportedImageType
from media.pipeline import (
    DISPLAY_QUALITY,
    THUMB_QUALITY,
    ProcessedImage,
    Rendition,
    process_image,
    sniff,
)
from tests.media import images

# --- helpers ----------------------------------------------------------------------------------------


def run(data: bytes, **kwargs: int) -> ProcessedImage:
    return process_image(io.BytesIO(data), **kwargs)


def reopen(rendition: Rendition) -> Image.Image:
    im = Image.open(io.BytesIO(rendition.data))
    im.load()
    return im


def jpeg_segments(data: bytes) -> list[int]:
    """Marker bytes of every segment before the scan (APPn, COM, DQT ...)."""
    assert data[:2] == b"\xff\xd8"
    markers: list[int] = []
    pos = 2
    while pos < len(data):
        assert data[pos] == 0xFF
        marker = data[pos + 1]
        markers.append(marker)
        if marker == 0xDA:  # start of scan: metadata can only come before it
            break
        (length,) = struct.unpack(">H", data[pos + 2 : pos + 4])
        pos += 2 + length
    return markers


def assert_clean(rendition: Rendition) -> None:
    """No EXIF, XMP, ICC, comment, nor any GPS trace in a rendition."""
    assert rendition.content_type == "image/jpeg"
    assert rendition.sha256 == hashlib.sha256(rendition.data).hexdigest()
    im = reopen(rendition)
    assert im.format == "JPEG"
    assert im.mode == "RGB"
    assert (im.width, im.height) == (rendition.width, rendition.height)
    assert len(im.getexif()) == 0
    for key in ("exif", "xmp", "icc_profile", "comment", "XML:com.adobe.xmp", "mp"):
        assert key not in im.info
    markers = jpeg_segments(rendition.data)
    # Only APP0 (JFIF) is allowed among APPn; no COM (0xFE) at all.
    assert [m for m in markers if 0xE0 <= m <= 0xEF] == [0xE0]
    assert 0xFE not in markers
    for needle in (b"Exif", b"adobe:ns:meta", b"GPS", b"WGS-84", b"CityLoopCam", b"13800138000"):
        assert needle not in rendition.data


def colour_at(im: Image.Image, xy: tuple[float, float]) -> str:
    """'red', 'blue' or 'other' at a relative position."""
    x = min(im.width - 1, int(xy[0] * im.width))
    y = min(im.height - 1, int(xy[1] * im.height))
    pixel = im.getpixel((x, y))
    assert isinstance(pixel, tuple)
    r, g, b = pixel[:3]
    if r > 180 and g < 80 and b < 80:
        return "red"
    if b > 180 and r < 80 and g < 80:
        return "blue"
    return "other"


def halves(rendition: Rendition) -> tuple[str, str, str, str]:
    """Colours at the middle of the left, right, top and bottom halves."""
    im = reopen(rendition)
    return (
        colour_at(im, (0.1, 0.5)),
        colour_at(im, (0.9, 0.5)),
        colour_at(im, (0.5, 0.1)),
        colour_at(im, (0.5, 0.9)),
    )


# --- sniffing ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00", "image/jpeg"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "image/png"),
        (b"RIFF\x24\x00\x00\x00WEBPVP8 ", "image/webp"),
        (b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic", "image/heic"),
        (b"\x00\x00\x00\x1cftypmif1\x00\x00\x00\x00mif1heicmiaf", "image/heic"),
        (b"\x00\x00\x00\x1cftypavif\x00\x00\x00\x00avifmif1miaf", None),
        (b"\x00\x00\x00\x1cftypmif1\x00\x00\x00\x00mif1avifmiaf", None),
        (b"\x00\x00\x00\x18ftypisom\x00\x00\x00\x00isommp41", None),
        (b"GIF89a\x01\x00\x01\x00", None),
        (b"RIFF\x24\x00\x00\x00WAVEfmt ", None),
        (b"%PDF-1.7\n", None),
        (b"Dear city", None),
        (b"", None),
        (b"\xff\xd8", None),
    ],
)
def test_sniff_recognises_only_the_four_types(head: bytes, expected: str | None) -> None:
    assert sniff(head) == expected


@pytest.mark.parametrize(
    ("factory", "expected"),
    [
        (images.phone_jpeg, "image/jpeg"),
        (images.png, "image/png"),
        (images.webp, "image/webp"),
        (images.heic, "image/heic"),
        (images.mpo, "image/jpeg"),
    ],
)
def test_sniff_on_real_encoder_output(factory: object, expected: str) -> None:
    assert callable(factory)
    data = factory()
    assert isinstance(data, bytes)
    assert sniff(data[:32]) == expected


# --- the phone photo ----------------------------------------------------------------------------------


def test_phone_jpeg_metadata_is_read_and_stripped() -> None:
    result = run(images.phone_jpeg((400, 300)))
    assert result.content_type == "image/jpeg"
    assert (result.width, result.height) == (400, 300)
    assert result.exif_location == pytest.approx(images.BEIJING, abs=1e-6)
    assert result.taken_at == datetime(2024, 5, 1, 14, 3, 22, tzinfo=timezone(timedelta(hours=8)))
    assert_clean(result.display)
    assert_clean(result.thumbnail)


def test_original_hash_is_of_the_uploaded_bytes() -> None:
    data = images.phone_jpeg()
    assert run(data).original_sha256 == hashlib.sha256(data).hexdigest()


def test_same_bytes_give_identical_renditions() -> None:
    data = images.phone_jpeg((1200, 900), orientation=6)
    first, second = run(data), run(data)
    assert first == second
    assert first.display.data == second.display.data
    assert first.display.sha256 == second.display.sha256
    assert first.thumbnail.sha256 == second.thumbnail.sha256
    assert first.display.sha256 != first.thumbnail.sha256


def test_path_and_file_object_give_the_same_result(tmp_path: Path) -> None:
    data = images.phone_jpeg()
    path = tmp_path / "upload.bin"
    path.write_bytes(data)
    assert process_image(path) == process_image(str(path)) == run(data)


def test_non_seekable_stream_is_accepted() -> None:
    data = images.phone_jpeg()

    class Pipe(io.RawIOBase):
        def __init__(self) -> None:
            self._inner = io.BytesIO(data)

        def readable(self) -> bool:
            return True

        def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
            chunk = self._inner.read(min(len(buffer), 1000))
            buffer[: len(chunk)] = chunk
            return len(chunk)

    assert process_image(io.BufferedReader(Pipe())) == run(data)


def test_stream_is_read_from_its_current_position() -> None:
    data = images.phone_jpeg()
    stream = io.BytesIO(b"multipart preamble" + data)
    stream.seek(len(b"multipart preamble"))
    assert process_image(stream) == run(data)


# --- orientation --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("orientation", "size", "expected"),
    [
        # (left, right, top, bottom) of the output for a stored image whose left half is red.
        (None, (400, 300), ("red", "blue", "other", "other")),
        (1, (400, 300), ("red", "blue", "other", "other")),
        (2, (400, 300), ("blue", "red", "other", "other")),
        (3, (400, 300), ("blue", "red", "other", "other")),
        (4, (400, 300), ("red", "blue", "other", "other")),
        (5, (300, 400), ("other", "other", "red", "blue")),
        (6, (300, 400), ("other", "other", "red", "blue")),
        (7, (300, 400), ("other", "other", "blue", "red")),
        (8, (300, 400), ("other", "other", "blue", "red")),
    ],
)
def test_exif_orientation_is_applied(
    orientation: int | None, size: tuple[int, int], expected: tuple[str, str, str, str]
) -> None:
    result = run(images.phone_jpeg((400, 300), orientation=orientation))
    assert (result.width, result.height) == size
    assert (result.display.width, result.display.height) == size
    assert halves(result.display) == expected
    assert halves(result.thumbnail) == expected
    assert_clean(result.display)


def test_orientation_applies_to_a_large_photo_decoded_at_reduced_scale() -> None:
    # 4000 × 3000 stored, orientation 6: a 3000 × 4000 portrait; the draft decode halves it.
    data = images.jpeg(image=images.split_image((4000, 3000)), orientation=6, gps=images.gps_ifd())
    result = run(data)
    assert (result.width, result.height) == (3000, 4000)
    assert (result.display.width, result.display.height) == (1500, 2000)
    assert (result.thumbnail.width, result.thumbnail.height) == (240, 320)
    assert halves(result.display)[2:] == ("red", "blue")
    assert result.exif_location == pytest.approx(images.BEIJING, abs=1e-6)


def test_orientation_of_webp() -> None:
    result = run(images.webp(orientation=8))
    assert result.content_type == "image/webp"
    assert (result.width, result.height) == (300, 400)
    assert halves(result.display)[2:] == ("blue", "red")
    assert_clean(result.display)


def test_invalid_orientation_value_is_ignored() -> None:
    result = run(images.phone_jpeg(orientation=42))
    assert (result.width, result.height) == (400, 300)
    assert halves(result.display)[:2] == ("red", "blue")


# --- sizes --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("size", "display", "thumb"),
    [
        ((4000, 3000), (2000, 1500), (320, 240)),  # 1/2 DCT scale, within 15/16 of 2048
        ((3000, 4000), (1500, 2000), (240, 320)),
        ((5000, 3000), (2048, 1229), (320, 192)),  # 1/2 scale gives 2500: resized to 2048
        ((3264, 2448), (2048, 1536), (320, 240)),  # 1/2 scale would give 1632: full decode
        ((8192, 1024), (2048, 256), (320, 40)),  # 1/4 scale gives exactly 2048
        ((2048, 1536), (2048, 1536), (320, 240)),
        ((1000, 750), (1000, 750), (320, 240)),  # never upscaled
        ((200, 100), (200, 100), (200, 100)),
        ((1, 1), (1, 1), (1, 1)),
        ((3000, 10), (2048, 7), (320, 1)),
    ],
)
def test_rendition_sizes(size: tuple[int, int], display: tuple[int, int], thumb: tuple[int, int]) -> None:
    result = run(images.jpeg(image=Image.new("RGB", size, (90, 120, 30)), xmp=False, comment=None))
    assert (result.width, result.height) == size
    assert (result.display.width, result.display.height) == display
    assert (result.thumbnail.width, result.thumbnail.height) == thumb
    assert max(display) <= 2048
    assert max(thumb) <= 320
    assert (reopen(result.display).size, reopen(result.thumbnail).size) == (display, thumb)


def test_png_is_resized_exactly() -> None:
    result = run(images.png(Image.new("RGB", (4000, 3000), (90, 120, 30))))
    assert (result.display.width, result.display.height) == (2048, 1536)
    assert (result.thumbnail.width, result.thumbnail.height) == (320, 240)


def test_custom_edges_and_quality() -> None:
    data = images.jpeg(image=images.noise((1600, 1200)))
    small = run(data, display_edge=800, thumb_edge=100, quality=50)
    assert (small.display.width, small.display.height) == (800, 600)
    assert (small.thumbnail.width, small.thumbnail.height) == (100, 75)
    assert len(small.display.data) < len(run(data, display_edge=800, quality=95).display.data)


# --- one resample per rendition, encoder settings -----------------------------------------------------


def sof_marker(data: bytes) -> int:
    """The start-of-frame marker: 0xC0 baseline, 0xC1 extended, 0xC2 progressive."""
    markers = jpeg_segments(data)
    frames = [m for m in markers if m in (0xC0, 0xC1, 0xC2)]
    assert len(frames) == 1
    return frames[0]


def quant_tables(im: Image.Image) -> dict[int, list[int]]:
    assert isinstance(im, JpegImagePlugin.JpegImageFile)
    return {k: list(v) for k, v in im.quantization.items()}


def quantization_of(quality: int) -> dict[int, list[int]]:
    """The tables Pillow writes at ``quality`` (the same libjpeg scaling whatever the pixels)."""
    buf = io.BytesIO()
    Image.new("RGB", (16, 16), (90, 120, 30)).save(buf, "JPEG", quality=quality)
    buf.seek(0)
    with Image.open(buf) as im:
        return quant_tables(im)


def test_thumbnail_of_a_rotated_large_photo_is_made_from_the_oriented_display_copy() -> None:
    # 4000 × 3000 stored sideways (orientation 6), decoded at 1/2 scale: display 1500 × 2000 portrait;
    # the thumbnail is the display copy shrunk once more, same orientation, same picture, no metadata.
    photo = images.textured_split((4000, 3000))
    data = images.jpeg(image=photo, orientation=6, gps=images.gps_ifd())
    result = run(data)
    display, thumb = reopen(result.display), reopen(result.thumbnail)
    assert (result.width, result.height) == (3000, 4000)
    assert display.size == (result.display.width, result.display.height) == (1500, 2000)
    assert thumb.size == (result.thumbnail.width, result.thumbnail.height) == (240, 320)
    assert max(display.size) <= 2048 and max(thumb.size) == 320
    # Portrait both: the long edge is the height, and the red half (stored left) is on top in both.
    assert halves(result.display) == halves(result.thumbnail) == ("other", "other", "red", "blue")
    # The thumbnail is the display copy, resampled: compare it with a plain Lanczos of the display.
    expected = display.resize(thumb.size, Image.Resampling.LANCZOS)
    diff = ImageStat.Stat(ImageChops.difference(thumb, expected)).mean
    assert max(diff) < 3.0, diff
    assert result.exif_location == pytest.approx(images.BEIJING, abs=1e-6)
    assert_clean(result.display)
    assert_clean(result.thumbnail)


def test_renditions_are_baseline_420_jpeg_at_their_own_quality() -> None:
    result = run(images.jpeg(image=images.textured_split((1600, 1200)), orientation=8))
    for rendition, quality in ((result.display, DISPLAY_QUALITY), (result.thumbnail, THUMB_QUALITY)):
        assert sof_marker(rendition.data) == 0xC0  # baseline, not progressive
        im = reopen(rendition)
        assert JpegImagePlugin.get_sampling(im) == 2  # 4:2:0
        assert quant_tables(im) == quantization_of(quality)
    assert (DISPLAY_QUALITY, THUMB_QUALITY) == (84, 78)


def test_thumbnail_quality_is_its_own_parameter() -> None:
    data = images.jpeg(image=images.noise((1600, 1200)))
    low = run(data, thumb_quality=40)
    high = run(data, thumb_quality=95)
    assert low.display.data == high.display.data  # the display copy does not move
    assert len(low.thumbnail.data) < len(high.thumbnail.data)
    assert quant_tables(reopen(low.thumbnail)) == quantization_of(40)


@pytest.mark.parametrize(
    "kwargs", [{"quality": 0}, {"quality": 101}, {"thumb_quality": 0}, {"thumb_quality": 101}]
)
def test_quality_out_of_range_is_a_programming_error(kwargs: dict[str, int]) -> None:
    with pytest.raises(ValueError, match="quality"):
        run(images.phone_jpeg(), **kwargs)


# --- every accepted format ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("factory", "content_type", "size"),
    [
        (images.png, "image/png", (400, 300)),
        (images.png_rgba, "image/png", (200, 100)),
        (images.png_palette, "image/png", (400, 300)),
        (images.png_la, "image/png", (50, 40)),
        (images.png_gray16, "image/png", (64, 32)),
        (images.webp, "image/webp", (400, 300)),
        (images.heic, "image/heic", (400, 300)),
        (images.mpo, "image/jpeg", (400, 300)),
        (images.cmyk_jpeg, "image/jpeg", (400, 300)),
        (images.grey_jpeg, "image/jpeg", (400, 300)),
    ],
)
def test_formats_and_modes_become_clean_rgb_jpeg(
    factory: object, content_type: str, size: tuple[int, int]
) -> None:
    assert callable(factory)
    result = run(factory())
    assert result.content_type == content_type
    assert (result.width, result.height) == size
    assert_clean(result.display)
    assert_clean(result.thumbnail)


def test_transparency_is_flattened_on_white() -> None:
    display = reopen(run(images.png_rgba()).display)
    assert colour_at(display, (0.1, 0.5)) == "red"
    right = display.getpixel((190, 50))
    assert isinstance(right, tuple)
    assert min(right) > 240


def test_sixteen_bit_grey_is_scaled_not_clipped() -> None:
    pixel = reopen(run(images.png_gray16(40_000)).display).getpixel((10, 10))
    assert isinstance(pixel, tuple)
    assert all(abs(channel - 40_000 // 256) <= 3 for channel in pixel)


def test_png_exif_is_read_and_stripped() -> None:
    result = run(images.png_with_exif())
    assert result.exif_location == pytest.approx(images.BEIJING, abs=1e-6)
    assert result.taken_at == datetime(2023, 12, 31, 23, 59, 59)
    assert (result.width, result.height) == (300, 400)
    assert_clean(result.display)


def test_heic_metadata_and_orientation() -> None:
    result = run(images.heic(orientation=6))
    assert result.content_type == "image/heic"
    assert (result.width, result.height) == (300, 400)
    assert halves(result.display)[2:] == ("red", "blue")
    assert result.exif_location == pytest.approx(images.BEIJING, abs=1e-6)
    assert result.taken_at == datetime(2024, 5, 1, 14, 3, 22, tzinfo=timezone(timedelta(hours=8)))
    assert_clean(result.display)


def test_committed_heic_sample() -> None:
    assert images.SAMPLE_HEIC.stat().st_size < 60_000
    result = process_image(images.SAMPLE_HEIC)
    assert result.content_type == "image/heic"
    assert (result.width, result.height) == (360, 480)  # stored 480 × 360, orientation 6
    assert halves(result.display)[2:] == ("red", "blue")
    assert result.exif_location == pytest.approx(images.BEIJING, abs=1e-6)
    assert result.taken_at == datetime(2024, 5, 1, 14, 3, 22, tzinfo=timezone(timedelta(hours=8)))
    assert_clean(result.display)
    assert_clean(result.thumbnail)


# --- colour -------------------------------------------------------------------------------------------


def test_non_srgb_profile_is_converted_to_srgb() -> None:
    # Red pixels tagged with a profile whose red primary is sRGB's blue must come out blue.
    display = reopen(run(images.tagged_red_jpeg(images.swapped_icc())).display)
    assert colour_at(display, (0.5, 0.5)) == "blue"
    assert "icc_profile" not in display.info


@pytest.mark.parametrize("icc", [images.srgb_icc(), b"not a profile at all"])
def test_srgb_or_broken_profile_leaves_pixels_alone(icc: bytes) -> None:
    display = reopen(run(images.tagged_red_jpeg(icc)).display)
    assert colour_at(display, (0.5, 0.5)) == "red"
    assert "icc_profile" not in display.info


# --- hostile metadata ---------------------------------------------------------------------------------


def test_zero_denominators_mean_no_location() -> None:
    result = run(images.zero_denominator_jpeg())
    assert result.exif_location is None
    assert result.taken_at is not None
    assert_clean(result.display)


@pytest.mark.parametrize(
    ("lat", "lon", "minutes"),
    [(95.0, 116.0, 0.0), (39.0, 200.0, 0.0), (90.0, 116.0, 30.0), (39.0, 116.0, 75.0)],
)
def test_out_of_range_gps_means_no_location(lat: float, lon: float, minutes: float) -> None:
    assert run(images.out_of_range_gps_jpeg(lat, lon, minutes)).exif_location is None


def test_southern_and_western_references() -> None:
    gps = images.gps_ifd(lat=(33, 51, 54.0), lon=(151, 12, 36.0), lat_ref="S", lon_ref="W")
    location = run(images.jpeg(gps=gps)).exif_location
    assert location == pytest.approx((-(33 + 51 / 60 + 54 / 3600), -(151 + 12 / 60 + 36 / 3600)))


@pytest.mark.parametrize(
    "gps",
    [
        images.gps_ifd(lat_ref="X"),
        {**images.gps_ifd(), 9: "V"},  # GPSStatus void
        images.gps_ifd(lat=(0, 0, 0), lon=(0, 0, 0)),  # "null island": no fix
        {**images.gps_ifd(), 2: (images.rational(39, 1),) * 4},  # four parts to an angle
        {1: "N", 3: "E", 4: images.dms((116, 0, 0))},  # no latitude
    ],
)
def test_unusable_gps_means_no_location(gps: dict[int, object]) -> None:
    assert run(images.jpeg(gps=gps)).exif_location is None


@pytest.mark.parametrize(
    ("taken", "offset", "expected"),
    [
        ("2024:05:01 14:03:22", None, datetime(2024, 5, 1, 14, 3, 22)),
        (
            "2024:05:01 14:03:22",
            "-05:30",
            datetime(2024, 5, 1, 14, 3, 22, tzinfo=timezone(-timedelta(hours=5.5))),
        ),
        ("2024:05:01 14:03:22", "garbage", datetime(2024, 5, 1, 14, 3, 22)),
        ("2024:05:01 14:03:22", "+99:00", datetime(2024, 5, 1, 14, 3, 22)),
        ("2024:13:45 99:99:99", "+08:00", None),
        ("0000:00:00 00:00:00", None, None),
        ("    :  :     :  :  ", None, None),
        ("yesterday", None, None),
        ("", None, None),
    ],
)
def test_capture_time(taken: str, offset: str | None, expected: datetime | None) -> None:
    assert run(images.garbled_date_jpeg(taken, offset)).taken_at == expected


def test_subsecond_capture_time() -> None:
    taken_at = run(images.jpeg(subsec="25", offset=None)).taken_at
    assert taken_at == datetime(2024, 5, 1, 14, 3, 22, 250_000)


def test_no_exif_at_all() -> None:
    result = run(images.png())
    assert result.taken_at is None
    assert result.exif_location is None


@pytest.mark.filterwarnings("ignore:Corrupt EXIF data")
def test_garbage_exif_segment_does_not_stop_the_upload() -> None:
    im = images.split_image()
    buf = io.BytesIO()
    im.save(buf, "JPEG", exif=b"Exif\x00\x00II*\x00\xff\xff\xff\x7f" + b"\xab" * 50)
    result = run(buf.getvalue())
    assert result.exif_location is None
    assert result.taken_at is None
    assert_clean(result.display)


# --- refusals -----------------------------------------------------------------------------------------


def test_text_file_named_jpg_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "photo.jpg"
    path.write_bytes(images.text_as_jpeg())
    with pytest.raises(UnsupportedImageType) as caught:
        process_image(path)
    assert caught.value.code == "unsupported_image_type"


def test_declared_type_is_ignored_for_the_sniffed_one(tmp_path: Path) -> None:
    path = tmp_path / "photo.png"  # a JPEG that claims to be a PNG
    path.write_bytes(images.phone_jpeg())
    assert process_image(path).content_type == "image/jpeg"


@pytest.mark.parametrize("factory", [images.gif, images.text_as_jpeg, lambda: b"", lambda: b"\xff\xd8"])
def test_unsupported_types(factory: object) -> None:
    assert callable(factory)
    with pytest.raises(UnsupportedImageType) as caught:
        run(factory())
    assert caught.value.code == "unsupported_image_type"
    assert isinstance(caught.value, MediaError)


@pytest.mark.parametrize(
    "data",
    [
        images.truncated_jpeg(),
        images.truncated_png(),
        b"\xff\xd8\xff\xe0" + b"\x00" * 200,  # JPEG magic, then nothing of a JPEG
        b"\x89PNG\r\n\x1a\n" + b"garbage" * 10,
        b"RIFF\x24\x00\x00\x00WEBPVP8 " + b"\x00" * 30,
        b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x00" * 64,
        images.crafted_png(0, 10),
    ],
    ids=[
        "truncated-jpeg",
        "truncated-png",
        "jpeg-magic",
        "png-magic",
        "webp-magic",
        "heic-magic",
        "png-0x10",
    ],
)
def test_corrupt_images(data: bytes) -> None:
    with pytest.raises(CorruptImage) as caught:
        run(data)
    assert caught.value.code == "corrupt_image"


def test_truncated_jpeg_is_not_padded_even_at_reduced_scale() -> None:
    data = images.jpeg(image=images.noise((4000, 3000)), icc=False)
    with pytest.raises(CorruptImage):
        run(data[: len(data) // 2])


@pytest.mark.filterwarnings("error::PIL.Image.DecompressionBombWarning")
@pytest.mark.parametrize(
    "data",
    [
        images.bomb_png(),
        images.crafted_png(10_000, 10_000),
        images.quiet_bomb_png(),
        images.absurd_png(),
        images.gigantic_png(),
    ],
    ids=["50000x50000", "10000x10000-header", "8000x6000-real", "70000x2", "2^31-1 wide"],
)
def test_too_large_images_are_refused_before_decoding(data: bytes) -> None:
    with pytest.raises(ImageTooLarge) as caught:
        run(data)
    assert caught.value.code == "image_too_large"


@pytest.mark.parametrize("action", ["error", "ignore"])
def test_pillow_bomb_warning_is_our_error_whatever_the_warning_filters(action: str) -> None:
    # 100 MP: between Pillow's warning and error thresholds, over our limit.
    with warnings.catch_warnings():
        warnings.simplefilter(action, Image.DecompressionBombWarning)  # type: ignore[arg-type]
        with pytest.raises(ImageTooLarge):
            run(images.crafted_png(10_000, 10_000))


def test_pixel_limit_is_a_parameter() -> None:
    data = images.phone_jpeg((400, 300))
    with pytest.raises(ImageTooLarge):
        run(data, max_pixels=400 * 300 - 1)
    assert run(data, max_pixels=400 * 300).width == 400


def test_error_codes_are_stable() -> None:
    assert MediaError.code == "media_error"
    assert UnsupportedImageType.code == "unsupported_image_type"
    assert ImageTooLarge.code == "image_too_large"
    assert CorruptImage.code == "corrupt_image"
