"""The tables agree with the roster, bands cut at their edges, departures leave the tables and
the year's development figures count the year only."""
from datetime import date, timedelta

import pytest
from django.db.models import Q
from django.utils import timezone

from organizations.development.models import DevelopmentStep
from organizations.development.tests.factories import ensure_rules, make_case
from organizations.grants.choices import Role
from organizations.members.choices import ContactState, Education, Ethnicity, Gender, MemberStatus, Occupation, OrgRole
from organizations.members.models import Member, current_q
from organizations.members.places import anchored_q
from organizations.members.selectors import roster_count
from organizations.orgs.choices import OrgKind
from organizations.orgs.models import PartyOrg
from organizations.statistics import selectors, tables
from organizations.statistics.tests.support import by_key, figures, last_year, member, year_end
from organizations.tests.factories import user_with
from organizations.transfers import actions as transfer_actions

pytestmark = pytest.mark.django_db
MEMBER_TABLES = ("gender", "ethnicity", "age", "education", "occupation", "party_age", "status")


def varied_roster(city):
    """Members of both communities with every kind of value, blanks included."""
    today = timezone.localdate()
    a = city.a
    member(a, gender=Gender.FEMALE, ethnicity=Ethnicity.HAN, education=Education.MASTER,
           occupation=Occupation.PROFESSIONAL, birth_date=today - timedelta(days=365 * 33),
           joined_on=date(2010, 7, 1), full_member_on=date(2011, 7, 1))
    member(a, gender=Gender.MALE, ethnicity=Ethnicity.MANCHU, education=Education.HIGH_SCHOOL,
           occupation=Occupation.RETIRED, birth_date=today - timedelta(days=365 * 75),
           joined_on=date(1970, 7, 1), full_member_on=date(1971, 7, 1))
    member(a, gender=Gender.FEMALE, ethnicity=Ethnicity.FOREIGN_ORIGIN, status=MemberStatus.PROBATIONARY,
           joined_on=today - timedelta(days=100), occupation=Occupation.STUDENT)
    member(city.b, gender=Gender.FEMALE, ethnicity=Ethnicity.HUI, education=Education.BACHELOR)


def test_every_member_table_adds_up_to_the_roster_of_the_area(city):
    varied_roster(city)
    today = timezone.localdate()
    street_cadre = user_with(Role.STREET, city.street)
    for area in (city.street, city.a.area, city.b.area):
        results = by_key(selectors.member_tables(area, today))
        current = Member.objects.current().filter(anchored_q(area)).count()
        roster = roster_count(street_cadre, selectors.area_members_q(area, today) & current_q())
        assert current == roster > 0
        for key in MEMBER_TABLES:
            result = results[key]
            assert sum(r.value for r in result.rows) == result.total.value == current, (area, key)
            if result.table.female_column:
                females = Member.objects.current().filter(anchored_q(area), gender=Gender.FEMALE).count()
                assert sum(r.female for r in result.rows) == result.total.female == females, (area, key)
    street = by_key(selectors.member_tables(city.street, today))
    ethnicity = figures(street["ethnicity"])
    # 甲: 汉族 1, 满族 1, 外国血统 1, two factory members without; 乙: 回族 1, two without
    assert ethnicity["ethnicity_han"].value == 1
    assert ethnicity["ethnicity_minority"].value == 2 and ethnicity["ethnicity_minority"].female == 1
    assert ethnicity["ethnicity_other"].value == 1
    assert ethnicity["ethnicity_blank"].value == 4
    status = figures(street["status"])
    assert status[f"status_{MemberStatus.PROBATIONARY}"].value == 1
    occupation = figures(street["occupation"])
    assert occupation[f"occupation_{Occupation.RETIRED}"].value == 1
    assert occupation[f"occupation_{Occupation.STUDENT}"].female == 1


def test_age_band_edges_on_31_december(city):
    year = last_year()
    end = year_end(year)
    thirty = member(city.a, birth_date=date(end.year - 30, 12, 31))  # 30 on 31 Dec, that very day
    thirty_one = member(city.a, birth_date=date(end.year - 31, 12, 31))  # 31 that day
    almost_31 = member(city.a, birth_date=date(end.year - 31, 12, 31) + timedelta(days=1))  # born 1 Jan: still 30
    seventy_one = member(city.a, birth_date=date(end.year - 71, 12, 31))
    seventy = member(city.a, birth_date=date(end.year - 71, 12, 31) + timedelta(days=1))
    age = figures(by_key(selectors.member_tables(city.a.area, end))["age"])
    assert age["age_0"].value == 2, (thirty, almost_31)  # 30岁及以下
    assert age["age_1"].value == 1, thirty_one  # 31—35岁
    assert age["age_7"].value == 1, seventy  # 61—70岁
    assert age["age_8"].value == 1, seventy_one  # 71岁及以上
    assert age["age_blank"].value == 2  # the community's two factory members have no birth date


