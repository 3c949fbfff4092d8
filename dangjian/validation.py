"""Field checks shared by every app's actions (the messages are the same everywhere)."""
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


def check_text(errors: dict, name: str, value, maximum: int, *, required=True, empty_message=None) -> str:
    """The stripped text, or a message in ``errors[name]`` when it is missing or too long."""
    value = (value or "").strip()
    if required and not value:
        errors[name] = empty_message or _("此项必填。")
    elif len(value) > maximum:
        errors[name] = _("不能超过 %(n)d 个字。") % {"n": maximum}
    return value


def text_or_error(name: str, value, maximum: int, **kwargs) -> str:
    """``check_text`` of one field, raising its message at once."""
    errors = {}
    value = check_text(errors, name, value, maximum, **kwargs)
    if errors:
        raise ValidationError(errors)
    return value
