"""seed_demo: consistent trees, working demo accounts, Dandong's figures exactly, the bulk
province path at a fraction, and reproducibility."""
import random
from io import StringIO

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.db.models import Count, F
from django.test import Client
from django.urls import reverse

from dangjian.privacy import is_valid_id_number, is_valid_mobile
from organizations.areas.choices import AreaLevel
from organizations.areas.models import Area
from organizations.areas.selectors import area_summary
from organizations.demo import names
from organizations.demo.generator import DemoDataError, split_exact
from organizations.grants.choices import Role
from organizations.grants.models import Grant
from organizations.members.choices import MemberStatus
from organizations.members.models import CentralHousehold, Member
from organizations.orgs.choices import FormationMode, OrgCategory, OrgKind
from organizations.orgs.models import PartyOrg
from organizations.tests.factories import build_city
from organizations.trees.check import check_all_trees
from organizations.units.models import ResidentUnit

ACCOUNTS = {
    "admin": (Role.ADMIN, AreaLevel.CITY),
    "district": (Role.DISTRICT, AreaLevel.CITY),
    "street": (Role.STREET, AreaLevel.STREET),
    "community": (Role.COMMUNITY, AreaLevel.COMMUNITY),
    "grid": (Role.GRID, AreaLevel.COMPOUND),
    "member": (Role.MEMBER, AreaLevel.COMMUNITY),
    "member2": (Role.MEMBER, AreaLevel.COMMUNITY),
    "department": (Role.DEPARTMENT, AreaLevel.DISTRICT),
    "unit": (Role.DEPARTMENT, AreaLevel.COMMUNITY),
}


def seed(*args):
    """Run seed_demo; the trees-and-accounts tests leave out grids and organizational life
    (``--life none``) unless a test asks for them."""
    if "--life" not in args:
        args = (*args, "--life", "none")
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def table_counts():
    return (Area.objects.count(), PartyOrg.objects.count(), Member.objects.count(),
            CentralHousehold.objects.count(), ResidentUnit.objects.count(), Grant.objects.count())


# ------------------------------------------------------------------------------ small
@pytest.mark.django_db
def test_small_scale_gives_consistent_trees_and_working_accounts():
    output = seed("--scale", "small")
    assert check_all_trees() == []
    assert "区域树" in output and "秒" in output  # timings per phase
    city = Area.objects.get(parent__isnull=True)
    assert city.name == "丹东市"
    summary = area_summary(city)
    assert summary["by_level"][AreaLevel.STREET] == 2
    assert summary["by_level"][AreaLevel.COMMUNITY] == 6
    assert 12 <= summary["by_level"][AreaLevel.COMPOUND] <= 18
    assert 180 <= summary["members"]["total"] <= 220
    assert summary["central_households"] > 0
    assert ResidentUnit.objects.exists()
    # every compound has a branch, every branch and group hangs on the right area
    assert not Area.objects.filter(level=AreaLevel.COMPOUND).exclude(
        party_orgs__kind=OrgKind.BRANCH, party_orgs__category=OrgCategory.COMPOUND
    ).exists()
    assert not PartyOrg.objects.filter(kind=OrgKind.GROUP).exclude(area__level=AreaLevel.BUILDING).exists()
    assert not PartyOrg.objects.filter(kind=OrgKind.GROUP).exclude(parent__area=F("area__parent")).exists()

    User = get_user_model()
    for username, (role, level) in ACCOUNTS.items():
        user = User.objects.get(username=username)
        assert user.first_name, username
        grants = list(user.grants.filter(is_active=True).select_related("area"))
        assert [(g.role, g.area.level) for g in grants] == [(role, level)], username
        assert Client().login(username=username, password=settings.DEMO_PASSWORD), username
    admin = User.objects.get(username="admin")
    assert admin.is_superuser and admin.is_staff
    assert not User.objects.get(username="district").is_superuser
    # the member account is a member residing in the community it was granted
    member_user = User.objects.get(username="member")
    member = Member.objects.get(user=member_user)
    community = member_user.grants.get().area
    assert Member.objects.residing_within(community).filter(pk=member.pk).exists()
    assert member_user.first_name == member.name
    # member is an in-service member whose employer is a registered party organization;
    # member2 is another member of the same community (two members can race for a wish)
    assert member.in_service and member.employer_org_id is not None
    member2 = Member.objects.get(user__username="member2")
    assert member2.pk != member.pk and User.objects.get(username="member2").grants.get().area == community
    assert Member.objects.residing_within(community).filter(pk=member2.pk).exists()
    # the unit account answers whistles for a resident unit of the community
    from services.whistles.models import Responder

    unit_user = User.objects.get(username="unit")
    responder = Responder.objects.select_related("unit").get(user=unit_user)
    assert responder.unit.community_id == community.pk and unit_user.first_name == responder.unit.name
    assert unit_user.grants.get().area == community
    # the street, community and grid accounts are nested one inside the other
    street = User.objects.get(username="street").grants.get().area
    grid = User.objects.get(username="grid").grants.get().area
    assert community.parent_id == street.pk and grid.parent_id == community.pk
    # and the real login form accepts the demo password
    response = Client().post(reverse("login"), {"username": "street", "password": settings.DEMO_PASSWORD})
    assert response.status_code == 302


