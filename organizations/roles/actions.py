"""Writes of people in several roles, committee terms and leader links: lock, check, record,
audit.  ``position_record`` / ``position_end`` keep ``PartyOrg.secretary`` and
``secretary_also_chairs`` (一肩挑) consistent with the positions; ``visit_record`` keeps a
link's ``days_logged`` and ``covered_until``."""
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q, Sum
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian import trees
from dangjian.audit import record
from dangjian.errors import PermissionDeniedError
from organizations.areas.choices import AreaLevel
from organizations.areas.models import Area
from organizations.orgs.choices import OrgCategory
from organizations.orgs.models import PartyOrg
from organizations.roles import permissions, progress
from organizations.roles.choices import BODY_POSTS, CHAIRED_BODIES, Body, LinkKind, Post
from organizations.roles.models import LeaderLink, LeaderVisit, Position
from organizations.roles.selectors import current

REFUSED = _("您无权登记该社区的任职信息。")


def _community_of(area) -> Area | None:
    if area is None:
        return None
    if area.level == AreaLevel.COMMUNITY:
        return area
    return trees.containing(Area.objects.all(), area, level=AreaLevel.COMMUNITY).first()


def _body_community(*, body, org, place, unit):
    """The community a body belongs to, and errors of a body named wrongly."""
    if body == Body.PARTY_COMMITTEE:
        if org is None:
            raise ValidationError({"org": _("请选择党组织。")})
        return _community_of(org.area)
    if body == Body.PROPERTY:
        if unit is None:
            raise ValidationError({"unit": _("请选择物业服务企业。")})
        return unit.community
    if place is None:
        raise ValidationError({"place": _("请选择社区或小区。")})
    if place.level not in (AreaLevel.COMMUNITY, AreaLevel.COMPOUND):
        raise ValidationError({"place": _("只能选择社区或小区。")})
    return _community_of(place)


FLAGGED_CATEGORIES = (OrgCategory.COMMUNITY, OrgCategory.COMPOUND)


def refresh_secretary_flags(community, today: date | None = None) -> int:
    """Recompute ``secretary_also_chairs`` (一肩挑) of the community's and its compounds' party
    organizations: their secretary holds a current chair (主任) of a residents' or owners'
    committee of the community.  Set-based (one read, at most two updates); returns how many
    flags changed."""
    today = today or timezone.localdate()
    chairs = current(Position.objects.filter(
        member=OuterRef("secretary_id"), community=community, body__in=CHAIRED_BODIES, post=Post.CHAIR,
    ), today)
    rows = (
        PartyOrg.objects.filter(trees.subtree_q(community, "area"), category__in=FLAGGED_CATEGORIES)
        .annotate(chairs=Exists(chairs)).exclude(chairs=F("secretary_also_chairs")).values_list("pk", "chairs")
    )
    on = [pk for pk, flag in rows if flag]
    off = [pk for pk, flag in rows if not flag]
    if on:
        PartyOrg.objects.filter(pk__in=on).update(secretary_also_chairs=True)
    if off:
        PartyOrg.objects.filter(pk__in=off).update(secretary_also_chairs=False)
    return len(on) + len(off)


def refresh_flags_of_day(today: date) -> int:
    """The communities where a post began today or ended yesterday: their flags recomputed
    (the daily task; a position recorded ahead of its dates changes the flag on the day)."""
    from datetime import timedelta

    communities = Area.objects.filter(pk__in=Position.objects.filter(
        Q(started_on=today) | Q(ended_on=today - timedelta(days=1)), body__in=(Body.PARTY_COMMITTEE, *CHAIRED_BODIES),
    ).values("community_id"))
    return sum(refresh_secretary_flags(c, today) for c in communities)


