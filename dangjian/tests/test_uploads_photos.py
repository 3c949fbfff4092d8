"""Pixel bombs and re-encoded photos (issue 12, finding 5): ``check_photo`` reads the
declared size from the header and refuses more than ``PHOTO_MAX_PIXELS`` before decoding;
what it returns (what is stored) is re-encoded: upright, bounded, without EXIF or GPS."""
import io
import resource
import time

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import ExifTags, Image

from dangjian.testing.bombs import pixel_bomb_png
from dangjian.uploads import check_evidence, check_photo


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def picture(size=(64, 48), fmt="JPEG", mode="RGB", exif=None, **save):
    buffer = io.BytesIO()
    image = Image.new(mode, size, (200, 30, 30, 128)[: len(mode)] if mode != "P" else 1)
    image.save(buffer, format=fmt, **({"exif": exif} if exif is not None else {}), **save)
    return buffer.getvalue()


def gps_exif(orientation=6):
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = orientation
    exif[ExifTags.Base.Make] = "手机厂商"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (40.0, 7.0, 30.0)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (124.0, 23.0, 10.0)
    return exif


@pytest.mark.parametrize("width, height", [(12_000, 12_000), (20_000, 20_000)], ids=["144MP", "400MP"])
def test_a_pixel_bomb_is_refused_from_its_header(width, height):
    data = pixel_bomb_png(width, height)
    assert len(data) < 64 * 1024  # a tiny file
    before, started = peak_rss_mb(), time.monotonic()
    with pytest.raises(ValidationError) as exc:
        check_photo(SimpleUploadedFile("bomb.png", data))
    assert time.monotonic() - started < 1
    assert peak_rss_mb() - before < 32
    assert exc.value.message_dict["photo"] == [
        f"照片像素过多（{width}×{height}），上限为 40 百万像素，请缩小后再上传。"]


def test_the_pixel_cap_is_a_setting(settings):
    settings.PHOTO_MAX_PIXELS = 1000
    with pytest.raises(ValidationError, match="照片像素过多（64×48），上限为 0 百万像素"):
        check_photo(SimpleUploadedFile("a.jpg", picture()))


def test_exif_and_gps_are_stripped_and_orientation_applied():
    data = picture((64, 48), exif=gps_exif(orientation=6))
    assert Image.open(io.BytesIO(data)).getexif().get_ifd(ExifTags.IFD.GPSInfo)  # the upload has a position
    stored = check_photo(SimpleUploadedFile("现场.jpg", data))
    raw = stored.read()
    assert b"Exif" not in raw and "手机厂商".encode() not in raw
    image = Image.open(io.BytesIO(raw))
    assert image.format == "JPEG" and not image.getexif() and "exif" not in image.info
    assert image.size == (48, 64)  # rotated upright (orientation 6), the tag gone with the rest
    assert stored.name.endswith(".jpg") and "现场" not in stored.name


def test_png_text_chunks_are_dropped_and_transparency_kept():
    from PIL.PngImagePlugin import PngInfo

    info = PngInfo()
    info.add_text("Comment", "家住3号楼2单元")
    stored = check_photo(SimpleUploadedFile("a.png", picture(fmt="PNG", mode="RGBA", pnginfo=info)))
    image = Image.open(stored)
    assert image.format == "PNG" and image.mode == "RGBA" and "Comment" not in image.info
    assert stored.name.endswith(".png")


def test_webp_becomes_jpeg_and_large_pictures_are_bounded(settings):
    settings.PHOTO_MAX_SIDE = 100
    stored = check_photo(SimpleUploadedFile("a.webp", picture((400, 200), fmt="WEBP")))
    image = Image.open(stored)
    assert image.format == "JPEG" and image.size == (100, 50)


def test_evidence_pictures_go_through_the_same_check():
    with pytest.raises(ValidationError) as exc:
        check_evidence(SimpleUploadedFile("佐证.png", pixel_bomb_png()))
    assert "照片像素过多" in exc.value.message_dict["evidence"][0]
    stored = check_evidence(SimpleUploadedFile("佐证.jpg", picture(exif=gps_exif())))
    assert b"Exif" not in stored.read()
