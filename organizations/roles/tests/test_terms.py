"""Term rules as data, the database's term end (equal to ``PartyOrg.term_ends_on``, leap days
too, on SQLite and PostgreSQL), 换届 reminders exactly six months ahead, and recording a 换届."""
from datetime import date

import pytest
from django.core.exceptions import ValidationError

from dangjian.errors import PermissionDeniedError
from dangjian.models import AuditEvent
from dangjian.testing import requires_postgres
from organizations.grants.choices import Role
from organizations.orgs import actions as org_actions
from organizations.orgs.choices import OrgCategory, OrgKind
from organizations.orgs.models import PartyOrg
from organizations.roles import actions, selectors
from organizations.roles.models import TermRule
from organizations.roles.terms import TermEnd, add_months, reminder_cutoff
from organizations.roles.tests.worlds import RolesWorld
from organizations.tests.factories import AreaFactory, MemberFactory, PartyOrgFactory, user_with

pytestmark = pytest.mark.django_db


# ------------------------------------------------------------------------ rules
def test_default_rules_community_five_years_branches_three():
    assert selectors.term_years_for(OrgKind.COMMITTEE, OrgCategory.COMMUNITY) == 5
    assert selectors.term_years_for(OrgKind.BRANCH, OrgCategory.COMMUNITY) == 5
    assert selectors.term_years_for(OrgKind.BRANCH, OrgCategory.COMPOUND) == 3
    assert selectors.term_years_for(OrgKind.GENERAL_BRANCH, OrgCategory.ENTERPRISE) == 3
    assert TermRule.objects.filter(kind="", category="").get().years == 3


def test_an_edited_rule_gives_new_organizations_their_term(city):
    TermRule.objects.filter(kind="", category="").update(years=4)
    TermRule.objects.create(kind=OrgKind.BRANCH, category=OrgCategory.COMPOUND, years=2)
    admin = user_with(Role.ADMIN, city.city)
    compound = AreaFactory(level=city.a.compound.level, parent=city.a.area)
    org = org_actions.org_create(actor=admin, parent=city.a.committee, area=compound, name="新小区党支部",
                                 code="NEW0001", kind=OrgKind.BRANCH, category=OrgCategory.COMPOUND)
    assert org.term_years == 2  # kind and category beat the catch-all
    org = org_actions.org_create(actor=admin, parent=city.a.committee, area=compound, name="新楼宇党支部",
                                 code="NEW0002", kind=OrgKind.BRANCH, category=OrgCategory.OFFICE_BUILDING)
    assert org.term_years == 4


# ------------------------------------------------------------ the database's term end
STARTS = [date(2020, 2, 29), date(2024, 2, 29), date(2021, 2, 28), date(2021, 3, 1), date(2019, 12, 31),
          date(2023, 8, 31), date(2022, 1, 1)]


def _term_ends_in_db():
    orgs = []
    for i, start in enumerate(STARTS):
        for years in (1, 3, 4, 5):
            orgs.append(PartyOrgFactory(term_started_on=start, term_years=years, name=f"任期{i}-{years}"))
    db = dict(PartyOrg.objects.filter(pk__in=[o.pk for o in orgs]).annotate(end=TermEnd()).values_list("pk", "end"))
    return orgs, db


def test_database_term_end_equals_the_model_property():
    orgs, db = _term_ends_in_db()
    for org in orgs:
        assert db[org.pk] == org.term_ends_on, (org.term_started_on, org.term_years)
    leap = next(o for o in orgs if o.term_started_on == date(2024, 2, 29) and o.term_years == 1)
    assert db[leap.pk] == date(2025, 2, 28)
    four = next(o for o in orgs if o.term_started_on == date(2024, 2, 29) and o.term_years == 4)
    assert db[four.pk] == date(2028, 2, 29)


@requires_postgres("make_interval's year arithmetic (the test above runs on either database)")
def test_database_term_end_on_postgresql():
    orgs, db = _term_ends_in_db()
    assert all(db[org.pk] == org.term_ends_on for org in orgs)


def test_add_months_clamps_to_the_month_end():
    assert add_months(date(2027, 8, 31), 6) == date(2028, 2, 29)
    assert add_months(date(2026, 8, 31), 6) == date(2027, 2, 28)
    assert add_months(date(2026, 8, 29), 6) == date(2027, 2, 28)
    assert add_months(date(2026, 12, 15), 6) == date(2027, 6, 15)


