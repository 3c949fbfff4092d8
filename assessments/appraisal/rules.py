"""The pure rules of 民主评议党员 (no database), each with its message.

* ``grade_refusal`` — an in-service member (在职党员) who has not reported to their
  residence community (双报到: no report valid on any day of the appraisal year) cannot be
  graded 合格 or above (DOMAIN "Organizational life": "a member who never registered (报到)
  cannot be rated 合格 or above", Foshan).  A member absent from the meeting can still be
  graded (with a note).
* ``note_refusal`` — 基本合格 and 不合格 need a note stating the facts.
* ``excellent_refusal`` — 优秀 at most one third of the members appraised (DOMAIN "Rules in
  detail": 民主评议), the share a setting (``APPRAISAL_EXCELLENT_MAX_SHARE``, a fraction).
"""
from __future__ import annotations

from fractions import Fraction

from django.conf import settings
from django.utils.translation import gettext as _

from assessments.appraisal.choices import NOTE_REQUIRED, QUALIFIED_OR_ABOVE, Grade

DEFAULT_EXCELLENT_MAX_SHARE = Fraction(1, 3)
NOTE_MAX = 300


def excellent_max_share() -> Fraction:
    return Fraction(str(getattr(settings, "APPRAISAL_EXCELLENT_MAX_SHARE", DEFAULT_EXCELLENT_MAX_SHARE)))


def grade_refusal(*, name: str, grade: str, in_service: bool, reported: bool, year: int) -> str | None:
    """Why ``grade`` cannot be given to this member, or None when it can."""
    if grade in QUALIFIED_OR_ABOVE and in_service and not reported:
        return _(
            "%(name)s是在职党员，%(year)d 年未到居住地社区报到（双报到），不能评为“%(grade)s”：未报到的在职党员不能评为合格及以上等次，"
            "只能评为“基本合格”或“不合格”。"
        ) % {"name": name, "year": year, "grade": Grade(grade).label}
    return None


def note_refusal(*, name: str, grade: str, note: str) -> str | None:
    if grade in NOTE_REQUIRED and not (note or "").strip():
        return _("%(name)s评为“%(grade)s”，须填写评议说明（具体事实和改进要求）。") % {"name": name, "grade": Grade(grade).label}
    if len(note or "") > NOTE_MAX:
        return _("评议说明不能超过 %(n)d 个字。") % {"n": NOTE_MAX}
    return None


def excellent_cap(members: int, share: Fraction | None = None) -> int:
    """The most 优秀 grades among ``members`` appraised (rounded down)."""
    share = excellent_max_share() if share is None else share
    return int(Fraction(members) * share)


def excellent_refusal(*, excellent: int, members: int, share: Fraction | None = None) -> str | None:
    share = excellent_max_share() if share is None else share
    cap = excellent_cap(members, share)
    if excellent > cap:
        return _("评为“优秀”的有 %(n)d 人，超过参加评议党员（%(m)d 人）的 %(share)s，最多 %(cap)d 人。") % {
            "n": excellent, "m": members, "share": _share_label(share), "cap": cap}
    return None


def _share_label(share: Fraction) -> str:
    if share == Fraction(1, 3):
        return _("三分之一")
    return f"{float(share) * 100:.0f}%"


def share_percent(part: int, whole: int) -> int | None:
    return round(100 * part / whole) if whole else None