def test_party_age_counts_from_full_membership(city):
    year = last_year()
    end = year_end(year)
    Member.objects.filter(organization=city.a.branch).delete()
    # joined long ago but full member only 5 years before 31 Dec: 5 years of party age
    member(city.a, joined_on=date(end.year - 30, 1, 1), full_member_on=date(end.year - 5, 12, 31))
    member(city.a, joined_on=date(end.year - 7, 1, 1), full_member_on=date(end.year - 6, 12, 31))  # 6 years
    member(city.a, joined_on=date(end.year - 52, 1, 1), full_member_on=date(end.year - 51, 12, 31))  # 51 years
    member(city.a, joined_on=date(end.year - 12, 1, 1))  # no 转正 date: from the joining date, 12 years
    member(city.a, status=MemberStatus.PROBATIONARY, joined_on=date(end.year, 3, 1))
    member(city.a)  # a full member without any date
    party_age = figures(by_key(selectors.member_tables(city.a.area, end))["party_age"])
    assert party_age["party_age_0"].value == 1
    assert party_age["party_age_1"].value == 1
    assert party_age["party_age_2"].value == 1
    assert party_age["party_age_6"].value == 1
    assert party_age["party_age_probationary"].value == 1
    assert party_age["party_age_blank"].value == 1


def test_a_member_made_full_after_the_as_of_date_was_probationary_then(city):
    year = last_year()
    Member.objects.filter(organization=city.a.branch).delete()
    member(city.a, joined_on=date(year, 5, 1), full_member_on=date(year + 1, 5, 1))
    member(city.a, joined_on=date(year - 3, 5, 1), full_member_on=date(year - 2, 5, 1))
    then = by_key(selectors.member_tables(city.a.area, year_end(year)))
    status = figures(then["status"])
    assert status[f"status_{MemberStatus.FULL}"].value == status[f"status_{MemberStatus.PROBATIONARY}"].value == 1
    assert figures(then["party_age"])["party_age_probationary"].value == 1
    now = figures(by_key(selectors.member_tables(city.a.area, date(year + 1, 6, 1)))["status"])
    assert now[f"status_{MemberStatus.FULL}"].value == 2


def test_a_member_joined_after_the_as_of_date_is_not_counted_that_year(city):
    end = year_end(last_year())
    before = by_key(selectors.member_tables(city.a.area, end))["gender"].total.value
    member(city.a, joined_on=end + timedelta(days=1), status=MemberStatus.PROBATIONARY)
    assert by_key(selectors.member_tables(city.a.area, end))["gender"].total.value == before
    assert by_key(selectors.member_tables(city.a.area, timezone.localdate()))["gender"].total.value == before + 1


def test_a_transferred_out_member_leaves_the_tables_and_counts_as_departure(city):
    today = timezone.localdate()
    cadre = user_with(Role.COMMUNITY, city.a.area)
    leaving = member(city.a, gender=Gender.FEMALE)
    before = by_key(selectors.all_tables(city.a.area, today.year, today))
    transfer_actions.transfer_letter_out(actor=cadre, member=leaving, destination="外省某党支部")
    after = by_key(selectors.all_tables(city.a.area, today.year, today))
    for key in MEMBER_TABLES:
        assert after[key].total.value == before[key].total.value - 1
    assert after["gender"].rows[1].value == before["gender"].rows[1].value - 1  # 女
    flow = figures(after["flow"])
    assert flow["transferred_out"].value == figures(before["flow"])["transferred_out"].value + 1
    assert flow["net"].value == flow["admitted"].value + flow["transferred_in"].value - flow["transferred_out"].value


def test_a_transfer_within_the_area_is_no_departure_one_across_it_is(city):
    today = timezone.localdate()
    admin = user_with(Role.ADMIN, city.city)
    moving = member(city.a)
    transfer = transfer_actions.transfer_start(actor=admin, member=moving, to_org=city.b.branch)
    transfer_actions.transfer_accept(actor=admin, transfer=transfer)
    street = figures(selectors.flow_table(city.street, today.year, today))
    assert street["transferred_in"].value == street["transferred_out"].value == 0
    assert figures(selectors.flow_table(city.a.area, today.year, today))["transferred_out"].value == 1
    assert figures(selectors.flow_table(city.b.area, today.year, today))["transferred_in"].value == 1
    assert Member.objects.get(pk=moving.pk).organization == city.b.branch
    b_total = by_key(selectors.member_tables(city.b.area, today))["gender"].total.value
    assert b_total == Member.objects.current().filter(organization__area__in=[city.b.area, city.b.compound]).count()


