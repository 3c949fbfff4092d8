"""双报到 writes: the pure date helpers, co-building agreements (pairing rules, who may
write, ending), and in-service members reporting in (self or on behalf, once a day, a new
period after expiry, a race on PostgreSQL).  ``make_in_service`` and ``unit_org`` are
shared by the other reporting tests."""
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone

from dangjian.errors import PermissionDeniedError, TransitionError
from dangjian.models import AuditEvent
from dangjian.testing import race, requires_postgres
from organizations.grants.choices import Role
from organizations.orgs.choices import OrgCategory, OrgKind
from organizations.tests.factories import MemberFactory, PartyOrgFactory, UserFactory, build_city, user_with
from services.checkins import actions, rules
from services.checkins.choices import AgreementStatus
from services.checkins.models import CoBuildAgreement, MemberReport


def unit_org(c, name="市财政局机关党支部", category=OrgCategory.ORGAN, area=None):
    """A unit's party organization located in community a (anchored at its building)."""
    return PartyOrgFactory(name=name, kind=OrgKind.BRANCH, category=category, area=area or c.a.building)


def make_in_service(community, *, name=None, employer_org=None, employer="市财政局", user=None, **extra):
    return MemberFactory(
        name=name or f"在职{MemberFactory._meta.model.objects.count() + 1}", organization=community.branch,
        residence=community.building, in_service=True, employer=employer, employer_org=employer_org, user=user, **extra,
    )


def member_login(member, username=None):
    user = UserFactory(username=username or f"self-{member.pk}")
    member.user = user
    member.save(update_fields=["user"])
    return user


# ------------------------------------------------------------------ pure helpers
@pytest.mark.parametrize(("day", "months", "expected"), [
    (date(2026, 1, 15), 6, date(2026, 7, 15)),
    (date(2026, 8, 31), 6, date(2027, 2, 28)),
    (date(2027, 8, 31), 6, date(2028, 2, 29)),
    (date(2026, 12, 31), 2, date(2027, 2, 28)),
    (date(2026, 3, 31), -1, date(2026, 2, 28)),
    (date(2026, 5, 31), 1, date(2026, 6, 30)),
    (date(2026, 11, 30), 3, date(2027, 2, 28)),
])
def test_add_months_clamps_to_month_end(day, months, expected):
    assert rules.add_months(day, months) == expected


def test_valid_until_follows_the_setting(settings):
    assert rules.report_valid_until(date(2026, 8, 31)) == date(2027, 2, 28)
    settings.MEMBER_REPORT_VALID_MONTHS = 12
    assert rules.report_valid_until(date(2026, 2, 28)) == date(2027, 2, 28)
    settings.SERVICE_HOURS_TARGET = 40
    assert rules.hours_target() == Decimal("40")


def test_quarters_and_progress():
    assert rules.quarter_bounds(2026, 1) == (date(2026, 1, 1), date(2026, 3, 31))
    assert rules.quarter_bounds(2026, 4) == (date(2026, 10, 1), date(2026, 12, 31))
    assert [rules.quarter_of(date(2026, m, 1)) for m in (1, 3, 4, 7, 10, 12)] == [1, 1, 2, 3, 4, 4]
    with pytest.raises(ValueError):
        rules.quarter_bounds(2026, 5)
    assert rules.progress_percent(Decimal("12.5"), Decimal("50")) == 25
    assert rules.progress_percent(Decimal("80"), Decimal("50")) == 100
    assert rules.progress_percent(0, 0) == 100


# --------------------------------------------------------------------- agreements
def _agreement(c, actor, org, **extra):
    values = {"title": "共建协议", "text": "每季度开展联合主题党日", "starts_on": date(2026, 1, 1),
              "ends_on": date(2027, 12, 31), "branches": [c.a.branch], **extra}
    return actions.agreement_create(actor=actor, org=org, community=c.a.area, **values)