@pytest.mark.django_db
def test_if_empty_creates_nothing_the_second_time():
    seed("--scale", "small", "--if-empty")
    before = table_counts()
    assert before[0] > 0
    output = seed("--scale", "small", "--if-empty")
    assert "未生成" in output
    assert table_counts() == before


@pytest.mark.django_db
def test_existing_demo_data_needs_flush_and_same_seed_reproduces_it():
    seed("--scale", "small")
    first_names = list(Member.objects.order_by("id").values_list("name", "gender", "residence__code"))
    first_ids = sorted(m.id_number for m in Member.objects.all())
    with pytest.raises(CommandError, match="--flush"):
        seed("--scale", "small")
    output = seed("--scale", "small", "--flush")
    assert "已清除演示数据" in output
    assert check_all_trees() == []
    assert list(Member.objects.order_by("id").values_list("name", "gender", "residence__code")) == first_names
    assert sorted(m.id_number for m in Member.objects.all()) == first_ids
    # the accounts were re-pointed at the new trees, still one grant each
    assert Grant.objects.filter(user__username__in=ACCOUNTS).count() == len(ACCOUNTS)
    seed("--scale", "small", "--flush", "--seed", "7")
    assert list(Member.objects.order_by("id").values_list("name", "gender", "residence__code")) != first_names


@pytest.mark.django_db
def test_flush_removes_only_demo_trees_and_stops_when_other_data_protects_them():
    other = build_city()
    seed("--scale", "small")
    assert check_all_trees() == []
    demo_city = Area.objects.get(parent__isnull=True, name="丹东市")
    # a member of another tree designated as central household in a demo building protects it
    outsider = other.a.members[0]
    building = Area.objects.within(demo_city).filter(level=AreaLevel.BUILDING).first()
    CentralHousehold.objects.create(member=outsider, building=building, linked_households=5)
    before = table_counts()
    with pytest.raises(CommandError, match="党员中心户"):
        seed("--scale", "small", "--flush")
    assert table_counts() == before  # nothing removed
    CentralHousehold.objects.filter(member=outsider).delete()
    seed("--scale", "small", "--flush")
    assert check_all_trees() == []
    # the other tree, its organizations and members are untouched
    assert Area.objects.within(other.city).count() == 9
    assert set(Member.objects.filter(organization__in=[other.a.branch, other.b.branch])) == set(
        other.a.members + other.b.members
    )
    assert Area.objects.filter(parent__isnull=True).count() == 2


@pytest.mark.django_db
def test_fraction_only_with_province():
    with pytest.raises(CommandError, match="province"):
        seed("--scale", "small", "--fraction", "0.5")
    with pytest.raises(CommandError):
        seed("--scale", "province", "--fraction", "0")
    assert not Area.objects.exists()


