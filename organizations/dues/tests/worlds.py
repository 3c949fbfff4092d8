"""The test world of the dues tests: ``build_city`` with a community cadre of 甲 (in scope),
a system admin who writes the rows, and helpers making members with a ledger."""
from datetime import date

import pytest
from django.utils import timezone

from organizations.dues import brackets as calc
from organizations.dues.tests.factories import declare, pay
from organizations.grants.choices import Role
from organizations.tests.factories import MemberFactory, user_with


def today():
    return timezone.localdate()


class DuesWorld:
    @pytest.fixture(autouse=True)
    def _world(self, city):
        self.w = city
        self.cadre = user_with(Role.COMMUNITY, city.a.area)
        self.writer = user_with(Role.ADMIN, city.city)

    @pytest.fixture
    def user_in_scope(self):
        return self.cadre

    @pytest.fixture
    def user_without_permission(self):
        return user_with(Role.GRID, self.w.a.area)  # reads the roster, never members' money

    def member_with_ledger(self, community, *, paid_months=2, start_back=3):
        """A member of the community's branch, a base from ``start_back`` months ago and the
        first ``paid_months`` of those paid."""
        member = MemberFactory(organization=community.branch, residence=community.building)
        start = calc.add_months(calc.month_start(today()), -start_back)
        declare(member, actor=self.writer, year=start.year, from_month=start.month, declared_on=start)
        if paid_months:
            pay(member, actor=self.writer, first_month=start, count=paid_months, paid_on=start)
        return member

    def lapsed_member(self, community):
        """Eight months due, the first paid: seven months unpaid in a row (six completed at least)."""
        return self.member_with_ledger(community, paid_months=1, start_back=8)


def month_text(day: date) -> str:
    return f"{day:%Y-%m}"