@pytest.mark.django_db
def test_community_cadre_registers_an_agreement_with_its_compound_branches():
    c = build_city()
    org = unit_org(c)
    cadre = user_with(Role.COMMUNITY, c.a.area)
    agreement = _agreement(c, cadre, org)
    assert agreement.status == AgreementStatus.ACTIVE and agreement.created_by == cadre
    assert list(agreement.branches.all()) == [c.a.branch]
    assert AuditEvent.objects.filter(verb="agreement.create", target_id=str(agreement.pk)).exists()


@pytest.mark.django_db
def test_agreement_rules_are_explained_per_field():
    c = build_city()
    org = unit_org(c)
    cadre = user_with(Role.STREET, c.street)
    with pytest.raises(ValidationError) as exc:
        _agreement(c, cadre, org, branches=[c.b.branch, c.a.group], starts_on=date(2026, 5, 1), ends_on=date(2026, 4, 1),
                   title=" ")
    errors = exc.value.message_dict
    assert "乙小区党支部" in errors["branches"][0] and "甲1号楼党小组" in errors["branches"][0]
    assert "不能早于开始日期" in errors["ends_on"][0]
    assert "请填写协议名称" in errors["title"][0]
    with pytest.raises(ValidationError) as exc:
        _agreement(c, cadre, c.a.branch)
    assert "不需要报到共建" in exc.value.message_dict["org"][0]
    with pytest.raises(ValidationError) as exc:
        actions.agreement_create(actor=cadre, org=org, community=c.a.compound, title="t", text="x",
                                 starts_on=date(2026, 1, 1), ends_on=date(2026, 2, 1))
    assert "community" in exc.value.message_dict
    assert not CoBuildAgreement.objects.exists()


@pytest.mark.django_db
def test_one_active_agreement_per_org_and_community():
    c = build_city()
    org = unit_org(c)
    cadre = user_with(Role.COMMUNITY, c.a.area)
    first = _agreement(c, cadre, org)
    with pytest.raises(ValidationError, match="已有进行中的共建协议"):
        _agreement(c, cadre, org)
    actions.agreement_end(actor=cadre, agreement=first)
    assert _agreement(c, cadre, org).pk != first.pk


@pytest.mark.django_db
def test_who_may_write_agreements():
    c = build_city()
    org = unit_org(c, area=c.district)  # located outside both communities
    org_manager = user_with(Role.COMMUNITY, org)
    assert _agreement(c, org_manager, org).org == org  # manages the organization
    other = unit_org(c, name="市税务局党支部", area=c.district)
    with pytest.raises(PermissionDeniedError):
        _agreement(c, user_with(Role.GRID, c.a.area), other)  # in scope, not a managing role
    with pytest.raises(Http404):
        _agreement(c, user_with(Role.COMMUNITY, c.b.area), other)  # neither the community nor the org
    assert CoBuildAgreement.objects.count() == 1


@pytest.mark.django_db
def test_update_and_end_are_locked_checked_and_audited():
    c = build_city()
    cadre = user_with(Role.COMMUNITY, c.a.area)
    agreement = _agreement(c, cadre, unit_org(c))
    updated = actions.agreement_update(actor=cadre, agreement=agreement, title="新协议", branches=[])
    assert updated.title == "新协议" and not updated.branches.exists()
    with pytest.raises(ValidationError):
        actions.agreement_update(actor=cadre, agreement=agreement, ends_on=date(2025, 1, 1))
    with pytest.raises(Http404):
        actions.agreement_update(actor=user_with(Role.COMMUNITY, c.b.area), agreement=agreement, title="x")
    today = timezone.localdate()
    ended = actions.agreement_end(actor=cadre, agreement=agreement)
    assert ended.status == AgreementStatus.ENDED
    assert ended.ends_on == min(date(2027, 12, 31), max(today, ended.starts_on))
    with pytest.raises(TransitionError, match="已经结束"):
        actions.agreement_end(actor=cadre, agreement=agreement)
    with pytest.raises(TransitionError, match="不能再修改"):
        actions.agreement_update(actor=cadre, agreement=agreement, title="y")
    verbs = list(AuditEvent.objects.filter(target_id=str(agreement.pk), target_type="services.cobuildagreement")
                 .order_by("pk").values_list("verb", flat=True))
    assert verbs == ["agreement.create", "agreement.update", "agreement.end"]


