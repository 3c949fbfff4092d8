"""The test world of roles: ``build_city`` with a community cadre of 甲 (in scope), a street
cadre over both communities, and helpers recording positions through the actions."""
from datetime import date

import pytest
from django.utils import timezone

from organizations.grants.choices import Role
from organizations.roles import actions
from organizations.roles.choices import Body, Post
from organizations.tests.factories import MemberFactory, ResidentUnitFactory, user_with


def today():
    return timezone.localdate()


START = date(2020, 1, 1)


class RolesWorld:
    @pytest.fixture(autouse=True)
    def _world(self, city):
        self.w = city
        self.cadre = user_with(Role.COMMUNITY, city.a.area)
        self.street = user_with(Role.STREET, city.street)
        self.writer = user_with(Role.ADMIN, city.city)

    @pytest.fixture
    def user_in_scope(self):
        return self.cadre

    @pytest.fixture
    def user_without_permission(self):
        return user_with(Role.GRID, self.w.a.area)

    def person(self, community):
        return MemberFactory(organization=community.branch, residence=community.building)

    def party_post(self, community, member, post=Post.COMMITTEE_MEMBER, **kw):
        return actions.position_record(actor=self.writer, member=member, body=Body.PARTY_COMMITTEE, post=post,
                                       org=community.committee, started_on=kw.pop("started_on", START), **kw)

    def residents_post(self, community, member, post=Post.CHAIR, **kw):
        return actions.position_record(actor=self.writer, member=member, body=Body.RESIDENTS, post=post,
                                       place=community.area, started_on=kw.pop("started_on", START), **kw)

    def owners_post(self, community, member, post=Post.COMMITTEE_MEMBER, **kw):
        return actions.position_record(actor=self.writer, member=member, body=Body.OWNERS, post=post,
                                       place=community.compound, started_on=kw.pop("started_on", START), **kw)

    def property_post(self, community, member, **kw):
        unit = kw.pop("unit", None) or ResidentUnitFactory(community=community.area)
        return actions.position_record(actor=self.writer, member=member, body=Body.PROPERTY, post=Post.HEAD,
                                       unit=unit, started_on=kw.pop("started_on", START), **kw)

    def cross_person(self, community):
        member = self.person(community)
        self.party_post(community, member)
        self.owners_post(community, member)
        return member