# ---------------------------------------------------------------------------- dandong
@pytest.mark.django_db
def test_dandong_scale_reproduces_the_2020_figures_exactly():
    seed("--scale", "dandong")
    assert check_all_trees() == []
    city = Area.objects.get(parent__isnull=True)
    assert Area.objects.filter(parent__isnull=True).count() == 1
    assert city.name == "丹东市"
    summary = area_summary(city)
    assert summary["by_level"][AreaLevel.STREET] == 20
    assert summary["by_level"][AreaLevel.COMMUNITY] == 193
    assert summary["by_level"][AreaLevel.COMPOUND] == 788
    assert summary["orgs"]["compound_branches"] == 955
    assert summary["orgs"]["building_groups"] == 3027
    assert summary["central_households"] == 8621
    assert summary["members"]["total"] == 41312
    assert {a.name for a in city.get_children()} >= {"元宝区", "振兴区", "振安区"}
    assert 2000 <= summary["members"]["probationary"] <= 2300  # about 5%
    assert 0.25 <= summary["members"]["in_service"] / 41312 <= 0.35

    branches = PartyOrg.objects.filter(kind=OrgKind.BRANCH, category=OrgCategory.COMPOUND)
    per_compound = branches.values("area").annotate(n=Count("pk"))
    assert per_compound.count() == 788
    assert per_compound.filter(n=2).count() == 167
    assert branches.filter(formation=FormationMode.JOINT, joint_units__gte=2).exists()
    groups = PartyOrg.objects.filter(kind=OrgKind.GROUP, category=OrgCategory.BUILDING_GROUP)
    assert groups.values("area").distinct().count() == 3027
    assert not groups.exclude(area__level=AreaLevel.BUILDING).exists()
    assert not groups.exclude(parent__kind=OrgKind.BRANCH, parent__category=OrgCategory.COMPOUND).exists()
    assert not groups.exclude(parent__area=F("area__parent")).exists()
    community_orgs = PartyOrg.objects.filter(category=OrgCategory.COMMUNITY)
    assert community_orgs.count() == 193
    assert not community_orgs.exclude(kind__in=[OrgKind.COMMITTEE, OrgKind.GENERAL_BRANCH]).exists()
    assert PartyOrg.objects.filter(kind=OrgKind.WORKING_COMMITTEE, category=OrgCategory.STREET).count() == 20
    organ = PartyOrg.objects.filter(kind=OrgKind.BRANCH, category=OrgCategory.ORGAN)
    assert organ.filter(area=city).count() == 413
    assert organ.filter(area__level=AreaLevel.DISTRICT).count() == 542
    assert ResidentUnit.objects.values("community__parent__parent").distinct().count() == 3
    assert ResidentUnit.objects.count() >= 60

    # every member lives in a building and belongs to a branch of that building's compound
    assert not Member.objects.exclude(residence__level=AreaLevel.BUILDING).exists()
    assert not Member.objects.exclude(organization__area=F("residence__parent")).exists()
    assert not Member.objects.exclude(organization__category=OrgCategory.COMPOUND).exists()
    assert not Member.objects.filter(status=MemberStatus.FULL, full_member_on__isnull=True).exists()
    assert not Member.objects.filter(joined_on__lte=F("birth_date")).exists()
    assert Member.objects.filter(in_service=True).exclude(employer="").count() == summary["members"]["in_service"]
    # central households: a member of that building, 5 to 15 linked households
    assert not CentralHousehold.objects.exclude(member__residence=F("building")).exists()
    assert not CentralHousehold.objects.filter(linked_households__lt=5).exists()
    assert not CentralHousehold.objects.filter(linked_households__gt=15).exists()
    # buildings hold 12 to 120 households
    buildings = Area.objects.filter(level=AreaLevel.BUILDING)
    assert not buildings.filter(households__lt=12).exists() and not buildings.filter(households__gt=120).exists()
    # secretaries were set from the roster: each branch's own, the community's is one of its
    # compound branch secretaries, a group's leader lives in its building
    assert not branches.filter(secretary__isnull=True).exists()
    assert not branches.exclude(secretary__organization=F("pk")).exists()
    assert not community_orgs.filter(secretary__isnull=True).exists()
    assert not community_orgs.exclude(secretary__organization__parent=F("pk")).exists()
    assert groups.filter(secretary__isnull=False).count() > 2500
    assert not groups.filter(secretary__isnull=False).exclude(secretary__residence=F("area")).exists()

    # personal data: encrypted at rest, valid, unique
    assert Member.objects.values("id_number_hash").distinct().count() == 41312
    assert Member.objects.values("phone_hash").distinct().count() == 41312
    with connection.cursor() as cursor:
        cursor.execute("SELECT phone, id_number FROM organizations_member ORDER BY id LIMIT 50")
        raw = cursor.fetchall()
    assert all(p.startswith("fernet:") and i.startswith("fernet:") for p, i in raw)
    ids = random.Random(1).sample(list(Member.objects.values_list("pk", flat=True)), 1500)
    sample = list(Member.objects.filter(pk__in=ids))
    assert all(is_valid_id_number(m.id_number) and m.id_number.startswith("2106") for m in sample)
    assert all(is_valid_mobile(m.phone) for m in sample)
    assert all(2 <= len(m.name) <= 4 for m in sample)
    # the gender digit of the ID number agrees with the gender
    assert all((int(m.id_number[16]) % 2 == 1) == (m.gender == "M") for m in sample)
    assert all(m.id_number[6:14] == m.birth_date.strftime("%Y%m%d") for m in sample)