@transaction.atomic
def position_record(*, actor, member, body, post, started_on, ended_on=None, org=None, place=None, unit=None,
                    today: date | None = None) -> Position:
    """Record a post held.  A current 书记 of a party committee becomes the organization's
    secretary; the community's 一肩挑 flag is recomputed."""
    today = today or timezone.localdate()
    if post not in BODY_POSTS.get(body, ()):
        raise ValidationError({"post": _("%(body)s没有“%(post)s”这一职务。") % {
            "body": Body(body).label, "post": Post(post).label}})
    if ended_on is not None and ended_on < started_on:
        raise ValidationError({"ended_on": _("任职截止日期不能早于起始日期。")})
    community = _body_community(body=body, org=org, place=place, unit=unit)
    if community is None:
        raise ValidationError(_("该班子不在任何社区之内，无法登记。"))
    if not permissions.can_manage_community(actor, community):
        raise PermissionDeniedError(REFUSED)
    community = Area.objects.select_for_update().get(pk=community.pk)  # writers of one community in turn
    position = Position(
        member=member, body=body, post=post, started_on=started_on, ended_on=ended_on, community=community,
        org=org if body == Body.PARTY_COMMITTEE else None,
        place=place if body not in (Body.PARTY_COMMITTEE, Body.PROPERTY) else None,
        unit=unit if body == Body.PROPERTY else None,
    )
    position.full_clean()
    position.save()
    if body == Body.PARTY_COMMITTEE and post == Post.SECRETARY and org is not None and started_on <= today and (
        ended_on is None or ended_on >= today
    ) and org.secretary_id != member.pk:
        PartyOrg.objects.filter(pk=org.pk).update(secretary=member)
        record(actor, "org.secretary", org, {"secretary": [org.secretary_id, member.pk]})
    refresh_secretary_flags(community, today)
    record(actor, "position.record", position, {"member": member.pk, "body": body, "post": post})
    return position


@transaction.atomic
def position_end(*, actor, position, ended_on: date, today: date | None = None) -> Position:
    today = today or timezone.localdate()
    position = Position.objects.select_for_update(of=("self",)).select_related("community", "org").get(pk=position.pk)
    if not permissions.can_manage_community(actor, position.community):
        raise PermissionDeniedError(REFUSED)
    if ended_on < position.started_on:
        raise ValidationError({"ended_on": _("任职截止日期不能早于起始日期。")})
    old = position.ended_on
    Position.objects.filter(pk=position.pk).update(ended_on=ended_on)
    position.ended_on = ended_on
    if position.body == Body.PARTY_COMMITTEE and position.post == Post.SECRETARY and ended_on < today and (
        position.org is not None and position.org.secretary_id == position.member_id
    ):
        PartyOrg.objects.filter(pk=position.org_id).update(secretary=None)
    refresh_secretary_flags(position.community, today)
    record(actor, "position.end", position, {"ended_on": [str(old) if old else None, str(ended_on)]})
    return position


# ------------------------------------------------------------------------ 换届
@transaction.atomic
def term_renew(*, actor, org, elected_on: date, secretary=None, term_years: int | None = None) -> PartyOrg:
    """Record a 换届: the new term starts on ``elected_on`` (its length from the organization,
    or ``term_years``); the elected secretary, when given, becomes the organization's."""
    if not permissions.can_renew_term(actor, org):
        raise PermissionDeniedError(_("您无权为该党组织登记换届。"))
    org = PartyOrg.objects.select_for_update().get(pk=org.pk)
    if org.term_started_on and elected_on <= org.term_started_on:
        raise ValidationError({"elected_on": _("换届日期应晚于本届任期开始日期（%(d)s）。") % {
            "d": org.term_started_on.strftime("%Y年%m月%d日")}})
    if elected_on > timezone.localdate():
        raise ValidationError({"elected_on": _("换届日期不能晚于今天。")})
    if secretary is not None and secretary.organization_id != org.pk and not org.get_descendants().filter(
        pk=secretary.organization_id
    ).exists():
        raise ValidationError({"secretary": _("书记应是本组织（或其下级组织）的党员。")})
    fields = {"term_started_on": elected_on}
    if term_years:
        fields["term_years"] = term_years
    if secretary is not None:
        fields["secretary"] = secretary
    changes = {name: [str(getattr(org, name)) if getattr(org, name) is not None else None, str(value)]
               for name, value in fields.items()}
    PartyOrg.objects.filter(pk=org.pk).update(**fields)
    org.refresh_from_db()
    if secretary is not None:
        community = _community_of(org.area) if org.category == OrgCategory.COMMUNITY else None
        if community is not None:
            refresh_secretary_flags(community)
    record(actor, "org.term_renew", org, changes)
    return org


