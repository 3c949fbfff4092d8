from __future__ import annotations

import os
import secrets
import uuid
import zipfile

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

PHOTO_MAX_BYTES = 5 * 1024 * 1024
PHOTO_EXTENSIONS = ("jpg", "jpeg", "png", "webp")
PHOTO_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}


# ------------------------------------------------------------------------- photos
def check_photo(photo):
    """Refuse anything but a real JPEG, PNG or WebP picture of at most 5 MB.

    The size and extension are checked first, then the content is decoded with Pillow;
    the file is renamed to a random name with the extension of its real format."""
    from PIL import Image, UnidentifiedImageError

    size = getattr(photo, "size", None)
    if size is None or size > PHOTO_MAX_BYTES:
        raise ValidationError({"photo": _("照片不能超过 %(mb)d MB。") % {"mb": PHOTO_MAX_BYTES // (1024 * 1024)}})
    if size == 0:
        raise ValidationError({"photo": _("照片文件是空的。")})
    ext = os.path.splitext(getattr(photo, "name", "") or "")[1].lower().lstrip(".")
    if ext not in PHOTO_EXTENSIONS:
        raise ValidationError({"photo": _("照片只能是 JPG、PNG 或 WebP 格式（文件扩展名为 %(exts)s）。") % {
            "exts": "、".join(PHOTO_EXTENSIONS)}})
    try:
        photo.seek(0)
        with Image.open(photo) as image:
            fmt = image.format
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise ValidationError({"photo": _("文件内容不是有效的图片，请上传 JPG、PNG 或 WebP 照片。")}) from None
    finally:
        photo.seek(0)
    if fmt not in PHOTO_FORMATS:
        raise ValidationError({"photo": _("照片只能是 JPG、PNG 或 WebP 格式（上传的是 %(fmt)s）。") % {"fmt": fmt or "?"}})
    photo.name = f"{uuid.uuid4().hex}.{PHOTO_FORMATS[fmt]}"
    return photo


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
