from __future__ import annotations

import io
import os
import secrets
import uuid
import warnings
import zipfile

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _

PHOTO_MAX_BYTES = 5 * 1024 * 1024
PHOTO_EXTENSIONS = ("jpg", "jpeg", "png", "webp")
PHOTO_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
PHOTO_MAX_PIXELS = 40_000_000     # decoded pixels (width × height), read from the header
PHOTO_MAX_SIDE = 3000             # the stored photo's longest side
PHOTO_JPEG_QUALITY = 85


def photo_max_pixels() -> int:
    return int(getattr(settings, "PHOTO_MAX_PIXELS", PHOTO_MAX_PIXELS))


def photo_max_side() -> int:
    return int(getattr(settings, "PHOTO_MAX_SIDE", PHOTO_MAX_SIDE))


# ------------------------------------------------------------------------- photos
def _too_many_pixels(width, height):
    return ValidationError({"photo": _("照片像素过多（%(w)d×%(h)d），上限为 %(mp)d 百万像素，请缩小后再上传。") % {
        "w": width, "h": height, "mp": photo_max_pixels() // 1_000_000}})


def _not_a_picture():
    return ValidationError({"photo": _("文件内容不是有效的图片，请上传 JPG、PNG 或 WebP 照片。")})


def check_photo(photo):
    """Refuse anything but a real JPEG, PNG or WebP picture of at most 5 MB and
    ``PHOTO_MAX_PIXELS`` decoded pixels; return what is stored: the picture decoded and
    re-encoded (a new in-memory file with a random name).

    The size and extension are checked first, then the header (format, width × height:
    a 152-byte PNG declaring 144 megapixels is refused before a pixel is decoded), then the
    content is verified and decoded.  The stored copy is upright (the EXIF orientation
    applied), at most ``PHOTO_MAX_SIDE`` pixels on its longest side, and carries no metadata
    at all — no EXIF (GPS position, camera, time), no text chunks: JPEG, or PNG when the
    picture has transparency or came as PNG.  What is stored is exactly what was checked."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    size = getattr(photo, "size", None)
    if size is None or size > PHOTO_MAX_BYTES:
        raise ValidationError({"photo": _("照片不能超过 %(mb)d MB。") % {"mb": PHOTO_MAX_BYTES // (1024 * 1024)}})
    if size == 0:
        raise ValidationError({"photo": _("照片文件是空的。")})
    ext = os.path.splitext(getattr(photo, "name", "") or "")[1].lower().lstrip(".")
    if ext not in PHOTO_EXTENSIONS:
        raise ValidationError({"photo": _("照片只能是 JPG、PNG 或 WebP 格式（文件扩展名为 %(exts)s）。") % {
            "exts": "、".join(PHOTO_EXTENSIONS)}})
    bad = (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError, Image.DecompressionBombError)
    try:
        photo.seek(0)
        with warnings.catch_warnings():  # Pillow warns above 89 MP; the cap below is ours
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = Image.open(photo)  # reads the header only
        with image:
            fmt, (width, height) = image.format, image.size
            if width * height > photo_max_pixels():
                raise _too_many_pixels(width, height)
            if fmt not in PHOTO_FORMATS:
                raise ValidationError({"photo": _("照片只能是 JPG、PNG 或 WebP 格式（上传的是 %(fmt)s）。") % {
                    "fmt": fmt or "?"}})
            image.verify()
        photo.seek(0)
        with Image.open(photo) as image:
            side = photo_max_side()
            if fmt == "JPEG":
                image.draft("RGB", (side, side))  # decode at 1/2, 1/4 or 1/8 scale when that suffices
            image.load()
            clean = ImageOps.exif_transpose(image)
            clean.thumbnail((side, side), Image.Resampling.LANCZOS)
            has_alpha = clean.mode in ("RGBA", "LA", "PA") or (clean.mode == "P" and "transparency" in clean.info)
            out = io.BytesIO()
            if fmt == "PNG" or has_alpha:
                clean = clean.convert("RGBA" if has_alpha else "RGB")
                clean.save(out, format="PNG", optimize=True)
                new_ext = "png"
            else:
                clean.convert("RGB").save(out, format="JPEG", quality=PHOTO_JPEG_QUALITY, optimize=True)
                new_ext = "jpg"
    except Image.DecompressionBombError:
        raise _too_many_pixels(*_declared_size(photo)) from None
    except bad:
        raise _not_a_picture() from None
    finally:
        photo.seek(0)
    return ContentFile(out.getvalue(), name=f"{uuid.uuid4().hex}.{new_ext}")


def _declared_size(photo) -> tuple[int, int]:
    """Width and height from a header Pillow refused to open (past its own bomb limit)."""
    from PIL import Image

    photo.seek(0)
    saved = Image.MAX_IMAGE_PIXELS
    try:
        Image.MAX_IMAGE_PIXELS = None
        with Image.open(photo) as image:
            return image.size
    except Exception:  # noqa: BLE001 — only for the message
        return (0, 0)
    finally:
        Image.MAX_IMAGE_PIXELS = saved
        photo.seek(0)


# ------------------------------------------------------------------------ attachments
def sniff(upload) -> str | None:
    """What the file's bytes say it is: pdf, jpg, png, docx, xlsx, or None."""
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(upload) as archive:
                names = archive.namelist()
        except (zipfile.BadZipFile, OSError):
            return None
        finally:
            upload.seek(0)
        if "[Content_Types].xml" in names:
            if any(n.startswith("word/") for n in names):
                return "docx"
            if any(n.startswith("xl/") for n in names):
                return "xlsx"
    return None

EVIDENCE_MAX_BYTES = 5 * 1024 * 1024
IMAGE_EXTENSIONS = frozenset({"jpg", "jpeg", "png", "webp"})
OOXML_FOLDERS = {"docx": "word/", "xlsx": "xl/", "pptx": "ppt/"}
OLE_EXTENSIONS = frozenset({"doc", "xls", "ppt"})
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
DOCUMENT_EXTENSIONS = frozenset({"pdf", *OOXML_FOLDERS, *OLE_EXTENSIONS})
EVIDENCE_ACCEPT = ".pdf,.doc,.docx,.xls,.xlsx,.ppt,.pptx,.jpg,.jpeg,.png,.webp"


# --------------------------------------------------------------------------- evidence
def _ext(name) -> str:
    return os.path.splitext(str(name or ""))[1].lower().lstrip(".")


def _document_kind(upload) -> str | None:
    """What the bytes say the document is: pdf, docx/xlsx/pptx, ole (old Office), or None."""
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head == OLE_MAGIC:
        return "ole"
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(upload) as archive:
                names = archive.namelist()
        except (zipfile.BadZipFile, OSError):
            return None
        finally:
            upload.seek(0)
        if "[Content_Types].xml" in names:
            for ext, folder in OOXML_FOLDERS.items():
                if any(n.startswith(folder) for n in names):
                    return ext
    return None


def check_evidence(upload):
    """Accept one optional evidence file: a real JPG/PNG/WebP picture, or a PDF or Office
    document whose content matches its extension, of at most 5 MB.  Returns the upload
    renamed to a random name (never a user-chosen name on disk), or None for no file."""
    if not upload:
        return None
    size = getattr(upload, "size", None)
    if size is None or size > EVIDENCE_MAX_BYTES:
        raise ValidationError({"evidence": _("佐证材料不能超过 5 MB：只需上传必要的材料。")})
    if size == 0:
        raise ValidationError({"evidence": _("佐证材料文件是空的。")})
    ext = _ext(getattr(upload, "name", ""))
    if ext in IMAGE_EXTENSIONS:

        try:
            return check_photo(upload)
        except ValidationError as exc:
            raise ValidationError({"evidence": exc.message_dict.get("photo", exc.messages)}) from None
    if ext not in DOCUMENT_EXTENSIONS:
        raise ValidationError({"evidence": _("佐证材料只接受 PDF、Word、Excel、PowerPoint 文件或 JPG、PNG、WebP 图片。")})
    kind = _document_kind(upload)
    expected = "ole" if ext in OLE_EXTENSIONS else ext
    if kind != expected:
        raise ValidationError({"evidence": _("文件内容与扩展名 .%(ext)s 不符，或文件已损坏。") % {"ext": ext}})
    upload.name = f"{secrets.token_hex(12)}.{ext}"
    return upload
