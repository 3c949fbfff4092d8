"""Leaders linked to communities: required days pro rata to today against the days logged
(``covered_until``, kept by the visit writer), monthly visits against the frequency."""
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from dangjian.errors import PermissionDeniedError
from dangjian.testing.clients import logged_in
from organizations.grants.choices import Role
from organizations.roles import actions, progress, selectors
from organizations.roles.choices import LinkKind
from organizations.roles.models import LeaderLink
from organizations.roles.tests.worlds import RolesWorld, today
from organizations.tests.factories import UserFactory, user_with

pytestmark = pytest.mark.django_db


# ------------------------------------------------------------------ pure arithmetic
@pytest.mark.parametrize("logged,on,behind", [
    (Decimal("0"), date(2026, 1, 1), False),       # nothing due on the first day
    (Decimal("0"), date(2026, 1, 2), True),
    (Decimal("7"), date(2026, 7, 2), False),       # 14 days a year: 7 cover half the year (182.5 days)
    (Decimal("7"), date(2026, 7, 4), True),
    (Decimal("14"), date(2026, 12, 31), False),
    (Decimal("13.5"), date(2026, 12, 31), True),
])
def test_pro_rata_and_the_covered_date_agree(logged, on, behind):
    start, end, required = date(2026, 1, 1), date(2026, 12, 31), Decimal("14")
    assert progress.is_behind_days(required, logged, start, end, on) is behind
    assert (progress.covered_until(required, logged, start, end) < on) is behind


def test_covered_date_equals_the_definition_every_day():
    start, end, required = date(2026, 3, 1), date(2026, 12, 31), Decimal("14")
    for logged in (Decimal("0"), Decimal("0.5"), Decimal("3"), Decimal("9.5"), Decimal("14")):
        until = progress.covered_until(required, logged, start, end)
        day = start
        while day <= end:
            assert (until < day) == progress.is_behind_days(required, logged, start, end, day), (logged, day)
            day += timedelta(days=1)


def test_required_to_date():
    assert progress.required_to_date(Decimal("14"), date(2026, 1, 1), date(2026, 12, 31), date(2026, 7, 2)) == Decimal("7.0")


# -------------------------------------------------------------------- links
class LinkWorld(RolesWorld):
    def liaison(self, community, year=None, **kw):
        year = year or today().year
        return actions.link_create(actor=self.writer, community=community.area, kind=LinkKind.LIAISON,
                                   leader_name="王明", leader_post="区委常委、组织部长", year=year,
                                   required_days=Decimal("14"), **kw)

    def department(self, community, year=None, **kw):
        return actions.link_create(actor=self.writer, community=community.area, kind=LinkKind.DEPARTMENT,
                                   leader_name="李华", leader_post="区民政局局长", year=year or today().year,
                                   visits_per_month=2, **kw)

    def behind_ids(self, user, on):
        return {link.pk for link in selectors.link_rows(selectors.links_for(user), on, behind=True)}


class TestBehind(LinkWorld):
    def test_liaison_behind_until_enough_days_are_logged(self):
        link = self.liaison(self.w.a, year=2025, starts_on=date(2025, 3, 1), ends_on=date(2025, 6, 28))
        on = date(2025, 4, 30)  # 60 of 120 days gone: 7 of the 14 days due
        assert link.pk in self.behind_ids(self.cadre, on)
        actions.visit_record(actor=self.writer, link=link, on=date(2025, 3, 20), days=Decimal("5"))
        assert link.pk in self.behind_ids(self.cadre, on)
        actions.visit_record(actor=self.writer, link=link, on=date(2025, 4, 29), days=Decimal("1.5"))
        assert link.pk in self.behind_ids(self.cadre, on)  # 6.5 < 7
        actions.visit_record(actor=self.writer, link=link, on=date(2025, 4, 30), days=Decimal("0.5"))
        link.refresh_from_db()
        assert link.days_logged == Decimal("7.0")
        assert link.pk not in self.behind_ids(self.cadre, on)
        assert link.pk in self.behind_ids(self.cadre, date(2025, 5, 1))  # the next day, due again
        assert link.pk not in self.behind_ids(self.cadre, date(2025, 7, 1))  # the period is over

    def test_department_head_behind_with_fewer_visits_this_month(self):
        link = self.department(self.w.a, year=2025)
        on = date(2025, 5, 20)
        actions.visit_record(actor=self.writer, link=link, on=date(2025, 4, 30))  # last month: does not count
        assert link.pk in self.behind_ids(self.cadre, on)
        actions.visit_record(actor=self.writer, link=link, on=date(2025, 5, 1), days=Decimal("0.5"))
        assert link.pk in self.behind_ids(self.cadre, on)
        actions.visit_record(actor=self.writer, link=link, on=date(2025, 5, 20), days=Decimal("0.5"))
        assert link.pk not in self.behind_ids(self.cadre, on)
        assert link.pk in self.behind_ids(self.cadre, date(2025, 6, 3))  # a new month begins

    def test_days_in_half_steps_and_within_the_period(self):
        link = self.department(self.w.a)
        with pytest.raises(ValidationError):
            actions.visit_record(actor=self.writer, link=link, on=today(), days=Decimal("0.3"))
        with pytest.raises(ValidationError):
            actions.visit_record(actor=self.writer, link=link, on=date(today().year - 1, 12, 31))

    def test_a_liaison_needs_its_days(self):
        with pytest.raises(ValidationError):
            actions.link_create(actor=self.writer, community=self.w.a.area, kind=LinkKind.LIAISON,
                                leader_name="王明", leader_post="区委书记", year=today().year)

    def test_only_the_leader_or_a_cadre_of_the_community_logs_a_visit(self):
        leader = UserFactory()
        link = self.department(self.w.a, leader=leader)
        actions.visit_record(actor=leader, link=link, on=today())
        other = user_with(Role.COMMUNITY, self.w.b.area)
        with pytest.raises(Exception) as exc:
            actions.visit_record(actor=other, link=link, on=today())
        assert exc.type.__name__ in ("Http404", PermissionDeniedError.__name__)


class TestMyLinks(LinkWorld):
    def test_the_leader_sees_their_links_and_logs_a_visit(self):
        leader = UserFactory()
        link = self.liaison(self.w.a, leader=leader)
        self.liaison(self.w.b)
        client = logged_in(leader)
        response = client.get(reverse("organizations:roles_leaders_mine"))
        assert response.status_code == 200
        assert [r.pk for r in response.context["page_obj"]] == [link.pk]
        response = client.post(reverse("organizations:roles_leader_detail", args=[link.pk]),
                               {"on": today().isoformat(), "days": "1.5", "note": "走访困难户"})
        assert response.status_code == 302
        assert LeaderLink.objects.get(pk=link.pk).days_logged == Decimal("1.5")

    def test_someone_without_links_is_refused(self):
        response = logged_in(UserFactory()).get(reverse("organizations:roles_leaders_mine"))
        assert response.status_code == 403
