"""What wishes and requests share on the resident's side (``services.wishes.actions`` and
``services.requests.actions``): the tracking code (made, normalised, looked up, stored
without clashing), and the checks of a resident's submission and rating — texts, the
community and building, the phone, the last four digits that prove the rater is the
requester.  Checks collect their messages into an ``errors`` dict (field → message) that
the caller raises as one ``ValidationError``.
"""

import hmac
import secrets

from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils.translation import gettext as _

from dangjian import trees
from dangjian.errors import PermissionDeniedError
from dangjian.privacy import is_valid_mobile
from dangjian.validation import check_text
from organizations.areas.choices import AreaLevel

CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"  # no 0/O, 1/I/L: easy to read out and type
CODE_LENGTH = 10
CODE_ATTEMPTS = 5


def new_code(rng=None) -> str:
    """A short unguessable tracking code (10 of 31 letters and digits ≈ 50 bits)."""
    choice = rng.choice if rng is not None else secrets.choice
    return "".join(choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


# Open311 names a wish ``W-<code>`` and a request ``R-<code>``; residents and staff paste those too.
CODE_PREFIXES = ("W", "R")


def split_code(code) -> tuple[str, str]:
    """``(prefix, normalised code)``: ``"r-ab12 cd"`` → ``("R", "AB12CD")``; no prefix → ``""``.
    A prefix counts only with its hyphen (the letters W and R occur in codes themselves)."""
    raw = str(code or "").strip().upper()
    prefix = ""
    if len(raw) > 2 and raw[0] in CODE_PREFIXES and raw[1] in "-－":
        prefix, raw = raw[0], raw[2:]
    return prefix, "".join(ch for ch in raw if ch.isalnum())


def normalise_code(code) -> str:
    """A tracking code as stored: upper case, letters and digits only, an Open311 ``W-``/``R-``
    prefix dropped."""
    return split_code(code)[1]


def digits(value) -> str:
    return "".join(ch for ch in str(value or "") if ch.isdigit())


def by_code(queryset, code):
    """The row of ``queryset`` with this tracking code (any case, spaces ignored), or 404."""
    obj = queryset.filter(code=normalise_code(code)).first()
    if obj is None:
        raise Http404
    return obj


def save_with_code(obj, make_code=None):
    """Save a new ``obj`` under a fresh code (``make_code()``, default a tracking code),
    drawing again on the rare clash."""
    for attempt in range(CODE_ATTEMPTS):
        obj.code = make_code() if make_code is not None else new_code()
        try:
            with transaction.atomic():
                obj.save()
            return obj
        except IntegrityError:
            if attempt == CODE_ATTEMPTS - 1 or not type(obj).objects.filter(code=obj.code).exists():
                raise
    return obj


def check_place(errors, community, building, *, building_levels):
    """A community, and the building (one of ``building_levels``) inside it if given."""
    if community is None or getattr(community, "level", None) != AreaLevel.COMMUNITY:
        errors["community"] = _("请选择所在社区。")
    if building is not None and "community" not in errors:
        inside = building.level in building_levels and trees.contains(community, building, include_self=False)
        if not inside:
            errors["building"] = _("楼栋“%(name)s”不在所选社区内。") % {"name": building.name}


def check_contact(errors, *, name, name_max, address, address_max, phone, building, name_required=True,
                  address_required=True, phone_required=True):
    """The requester's name, address and mobile phone; without a building the address is
    required (``address_required``); a phone may be left out when not ``phone_required``
    (Open311, where GeoReport v2 makes it optional), but a given one must be a mobile number.
    Returns the cleaned ``(name, address, phone)``."""
    name = check_text(errors, "name", name, name_max, required=name_required, empty_message=_("请填写姓名。"))
    address = check_text(errors, "address", address, address_max, required=False)
    given = bool(str(phone or "").strip())
    phone = digits(phone)
    if (given or phone_required) and not is_valid_mobile(phone):
        errors["phone"] = _("请填写正确的11位手机号。")
    if address_required and building is None and not address and "address" not in errors:
        errors["address"] = _("请选择楼栋或填写地址。")
    return name, address, phone


def check_rating(errors, obj, *, rating, ratings, comment, comment_max, phone_last4, missing, mismatch):
    """A public rating: one of ``ratings``, an optional comment, and the last four digits of
    the phone ``obj`` was submitted with (``missing`` / ``mismatch``: the messages).
    Returns the cleaned comment."""
    if rating not in ratings:
        errors["rating"] = _("请选择评价。")
    comment = check_text(errors, "comment", comment, comment_max, required=False)
    last4 = digits(phone_last4)
    if len(last4) != 4:
        errors["phone_last4"] = missing
    elif len(obj.requester_phone) < 4 or not hmac.compare_digest(last4, obj.requester_phone[-4:]):
        errors["phone_last4"] = mismatch
    return comment


# ------------------------------------------------------------ contacting the resident
# ``refusal(obj)`` of ``requester_phone_reveal`` answers this for an object out of the actor's scope.
NOT_VISIBLE = object()


def requester_phone_reveal(*, actor, queryset, pk, refusal, channel, ip=None) -> str:
    """The full phone of the resident who submitted row ``pk`` of ``queryset`` (a wish or a
    request), for staff who are to call the resident back; every attempt is logged.

    Lock-check-record: the row is taken with ``select_for_update`` (its status cannot change
    under the check), ``refusal(row)`` says why not (``NOT_VISIBLE`` out of scope, a Chinese
    message when the role or the status does not allow it, ``None`` when allowed), and one
    ``PersonalDataAccess`` row names the actor, the row and the outcome — never the number.
    A missing row is 404 (nothing to log); out of scope 404 as for missing, logged as
    refused; not allowed ``PermissionDeniedError``, logged as refused."""
    from organizations.members.choices import AccessKind
    from organizations.members.models import PersonalDataAccess

    with transaction.atomic():
        obj = queryset.select_for_update(of=("self",)).filter(pk=pk).first()
        if obj is None:
            raise Http404
        why = refusal(obj)
        PersonalDataAccess.objects.create(
            user=actor if getattr(actor, "is_authenticated", False) else None, kind=AccessKind.REVEAL,
            target_type=obj._meta.label_lower, target_id=str(obj.pk), fields="requester_phone",
            refused=why is not None, channel=channel, ip=ip,
        )
    if why is NOT_VISIBLE:
        raise Http404
    if why is not None:
        raise PermissionDeniedError(why)
    return obj.requester_phone


# ----------------------------------------------------------------------------- wishes
NAME_MAX = 50
ADDRESS_MAX = 200
REASON_MAX = 200
NOTE_MAX = 1000
COMMENT_MAX = 500
