"""交叉任职 and 一肩挑: counted from the positions, per child area in grouped queries; the
secretary's 一肩挑 flag on the organization is kept by the actions."""
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dangjian.errors import PermissionDeniedError
from organizations.grants.choices import Role
from organizations.orgs.models import PartyOrg
from organizations.roles import actions, selectors
from organizations.roles.choices import Body, Post
from organizations.roles.models import Position
from organizations.roles.tests.worlds import RolesWorld, today
from organizations.tests.factories import user_with

pytestmark = pytest.mark.django_db


class TestYijiantiao(RolesWorld):
    def test_secretary_chairing_the_residents_committee_sets_the_flag(self):
        a = self.w.a
        boss = self.person(a)
        self.party_post(a, boss, post=Post.SECRETARY)
        a.committee.refresh_from_db()
        assert a.committee.secretary_id == boss.pk  # the current 书记 is the organization's secretary
        assert not a.committee.secretary_also_chairs
        self.residents_post(a, boss, post=Post.CHAIR)
        a.committee.refresh_from_db()
        assert a.committee.secretary_also_chairs

    def test_another_chair_or_a_deputy_is_no_yijiantiao(self):
        a = self.w.a
        boss, other = self.person(a), self.person(a)
        self.party_post(a, boss, post=Post.SECRETARY)
        self.residents_post(a, other, post=Post.CHAIR)
        self.residents_post(a, boss, post=Post.DEPUTY_CHAIR)
        a.committee.refresh_from_db()
        assert not a.committee.secretary_also_chairs

    def test_ending_the_chair_clears_the_flag(self):
        a = self.w.a
        boss = self.person(a)
        self.party_post(a, boss, post=Post.SECRETARY)
        chair = self.residents_post(a, boss)
        actions.position_end(actor=self.writer, position=chair, ended_on=today() - timedelta(days=1))
        a.committee.refresh_from_db()
        assert not a.committee.secretary_also_chairs

    def test_a_stale_flag_is_recomputed(self):
        a = self.w.a
        PartyOrg.objects.filter(pk=a.committee.pk).update(secretary_also_chairs=True)
        assert actions.refresh_secretary_flags(a.area) == 1
        a.committee.refresh_from_db()
        assert not a.committee.secretary_also_chairs


class TestCrossAppointments(RolesWorld):
    def test_party_post_and_owners_post_in_the_same_community(self):
        a, b = self.w.a, self.w.b
        cross = self.cross_person(a)
        only_party = self.person(a)
        self.party_post(a, only_party)
        elsewhere = self.person(b)  # party post in 乙, owners' committee in 甲: not the same community
        self.party_post(b, elsewhere)
        self.owners_post(a, elsewhere)
        rows = list(selectors.cross_rows(self.street, self.w.street, today()))
        assert {r.member_id for r in rows} == {cross.pk}

    def test_property_company_counts_and_an_ended_post_does_not(self):
        a = self.w.a
        manager = self.person(a)
        self.party_post(a, manager)
        self.property_post(a, manager)
        former = self.person(a)
        self.party_post(a, former, ended_on=today() - timedelta(days=1))
        self.residents_post(a, former, post=Post.COMMITTEE_MEMBER)
        rows = list(selectors.cross_rows(self.cadre, a.area, today()))
        assert {r.member_id for r in rows} == {manager.pk}

    def test_counts_per_child_area(self):
        a, b = self.w.a, self.w.b
        self.cross_person(a)
        self.cross_person(a)
        self.cross_person(b)
        boss = self.person(b)
        self.party_post(b, boss, post=Post.SECRETARY)
        self.residents_post(b, boss)  # 一肩挑 in 乙 (and cross-appointed too)
        with CaptureQueriesContext(connection) as queries:
            rows = selectors.child_counts(self.street, self.w.street, today())
        by_area = {r["area"].pk: r for r in rows}
        assert by_area[a.area.pk]["cross"] == 2 and by_area[a.area.pk]["yjt"] == 0
        assert by_area[b.area.pk]["cross"] == 2 and by_area[b.area.pk]["yjt"] == 1
        assert by_area[a.area.pk]["communities"] == 1
        assert len(queries) <= 4  # the scope, the children, communities by child, people by child
        more = self.w.street
        with CaptureQueriesContext(connection) as again:
            selectors.child_counts(self.street, more, today())
        assert len(again) <= 3  # scope cached: three queries whatever the size

    def test_the_community_page_hides_phones_and_id_numbers(self):
        from django.urls import reverse

        from dangjian.testing.clients import logged_in

        member = self.cross_person(self.w.a)
        response = logged_in(self.cadre).get(reverse("organizations:roles_cross", args=[self.w.a.area.pk]))
        body = response.content.decode()
        assert member.name in body
        assert member.phone not in body and member.id_number not in body


class TestRecording(RolesWorld):
    def test_a_post_the_body_does_not_have_is_refused(self):
        with pytest.raises(ValidationError) as exc:
            self.residents_post(self.w.a, self.person(self.w.a), post=Post.SECRETARY)
        assert "post" in exc.value.error_dict

    def test_a_cadre_of_another_community_is_refused(self):
        other = user_with(Role.COMMUNITY, self.w.b.area)
        with pytest.raises(PermissionDeniedError):
            actions.position_record(actor=other, member=self.person(self.w.a), body=Body.RESIDENTS,
                                    post=Post.CHAIR, place=self.w.a.area, started_on=date(2021, 1, 1))

    def test_the_community_is_derived_from_the_body(self):
        p = self.owners_post(self.w.a, self.person(self.w.a))
        assert Position.objects.get(pk=p.pk).community_id == self.w.a.area.pk

    def test_a_building_is_no_place_for_a_committee(self):
        with pytest.raises(ValidationError):
            actions.position_record(actor=self.writer, member=self.person(self.w.a), body=Body.RESIDENTS,
                                    post=Post.CHAIR, place=self.w.a.building, started_on=date(2021, 1, 1))


class TestDailyRefresh(RolesWorld):
    def test_a_chair_recorded_ahead_sets_the_flag_on_its_first_day(self):
        from organizations.roles.tasks import refresh_secretary_flags

        a = self.w.a
        boss = self.person(a)
        self.party_post(a, boss, post=Post.SECRETARY)
        self.residents_post(a, boss, started_on=today() + timedelta(days=1))
        a.committee.refresh_from_db()
        assert not a.committee.secretary_also_chairs
        assert actions.refresh_flags_of_day(today() + timedelta(days=1)) == 1
        a.committee.refresh_from_db()
        assert a.committee.secretary_also_chairs
        assert refresh_secretary_flags() == 0  # today: nothing began or ended

    def test_a_compound_secretary_chairing_the_owners_committee(self):
        a = self.w.a
        boss = self.person(a)
        actions.position_record(actor=self.writer, member=boss, body=Body.PARTY_COMMITTEE, post=Post.SECRETARY,
                                org=a.branch, started_on=date(2021, 1, 1))
        self.owners_post(a, boss, post=Post.CHAIR)
        a.branch.refresh_from_db()
        assert a.branch.secretary_id == boss.pk and a.branch.secretary_also_chairs