# ----------------------------------------------------------------- member reports
@pytest.mark.django_db
def test_member_reports_themself_to_their_residence_community():
    c = build_city()
    member = make_in_service(c.a)
    user = member_login(member)
    report = actions.member_report_in(actor=user, member=member, skills="法律咨询")
    today = timezone.localdate()
    assert report.created and report.community == c.a.area and report.reported_on == today
    assert report.valid_until == rules.add_months(today, 6) and report.skills == "法律咨询"
    again = actions.member_report_in(actor=user, member=member)
    assert again.pk == report.pk and again.created is False
    assert MemberReport.objects.count() == 1
    assert AuditEvent.objects.filter(verb="member_report.create").count() == 1


@pytest.mark.django_db
def test_reporting_again_after_expiry_starts_a_new_period():
    c = build_city()
    member = make_in_service(c.a)
    cadre = user_with(Role.COMMUNITY, c.a.area)
    today = timezone.localdate()
    old = actions.member_report_in(actor=cadre, member=member, reported_on=today - timedelta(days=200))
    assert old.created and old.valid_until < today
    new = actions.member_report_in(actor=cadre, member=member)
    assert new.created and new.pk != old.pk and new.valid_until > today
    # still valid with months to run: the current report is returned, nothing added
    assert actions.member_report_in(actor=cadre, member=member, reported_on=today).pk == new.pk
    assert MemberReport.objects.filter(member=member).count() == 2


@pytest.mark.django_db
def test_a_valid_report_can_be_renewed_in_its_last_month():
    c = build_city()
    member = make_in_service(c.a)
    cadre = user_with(Role.COMMUNITY, c.a.area)
    today = timezone.localdate()
    early = actions.member_report_in(actor=cadre, member=member, reported_on=today - timedelta(days=170))
    assert early.valid_until >= today
    renewed = actions.member_report_in(actor=cadre, member=member)
    assert renewed.created and renewed.pk != early.pk


@pytest.mark.django_db
def test_who_may_report_a_member_in():
    c = build_city()
    member = make_in_service(c.a)
    with pytest.raises(PermissionDeniedError):
        actions.member_report_in(actor=user_with(Role.GRID, c.a.area), member=member)
    with pytest.raises(Http404):
        actions.member_report_in(actor=user_with(Role.COMMUNITY, c.b.area), member=member)
    with pytest.raises(Http404):
        actions.member_report_in(actor=member_login(make_in_service(c.a)), member=member)  # another member
    assert actions.member_report_in(actor=user_with(Role.STREET, c.street), member=member).created


@pytest.mark.django_db
def test_report_refusals_are_clear():
    c = build_city()
    cadre = user_with(Role.COMMUNITY, c.a.area)
    retired = c.a.members[0]
    with pytest.raises(ValidationError, match="不是在职党员"):
        actions.member_report_in(actor=cadre, member=retired)
    member = make_in_service(c.a)
    with pytest.raises(ValidationError) as exc:
        actions.member_report_in(actor=cadre, member=member, reported_on=timezone.localdate() + timedelta(days=1))
    assert "不能晚于今天" in exc.value.message_dict["reported_on"][0]
    homeless = MemberFactory(organization=c.a.branch, in_service=True, residence=None)
    with pytest.raises(ValidationError, match="没有登记居住社区"):
        actions.member_report_in(actor=member_login(homeless), member=homeless)
    assert not MemberReport.objects.exists()


@requires_postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_reports_of_one_member_make_one_row():
    c = build_city()
    member = make_in_service(c.a)
    user = member_login(member)
    cadre = user_with(Role.COMMUNITY, c.a.area)
    outcomes = race(lambda actor: actions.member_report_in(actor=actor, member=member).created, (user, cadre, user, cadre))
    assert not outcomes.errors
    assert sorted(outcomes.values) == [False, False, False, True]
    assert MemberReport.objects.filter(member=member).count() == 1
