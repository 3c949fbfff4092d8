"""Masking of personal data for display.  Pure functions, no database."""


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
