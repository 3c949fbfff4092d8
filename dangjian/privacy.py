"""Masking of personal data for display.  Pure functions, no database."""

import re


def mask_phone(value: str) -> str:
    digits = "".join(ch for ch in value or "" if ch.isdigit())
    if not digits:
        return ""
    if len(digits) <= 4:
        return "*" * len(digits)
    if len(digits) >= 11:
        return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]
    return "*" * (len(digits) - 4) + digits[-4:]


def mask_id_number(value: str) -> str:
    value = (value or "").strip().upper()
    if not value:
        return ""
    if len(value) <= 8:
        return "*" * len(value)
    return value[:4] + "*" * (len(value) - 8) + value[-4:]


ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"


def id_number_check_digit(first17: str) -> str:
    return ID_CHECK[sum(int(d) * w for d, w in zip(first17, ID_WEIGHTS)) % 11]


def is_valid_id_number(value: str) -> bool:
    """Resident ID number per GB 11643-1999: 17 digits and a check character."""
    value = (value or "").strip().upper()
    if len(value) != 18 or not value[:17].isdigit():
        return False
    return id_number_check_digit(value[:17]) == value[17]


def is_valid_mobile(value: str) -> bool:
    digits = (value or "").strip()
    return len(digits) == 11 and digits.isdigit() and digits[0] == "1" and digits[1] in "3456789"


# ------------------------------------------------------------------------- public text
# Runs of digits (with the separators people type inside numbers) that look like a mainland
# mobile or landline number, or a resident ID number; matched where no other digit touches them.
_ID_PATTERN = re.compile(r"(?<![0-9A-Za-z])\d{6}[ -]?(?:\d{4}[ -]?\d{4}[ -]?\d{3}[\dXx]|\d{8}[\dXx])(?![0-9A-Za-z])"
                         r"|(?<!\d)\d{17}[\dXx](?![0-9A-Za-z])")
_PHONE_PATTERN = re.compile(
    r"(?<!\d)(?:\+?86[ -]?)?1[3-9]\d[ -]?\d{4}[ -]?\d{4}(?!\d)"  # mobile, with or without +86 and separators
    r"|(?<!\d)0\d{2,3}[ -]?\d{7,8}(?!\d)"                          # landline with its area code
    r"|(?<![\d-])\d{7,8}(?![\d-])"                                 # a bare 7–8 digit local number
)


def _mask_match(match) -> str:
    text = match.group(0)
    digits = [i for i, ch in enumerate(text) if ch.isdigit() or ch in "Xx"]
    keep = set(digits[:3] + digits[-4:]) if len(digits) >= 11 else set(digits[-2:])
    return "".join(ch if (i in keep or i not in digits) else "*" for i, ch in enumerate(text))


def mask_public_text(value) -> str:
    """Free text for a public page or API (the wish wall, Open311, a status page): ID numbers
    and phone numbers a resident typed into it are masked (``138****5678``), the rest is kept.
    Every public rendering of residents' text goes through this."""
    text = str(value or "")
    if not any(ch.isdigit() for ch in text):
        return text
    return _PHONE_PATTERN.sub(_mask_match, _ID_PATTERN.sub(_mask_match, text))