# ------------------------------------------------------------------- leader links
def _check_link_fields(kind, required_days, visits_per_month, starts_on, ends_on, year):
    errors = {}
    if kind == LinkKind.LIAISON and not required_days:
        errors["required_days"] = _("领导联系社区需填写每年驻点天数。")
    if kind == LinkKind.DEPARTMENT and not visits_per_month:
        errors["visits_per_month"] = _("部门负责人联系社区需填写每月走访次数。")
    if ends_on < starts_on:
        errors["ends_on"] = _("联系截止日期不能早于起始日期。")
    if starts_on.year != year or ends_on.year != year:
        errors["starts_on"] = _("联系起止日期应在所选年度之内。")
    if required_days and not progress.is_half_steps(required_days):
        errors["required_days"] = _("天数以半天为单位（如 0.5、1、1.5）。")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def link_create(*, actor, community, kind, leader_name, leader_post, year, leader=None, required_days=None,
                visits_per_month=None, starts_on=None, ends_on=None) -> LeaderLink:
    if not permissions.can_manage_community(actor, community):
        raise PermissionDeniedError(_("您无权登记该社区的联系领导。"))
    if community.level != AreaLevel.COMMUNITY:
        raise ValidationError({"community": _("请选择社区。")})
    starts_on = starts_on or date(year, 1, 1)
    ends_on = ends_on or date(year, 12, 31)
    _check_link_fields(kind, required_days, visits_per_month, starts_on, ends_on, year)
    link = LeaderLink(
        leader=leader, leader_name=leader_name, leader_post=leader_post, community=community, kind=kind, year=year,
        required_days=required_days if kind == LinkKind.LIAISON else None,
        visits_per_month=visits_per_month if kind == LinkKind.DEPARTMENT else None,
        starts_on=starts_on, ends_on=ends_on, days_logged=Decimal("0"),
        covered_until=progress.covered_until(required_days, Decimal("0"), starts_on, ends_on),
    )
    link.full_clean()
    link.save()
    record(actor, "leader_link.create", link, {"community": community.pk, "kind": kind})
    return link


def refresh_link(link) -> None:
    """``days_logged`` and ``covered_until`` from the link's visits (the caller holds the row)."""
    logged = link.visits.aggregate(total=Sum("days"))["total"] or Decimal("0")
    until = progress.covered_until(link.required_days, logged, link.starts_on, link.ends_on)
    LeaderLink.objects.filter(pk=link.pk).update(days_logged=logged, covered_until=until)
    link.days_logged, link.covered_until = logged, until


@transaction.atomic
def visit_record(*, actor, link, on: date, days=Decimal("1"), note="") -> LeaderVisit:
    link = LeaderLink.objects.select_for_update(of=("self",)).select_related("community").get(pk=link.pk)
    if not permissions.can_log_visit(actor, link):
        if not permissions.can_read_area(actor, link.community) and link.leader_id != getattr(actor, "pk", None):
            raise Http404
        raise PermissionDeniedError(_("您无权登记该联系的走访。"))
    days = Decimal(days)
    if not progress.is_half_steps(days):
        raise ValidationError({"days": _("天数以半天为单位（如 0.5、1、1.5）。")})
    if not (link.starts_on <= on <= link.ends_on):
        raise ValidationError({"date": _("走访日期应在联系期间（%(a)s 至 %(b)s）之内。") % {
            "a": link.starts_on.isoformat(), "b": link.ends_on.isoformat()}})
    if on > timezone.localdate():
        raise ValidationError({"date": _("走访日期不能晚于今天。")})
    visit = LeaderVisit(link=link, date=on, days=days, note=note, recorded_by=actor)
    visit.full_clean()
    visit.save()
    refresh_link(link)
    record(actor, "leader_visit.record", visit, {"link": link.pk, "days": str(days)})
    return visit