# --------------------------------------------------------------------------- province
@pytest.mark.django_db
def test_province_shape_at_one_percent_through_the_bulk_path():
    output = seed("--scale", "province", "--fraction", "0.01")
    assert check_all_trees() == []
    roots = Area.objects.filter(parent__isnull=True)
    assert roots.count() == 14
    assert set(roots.values_list("level", flat=True)) == {AreaLevel.CITY}
    assert {r.name for r in roots} == {name for _prefix, name, _d in names.LIAONING_CITIES}
    # fourteen organization trees too, one committee per city
    assert PartyOrg.objects.filter(parent__isnull=True, kind=OrgKind.COMMITTEE).count() == 14
    members = Member.objects.count()
    assert 9_000 <= members <= 11_000
    assert 1_800 <= Area.objects.filter(level=AreaLevel.BUILDING).count() <= 2_200
    assert 350 <= Area.objects.filter(level=AreaLevel.COMPOUND).count() <= 450
    assert 800 <= PartyOrg.objects.count() <= 1_300
    assert CentralHousehold.objects.count() == round(members * 0.2)
    # every city has districts, streets and members of its own
    per_city = {
        r.name: area_summary(r) for r in roots
    }
    assert all(s["members"]["total"] > 0 and s["by_level"].get(AreaLevel.STREET) for s in per_city.values())
    assert sum(s["members"]["total"] for s in per_city.values()) == members
    assert "沈阳市" in output
    # the demo accounts sit on the first city
    assert Grant.objects.get(user__username="district").area.name == "沈阳市"


# ------------------------------------------------------------------------- pure parts
def test_split_exact_hits_the_total_within_bounds():
    rng = random.Random(3)
    for total, n, lo, hi in [(3027, 788, 1, 6), (193, 20, 6, 14), (10, 10, 1, 1), (0, 5, 0, 4)]:
        parts = split_exact(rng, total, n, lo=lo, hi=hi)
        assert sum(parts) == total and len(parts) == n
        assert all(lo <= p <= hi for p in parts)
    parts = split_exact(rng, 100, 3, highs=[10, 50, 90], weights=[100, 1, 1])
    assert sum(parts) == 100 and parts[0] == 10
    with pytest.raises(DemoDataError):
        split_exact(rng, 100, 3, hi=10)


def test_names_look_chinese():
    rng = random.Random(5)
    people = [names.person_name(rng, rng.choice("MF"), rng.randint(1940, 2005)) for _ in range(500)]
    assert all(2 <= len(p) <= 4 for p in people)
    assert all("\u4e00" <= ch <= "\u9fff" for p in people for ch in p)
    surnames = [p[0] for p in people]
    assert surnames.count("王") + surnames.count("李") + surnames.count("张") > 50  # the common ones dominate
    assert names.cn_number(1) == "一" and names.cn_number(10) == "十" and names.cn_number(25) == "二十五"
    assert names.compound_branch_name("泰河花园") == "泰河花园小区党支部"
    assert names.compound_branch_name("锦江小区") == "锦江小区党支部"


@pytest.mark.django_db
def test_small_scale_also_seeds_grids_diary_and_a_year_of_organizational_life():
    from assessments.life.models import Activity, Attendance
    from grids.diary.models import DiaryEntry
    from grids.grids.models import Grid
    from grids.teams.models import GridTeamMember

    output = seed("--scale", "small", "--life", "all")
    assert "组织生活" in output
    community = Area.objects.filter(level=AreaLevel.COMMUNITY).first()
    assert Grid.objects.filter(community=community).count() >= 2
    assert GridTeamMember.objects.exists() and DiaryEntry.objects.exists()
    assert Activity.objects.count() > 100 and Attendance.objects.count() > Activity.objects.count()
    from services.wishes.models import Wish

    assert Wish.objects.filter(community=community).exists()
    # the demo grid worker was put on a grid's team: grants over that grid's places follow
    assignment = GridTeamMember.objects.get(user__username="grid")
    assert assignment.grants.count() == assignment.grid.coverage.count() > 0
    assert_every_demo_account_has_work_waiting()
    # --flush removes the dependents first, then the trees, and loads again
    seed("--scale", "small", "--flush", "--life", "all")
    assert_every_demo_account_has_work_waiting()
    assert Area.objects.filter(parent__isnull=True).count() == 1


