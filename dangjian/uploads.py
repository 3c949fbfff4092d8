import os
import uuid

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