# ------------------------------------------------------------------ reminders
class TestReminders(RolesWorld):
    def org_ending_on(self, end: date, years=3):
        start = date(end.year - years, end.month, end.day) if (end.month, end.day) != (2, 29) else None
        if start is None:  # ends on 29 February: started on 29 February ``years`` (a multiple of 4) before
            start = date(end.year - 4, 2, 29)
            years = 4
        compound = AreaFactory(level=self.w.a.compound.level, parent=self.w.a.area)
        return PartyOrgFactory(area=compound, parent=self.w.a.committee, term_started_on=start, term_years=years)

    def reminded(self, today):
        return set(selectors.term_reminders(self.cadre, today).values_list("pk", flat=True))

    def test_reminded_exactly_six_months_before_the_end(self):
        end = date(2027, 6, 15)
        org = self.org_ending_on(end)
        assert org.term_ends_on == end
        assert org.pk not in self.reminded(date(2026, 12, 14))
        assert org.pk in self.reminded(date(2026, 12, 15))  # six months before, to the day
        assert org.pk in self.reminded(end)
        state = {o.pk for o in selectors.term_reminders(self.cadre, end, state="due")}
        assert org.pk in state
        after = date(2027, 6, 16)
        assert org.pk in {o.pk for o in selectors.term_reminders(self.cadre, after, state="overdue")}
        assert org.pk not in {o.pk for o in selectors.term_reminders(self.cadre, after, state="due")}

    def test_a_term_ending_on_29_february(self):
        org = self.org_ending_on(date(2028, 2, 29))
        assert org.term_ends_on == date(2028, 2, 29)
        assert reminder_cutoff(date(2027, 8, 28), 6) == date(2028, 2, 28)
        assert org.pk not in self.reminded(date(2027, 8, 28))
        assert org.pk in self.reminded(date(2027, 8, 29))

    def test_a_leap_day_start_ends_on_28_february(self):
        compound = AreaFactory(level=self.w.a.compound.level, parent=self.w.a.area)
        org = PartyOrgFactory(area=compound, parent=self.w.a.committee, term_started_on=date(2024, 2, 29), term_years=3)
        assert org.term_ends_on == date(2027, 2, 28)
        assert org.pk not in self.reminded(date(2026, 8, 27))
        assert org.pk in self.reminded(date(2026, 8, 28))

    def test_a_narrower_window_and_another_subtree(self):
        org = self.org_ending_on(date(2027, 6, 15))
        assert org.pk not in {o.pk for o in selectors.term_reminders(self.cadre, date(2027, 3, 14), months=3)}
        assert org.pk in {o.pk for o in selectors.term_reminders(self.cadre, date(2027, 3, 15), months=3)}
        other = user_with(Role.COMMUNITY, self.w.b.area)
        assert org.pk not in set(selectors.term_reminders(other, date(2027, 6, 1)).values_list("pk", flat=True))


class TestRenew(RolesWorld):
    def test_renewal_starts_a_new_term_and_is_audited(self):
        org = self.w.a.branch
        PartyOrg.objects.filter(pk=org.pk).update(term_started_on=date(2020, 5, 1), term_years=3)
        new_secretary = MemberFactory(organization=org)
        org = actions.term_renew(actor=self.cadre, org=org, elected_on=date(2023, 4, 20), secretary=new_secretary)
        assert org.term_started_on == date(2023, 4, 20) and org.term_ends_on == date(2026, 4, 20)
        assert org.secretary_id == new_secretary.pk
        assert AuditEvent.objects.filter(verb="org.term_renew", target_id=str(org.pk)).exists()

    def test_renewal_before_the_current_start_is_refused(self):
        org = self.w.a.branch
        PartyOrg.objects.filter(pk=org.pk).update(term_started_on=date(2022, 5, 1))
        with pytest.raises(ValidationError):
            actions.term_renew(actor=self.cadre, org=org, elected_on=date(2022, 4, 1))

    def test_another_community_may_not_renew(self):
        other = user_with(Role.COMMUNITY, self.w.b.area)
        with pytest.raises(PermissionDeniedError):
            actions.term_renew(actor=other, org=self.w.a.branch, elected_on=date(2024, 1, 1))


class TestGroups(RolesWorld):
    def test_a_party_group_has_no_term_reminder(self):
        group = self.w.a.group
        PartyOrg.objects.filter(pk=group.pk).update(term_started_on=date(2000, 1, 1), term_years=3)
        assert group.pk not in set(selectors.term_reminders(self.cadre, date(2026, 1, 1)).values_list("pk", flat=True))