def test_development_figures_count_the_year_only(city):
    year = last_year()
    end = year_end(year)
    rules = ensure_rules()
    this_year = make_case(city.a.branch, applied_on=date(year, 3, 1))
    year_before = make_case(city.a.branch, applied_on=date(year - 1, 3, 1))
    for case, on in ((this_year, date(year, 11, 1)), (year_before, date(year - 1, 11, 1))):
        for code in ("activist_recommend", "candidate_determined", "approval"):
            DevelopmentStep.objects.create(case=case, code=code, rule_set=rules, on=on)
    make_case(city.b.branch, applied_on=date(year, 5, 1))  # another community
    converted = member(city.a, joined_on=date(year - 1, 6, 1), full_member_on=date(year, 6, 1))
    member(city.a, joined_on=date(year - 2, 6, 1), full_member_on=date(year - 1, 6, 1))  # the year before
    flow = figures(selectors.flow_table(city.a.area, year, end))
    assert flow["applied"].value == 1
    assert flow["activists"].value == flow["candidates"].value == flow["admitted"].value == 1
    assert flow["converted"].value == 1, converted
    street = figures(selectors.flow_table(city.street, year, end))
    assert street["applied"].value == 2 and street["admitted"].value == 1
    earlier = figures(selectors.flow_table(city.a.area, year - 1, year_end(year - 1)))
    assert earlier["admitted"].value == 1 and earlier["applied"].value == 1


def test_organization_tables_by_kind_and_category_with_secretaries(city):
    member(city.a, org_role=OrgRole.SECRETARY)
    # 交叉任职: the community committee's secretary is a member of a branch below it
    cross = member(city.b, org_role=OrgRole.COMMITTEE_MEMBER)
    PartyOrg.objects.filter(pk=city.b.committee.pk).update(secretary=cross)
    gone = member(city.b)
    PartyOrg.objects.filter(pk=city.street_org.pk).update(secretary=gone)
    Member.objects.filter(pk=gone.pk).update(contact_state=ContactState.TRANSFERRED_OUT)  # no longer counts
    results = by_key(selectors.org_tables(city.street))
    kinds = figures(results["org_kind"])
    # the street's working committee, two community committees, two branches, two groups
    assert kinds[f"org_kind_{OrgKind.COMMITTEE}"].value == 2
    assert kinds[f"org_kind_{OrgKind.WORKING_COMMITTEE}"].value == 1
    assert kinds[f"org_kind_{OrgKind.BRANCH}"].value == 2 and kinds[f"org_kind_{OrgKind.BRANCH}"].extra == 1
    assert kinds[f"org_kind_{OrgKind.GROUP}"].value == 2
    assert kinds[f"org_kind_{OrgKind.COMMITTEE}"].extra == 1
    assert kinds[f"org_kind_{OrgKind.WORKING_COMMITTEE}"].extra == 0
    for result in results.values():
        assert sum(r.value for r in result.rows) == result.total.value == 7
        assert sum(r.extra for r in result.rows) == result.total.extra == 2


def test_bands_are_data_and_cut_at_whole_years():
    end = date(2025, 12, 31)
    q = tables.band_q("birth_date", end, 31, 35)
    assert q == Q(birth_date__isnull=False) & Q(birth_date__lte=date(1994, 12, 31)) & Q(birth_date__gt=date(1989, 12, 31))
    assert tables.years_before(date(2024, 2, 29), 1) == date(2023, 2, 28)
    labels = [str(label) for label, _lo, _hi in tables.AGE_BANDS]
    assert labels[0] == "30岁及以下" and labels[-1] == "71岁及以上"
    # the bands tile the ages: each starts one year above the previous end
    for (_l1, _lo1, hi1), (_l2, lo2, _hi2) in zip(tables.AGE_BANDS, tables.AGE_BANDS[1:]):
        assert lo2 == hi1 + 1
    for (_l1, _lo1, hi1), (_l2, lo2, _hi2) in zip(tables.PARTY_AGE_BANDS, tables.PARTY_AGE_BANDS[1:]):
        assert lo2 == hi1 + 1