def assert_every_demo_account_has_work_waiting():
    """Each demo account's queue holds an item after ``seed_demo --life all``, it opens the pages
    that list it, and seeding the queues again adds nothing."""
    from django.utils import timezone

    from assessments.checklists.choices import ChecklistStatus
    from assessments.checklists.models import Checklist
    from assessments.checklists.permissions import superior_q
    from assessments.life import schedule
    from assessments.life.models import Activity
    from grids.diary.choices import DiaryKind, DiaryStatus
    from grids.diary.models import DiaryEntry
    from organizations.demo.generator import ensure_demo_accounts
    from organizations.management.commands.seed_demo import Command
    from services.checkins.models import MemberReport
    from services.requests.choices import RequestStatus
    from services.requests.models import ServiceRequest
    from services.whistles.choices import TargetStatus, WhistleStatus
    from services.whistles.models import WhistleTarget, responder_q
    from services.wishes.choices import WishStatus
    from services.wishes.models import Wish

    User = get_user_model()
    users = {u.username: u for u in User.objects.all()}
    community = users["community"].grants.get().area
    member = Member.objects.select_related("organization").get(user=users["member"])
    today, now = timezone.localdate(), timezone.now()
    assert Wish.objects.filter(community=community, status=WishStatus.SUBMITTED).exists()
    assert Wish.objects.filter(community=community, status=WishStatus.PUBLISHED).exists()
    assert ServiceRequest.objects.filter(community=community, status=RequestStatus.SUBMITTED).exists()
    assert ServiceRequest.objects.filter(assigned_member=member, status=RequestStatus.DISPATCHED).exists()
    for username in ("department", "unit"):
        assert WhistleTarget.objects.filter(
            responder_q(users[username]), status=TargetStatus.NOTIFIED,
            whistle__status=WhistleStatus.OPEN).exists(), username
    assert Checklist.objects.filter(superior_q(users["street"]), status=ChecklistStatus.SUBMITTED).exists()
    assert DiaryEntry.objects.filter(grid__team__user=users["grid"], kind=DiaryKind.PROBLEM,
                                     status=DiaryStatus.OPEN).exists()
    assert any(schedule.signin_state(now, a.starts_at, a.ends_at) == schedule.SIGNIN_OPEN
               for a in Activity.objects.filter(org=member.organization))
    assert not MemberReport.objects.filter(member=member, valid_until__gte=today).exists()

    client = Client()
    client.force_login(users["member"])
    page = client.get(reverse("reporting:mine"))
    assert page.status_code == 200 and 'data-testid="self-report-button"' in page.content.decode()
    assert client.post(reverse("reporting:my_report"), {"skills": ""}).status_code == 302
    assert MemberReport.objects.filter(member=member, valid_until__gte=today).exists()  # 报到 done
    for username in ("unit", "department"):
        client.force_login(users[username])
        inbox = client.get(reverse("whistles:inbox"))
        assert inbox.status_code == 200, username
        assert "楼道堆物与消防通道占用" in inbox.content.decode() or username == "department"
    client.force_login(users["member2"])
    assert client.get(reverse("services:wish_wall")).status_code == 200

    accounts = ensure_demo_accounts(Area.objects.get(parent__isnull=True).code)
    MemberReport.objects.filter(member=member, valid_until__gte=today).delete()
    before = (Wish.objects.count(), ServiceRequest.objects.count(), WhistleTarget.objects.count(),
              Checklist.objects.count(), DiaryEntry.objects.count(), Activity.objects.count())
    assert Command()._seed_queues(accounts, seed=1, timings={}) == {}
    assert before == (Wish.objects.count(), ServiceRequest.objects.count(), WhistleTarget.objects.count(),
                      Checklist.objects.count(), DiaryEntry.objects.count(), Activity.objects.count())


@pytest.mark.django_db
def test_demo_accounts_give_member_an_employer_and_unit_a_stand_in_where_the_data_has_none():
    """Data whose demo community has no in-service member and no resident unit (another
    seed, or a city loaded by hand): member is made 在职 at a registered organ of the
    district, unit answers for a stand-in unit made once; running again changes nothing."""
    from organizations.demo.generator import DEMO_UNIT_NAME, ensure_demo_accounts
    from organizations.tests.factories import PartyOrgFactory

    c = build_city()
    with pytest.raises(DemoDataError, match="没有机关或企业党组织"):
        ensure_demo_accounts(c.city.code)
    organ = PartyOrgFactory(name="元宝区住建局机关党支部", kind=OrgKind.BRANCH, category=OrgCategory.ORGAN,
                            area=c.district, parent=c.city_org)
    for _run in range(2):
        accounts = {a.username: a for a in ensure_demo_accounts(c.city.code)}
        member = Member.objects.get(user__username="member")
        assert member.in_service and member.employer_org == organ and member.employer == organ.name
        assert Member.objects.get(user__username="member2").pk != member.pk
        assert accounts["unit"].node == c.a.area
        unit = ResidentUnit.objects.get()
        assert (unit.name, unit.community) == (DEMO_UNIT_NAME, c.a.area)
        assert get_user_model().objects.get(username="unit").first_name == DEMO_UNIT_NAME
