"""The home page's work queues (portal/queues.py): for each role, what waits appears with
its count and the link to its action; what lies outside the user's subtree does not; a
done item leaves the queue; the "全部" link lists exactly the counted rows; and the page
stays within its query budget whatever the number of items."""
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments.checklists import actions as checklist_actions
from assessments.checklists.tests.test_support import draft
from assessments.scoring.choices import RunState
from assessments.scoring.models import Rubric, ScoringRun
from dangjian.testing.clients import captured_queries, listing, logged_in
from grids.diary import actions as diary_actions
from grids.diary.choices import DiaryKind, DiaryStatus
from grids.tests.factories import DiaryEntryFactory, grid_over
from organizations.grants.choices import Role
from organizations.tests.factories import MemberFactory, build_city, build_community, user_with
from portal.tests.budgets import BUDGETS
from services.checkins.models import MemberReport
from services.requests import actions as request_actions
from services.requests.tests.test_support import order, worker
from services.resident.choices import Satisfaction
from services.tests.factories import cadre, claimed, member_user, submit
from services.whistles import actions as whistle_actions
from services.whistles.tests.test_support import build_world, target_of, whistle
from services.wishes import actions as wish_actions

pytestmark = pytest.mark.django_db


def late_whistle(w, **kwargs):
    """A whistle blown yesterday whose report deadline passed an hour after."""
    then = timezone.now() - timedelta(days=1)
    return whistle(w, now=then, report_due=then + timedelta(hours=1), **kwargs)


def queues(user):
    """The sections of the user's home page, by key (and the page answers 200)."""
    response = logged_in(user).get(reverse("home"))
    assert response.status_code == 200
    return {s.key: s for s in response.context["queues"]}, response.content.decode()


def listed_count(user, url) -> int:
    """How many rows the section's "全部" list shows."""
    response = logged_in(user).get(url)
    assert response.status_code == 200, url
    return response.context["page_obj"].paginator.count


def urls(section):
    return [item.url for item in section.items]


def assert_waits(user, key, url, count=1):
    """``url`` is one of the first items of section ``key``, which counts ``count`` items,
    as many as its "全部" list shows; the page links both."""
    sections, html = queues(user)
    assert key in sections, f"no section {key!r} in {list(sections)}"
    section = sections[key]
    assert section.count == count and url in urls(section)
    assert listed_count(user, section.more_url) == count
    assert url in html and section.more_url.replace("&", "&amp;") in html
    return section


def assert_not_waiting(user, key, url):
    sections, _html = queues(user)
    assert key not in sections or url not in urls(sections[key])
    return sections.get(key)


# ------------------------------------------------------------------ street
def test_street_approves_a_checklist_from_its_queue(city):
    community_cadre = user_with(Role.COMMUNITY, city.a.area)
    street = user_with(Role.STREET, city.street)
    checklist = draft(city.a.committee, community_cadre)
    checklist_actions.checklist_submit(actor=community_cadre, checklist=checklist)
    link = reverse("checklist:detail", args=[checklist.pk])
    assert_waits(street, "checklists", link)

    other = build_city()
    assert_not_waiting(user_with(Role.STREET, other.street), "checklists", link)
    assert_not_waiting(community_cadre, "checklists", link)  # its own list is not its to approve

    checklist_actions.checklist_approve(actor=street, checklist=checklist)
    assert queues(street)[0]["checklists"].count == 0


def test_street_confirms_answered_whistles_and_sees_escalations_and_overdue():
    w = build_world()
    blown = whistle(w, actor=w.street_cadre, area=w.c.street)
    target = target_of(blown, w.housing)
    whistle_actions.whistle_report_in(actor=w.housing_user, target=target)
    whistle_actions.whistle_resolve(actor=w.housing_user, target=target, answer="已疏通")
    link = reverse("whistles:detail", args=[blown.pk])
    assert_waits(w.street_cadre, "whistles_confirm", link)
    assert_not_waiting(w.cadre_b, "whistles_confirm", link)

    whistle_actions.whistle_confirm(actor=w.street_cadre, target=target_of(blown, w.housing),
                                    satisfaction=Satisfaction.SATISFIED)
    assert queues(w.street_cadre)[0]["whistles_confirm"].count == 0

    # a community's whistle nobody reported in on: overdue, then escalated to the street
    late = whistle(w, report_due=timezone.now() + timedelta(minutes=1))
    later = timezone.now() + timedelta(hours=2)
    whistle_actions.whistle_escalate_overdue(now=later)
    late_link = reverse("whistles:detail", args=[late.pk])
    assert_waits(w.street_cadre, "whistles_escalated", late_link)
    assert_not_waiting(w.cadre_a, "whistles_escalated", late_link)


def test_street_sees_its_overdue_whistles_in_red():
    w = build_world()
    late = late_whistle(w)
    section = assert_waits(w.street_cadre, "whistles_overdue", reverse("whistles:detail", args=[late.pk]))
    assert section.items[0].due is not None
    whistle_actions.whistle_cancel(actor=w.cadre_a, whistle=late, reason="重复吹哨")
    assert queues(w.street_cadre)[0]["whistles_overdue"].count == 0


# ------------------------------------------------------------------ community
def test_community_reviews_wishes_and_dispatches_requests(city):
    me = cadre(city.a)
    wish = submit(city.a)
    req = order(city.a)
    theirs = submit(city.b)
    wish_link = reverse("services:wish_detail", args=[wish.pk])
    req_link = reverse("requests:detail", args=[req.pk])
    assert_waits(me, "wishes_review", wish_link)
    assert_waits(me, "requests_dispatch", req_link)
    assert_not_waiting(me, "wishes_review", reverse("services:wish_detail", args=[theirs.pk]))
    assert_not_waiting(cadre(city.b), "requests_dispatch", req_link)

    wish_actions.wish_publish(actor=me, wish=wish)
    member = member_user(city.a.members[0])
    request_actions.request_dispatch(actor=me, request=req, member=member.member)
    sections, _html = queues(me)
    assert sections["wishes_review"].count == 0 and sections["requests_dispatch"].count == 0
    assert sections["wishes_review"].empty in _html


def test_community_sees_members_whose_report_lapsed(city):
    me = cadre(city.a)
    lapsed = MemberFactory(name="在职甲", organization=city.a.branch, residence=city.a.building, in_service=True)
    today = timezone.localdate()
    MemberReport.objects.create(member=lapsed, community=city.a.area, reported_on=today - timedelta(days=400),
                                valid_until=today - timedelta(days=200))
    theirs = MemberFactory(name="在职乙", organization=city.b.branch, residence=city.b.building, in_service=True)
    MemberReport.objects.create(member=theirs, community=city.b.area, reported_on=today - timedelta(days=400),
                                valid_until=today - timedelta(days=200))
    key = f"reports_lapsed_{city.a.area.pk}"
    section = assert_waits(me, key, reverse("reporting:member_detail", args=[lapsed.pk]))
    assert section.items[0].overdue
    assert reverse("reporting:member_detail", args=[theirs.pk]) not in urls(section)

    MemberReport.objects.create(member=lapsed, community=city.a.area, reported_on=today,
                                valid_until=today + timedelta(days=180))
    assert queues(me)[0][key].count == 0


# ------------------------------------------------------------------ grid
def test_grid_worker_sees_tasks_open_problems_and_its_diary(city):
    me = worker(city.a)
    grid_user = me.user
    from organizations.tests.factories import grant

    grant(grid_user, Role.GRID, city.a.area)
    grid = grid_over(city.a.area, city.a.compound)
    problem = DiaryEntryFactory(grid=grid, kind=DiaryKind.PROBLEM, status=DiaryStatus.OPEN, text="3号楼路灯不亮",
                                author=grid_user, occurred_on=timezone.localdate() - timedelta(days=2))
    other = build_city()
    theirs = DiaryEntryFactory(grid=grid_over(other.a.area, other.a.compound), kind=DiaryKind.PROBLEM,
                               status=DiaryStatus.OPEN, text="别处的问题")
    req = order(city.a)
    request_actions.request_dispatch(actor=cadre(city.a), request=req, worker=me)

    assert_waits(grid_user, "diary_open", reverse("grids:diary_detail", args=[problem.pk]))
    assert_not_waiting(grid_user, "diary_open", reverse("grids:diary_detail", args=[theirs.pk]))
    assert_waits(grid_user, "tasks", reverse("requests:detail", args=[req.pk]))
    sections, html = queues(grid_user)
    assert reverse("grids:diary_create") in html and reverse("grids:diary_list") in html

    diary_actions.diary_resolve(actor=grid_user, entry=problem, resolution="已报修")
    request_actions.request_accept(actor=grid_user, request=req)
    request_actions.request_resolve(actor=grid_user, request=req, note="已修好")
    sections, _html = queues(grid_user)
    assert sections["diary_open"].count == 0 and sections["tasks"].count == 0


# ------------------------------------------------------------------ member
def _member_account(community):
    from organizations.tests.factories import grant

    user = member_user(community.members[0])
    grant(user, Role.MEMBER, community.area)
    return user


def test_member_sees_claims_tasks_hours_and_report_due(city):
    me = _member_account(city.a)
    wish = claimed(city.a, me)
    req = order(city.a)
    request_actions.request_dispatch(actor=cadre(city.a), request=req, member=me.member)
    assert_waits(me, "claims", reverse("services:wish_detail", args=[wish.pk]))
    assert_waits(me, "tasks", reverse("requests:detail", args=[req.pk]))
    sections, html = queues(me)
    figure = sections["me"].figure
    assert figure["hours"] == 0 and figure["target"] > 0 and figure["report"] is None  # not in service
    assert reverse("reporting:mine") in html

    someone = _member_account(city.b)
    assert_not_waiting(someone, "claims", reverse("services:wish_detail", args=[wish.pk]))
    assert_not_waiting(someone, "tasks", reverse("requests:detail", args=[req.pk]))

    wish_actions.wish_fulfil(actor=me, wish=wish, note="已送到")
    request_actions.request_accept(actor=me, request=req)
    request_actions.request_resolve(actor=me, request=req, note="已更换灯泡")
    sections, _html = queues(me)
    assert sections["claims"].count == 0 and sections["tasks"].count == 0
    assert sections["me"].figure["hours"] == 2  # one hour for the wish, one for the request


def test_in_service_member_is_asked_to_report_until_reported(city):
    me = _member_account(city.a)
    me.member.in_service = True
    me.member.save(update_fields=["in_service"])
    sections, html = queues(me)
    report = sections["me"].figure["report"]
    assert report["due"] and report["label"] == "未报到" and "去报到" in html

    from services.checkins import actions as checkin_actions

    checkin_actions.member_report_in(actor=me, member=me.member)
    report = queues(me)[0]["me"].figure["report"]
    assert not report["due"] and report["label"] == "已报到" and report["until"] > timezone.localdate()


# ------------------------------------------------------------------ department / unit
def test_department_reports_in_and_resolves_from_its_queue():
    w = build_world()
    blown = late_whistle(w)
    link = reverse("whistles:detail", args=[blown.pk])
    section = assert_waits(w.housing_user, "inbox", link)
    assert section.items[0].overdue and "待报到" in section.items[0].label
    _sections, html = queues(w.housing_user)
    assert 'data-testid="overdue"' in html
    assert_not_waiting(w.urban_user, "inbox", link)  # another department: not its whistle

    target = target_of(blown, w.housing)
    whistle_actions.whistle_report_in(actor=w.housing_user, target=target)
    section = assert_waits(w.housing_user, "inbox", link)
    assert "已报到" in section.items[0].label and not section.items[0].overdue  # now the resolve deadline
    whistle_actions.whistle_resolve(actor=w.housing_user, target=target_of(blown, w.housing), answer="已疏通")
    # a responder account without a grant: the section shows only while something waits
    assert "inbox" not in queues(w.housing_user)[0]


def test_a_granted_department_without_whistles_sees_an_empty_queue_and_others_none(city):
    sections, html = queues(user_with(Role.DEPARTMENT, city.district))
    assert sections["inbox"].count == 0 and sections["inbox"].empty in html
    assert "inbox" not in queues(user_with(Role.STREET, city.street))[0]  # not a responder: nothing to show


# ------------------------------------------------------------------ district / admin
def test_district_sees_failed_scoring_runs_and_lists_awaiting_it(city):
    district = user_with(Role.DISTRICT, city.district)
    rubric = Rubric.objects.order_by("pk").first()
    run = ScoringRun.objects.create(rubric=rubric, period_kind="year", period_key="2025", period_start=date(2025, 1, 1),
                                    period_end=date(2025, 12, 31), state=RunState.FAILED, error="boom")
    assert_waits(district, "runs_failed", reverse("scoring:run_detail", args=[run.pk]))
    street_sections, _html = queues(user_with(Role.STREET, city.street))
    assert "runs_failed" not in street_sections  # a street does not start runs

    street_cadre = user_with(Role.STREET, city.street)
    checklist = draft(city.street_org, street_cadre)
    checklist_actions.checklist_submit(actor=street_cadre, checklist=checklist)
    assert_waits(district, "checklists", reverse("checklist:detail", args=[checklist.pk]))

    run.state = RunState.DONE
    run.save(update_fields=["state"])
    assert queues(district)[0]["runs_failed"].count == 0


def test_sections_show_five_items_and_count_all(city):
    me = cadre(city.a)
    wishes = [submit(city.a, text=f"心愿{i}") for i in range(7)]
    section = queues(me)[0]["wishes_review"]
    assert section.count == 7 and len(section.items) == 5
    # oldest first: the first five submitted
    assert urls(section) == [reverse("services:wish_detail", args=[w.pk]) for w in wishes[:5]]
    assert "全部 7 项" in section.more_label


# ------------------------------------------------------------------ query budget
def _member_of(community):
    return _member_account(community)


ROLE_USERS = {
    "district": lambda c: user_with(Role.DISTRICT, c.district),
    "street": lambda c: user_with(Role.STREET, c.street),
    "community": lambda c: user_with(Role.COMMUNITY, c.a.area),
    "grid": lambda c: user_with(Role.GRID, c.a.area),
    "member": lambda c: _member_of(c.a),
    "department": lambda c: user_with(Role.DEPARTMENT, c.district),
}


def _more_work(c, rounds, user):
    """Items waiting in every queue of community 甲: wishes, requests, late whistles, diary
    problems (and the member's claims and tasks), and more communities."""
    from assessments.tests.factories import ActivityFactory
    from services.whistles.models import Department

    w_cadre = cadre(c.a)
    grid = grid_over(c.a.area, c.a.compound)
    member = getattr(user, "member", None)
    for i in range(rounds):
        submit(c.a, text=f"更多心愿{i}")
        req = order(c.a)
        if member is not None:
            claimed(c.a, user)
            request_actions.request_dispatch(actor=w_cadre, request=req, member=member)
        then = timezone.now() - timedelta(days=1)
        whistle_actions.whistle_create(actor=w_cadre, area=c.a.area, title=f"吹哨{i}", description="说明",
                                       departments=list(Department.objects.all()), now=then,
                                       report_due=then + timedelta(hours=1))
        DiaryEntryFactory(grid=grid, kind=DiaryKind.PROBLEM, status=DiaryStatus.OPEN)
        ActivityFactory(org=c.a.branch, starts_at=timezone.now(), ends_at=timezone.now() + timedelta(hours=1))
        build_community(c.street, c.street_org, f"丁{i}", members=2)


@pytest.mark.parametrize("role", list(ROLE_USERS))
def test_home_query_count_is_flat_and_within_budget(city, role):
    from services.whistles.models import Department

    Department.objects.create(name="住建局", area=city.district)
    user = ROLE_USERS[role](city)
    client = logged_in(user)
    client.get(reverse("home"))
    _response, few = captured_queries(client, reverse("home"))
    _more_work(city, 3, user)
    response, many = captured_queries(client, reverse("home"))
    assert len(many) == len(few), listing(many)
    assert len(many) <= BUDGETS[f"home-{role}"], listing(many)
    assert response.context["queues"] is not None


# ------------------------------------------------------------------ demo accounts
def test_demo_accounts_find_work_waiting_and_a_second_run_adds_nothing(city):
    """The demo parts give the demo accounts something in every queue they would find
    empty (a wish to review and to fulfil, tasks for the member and the grid worker, a list
    to approve), through the actions; run again they add nothing."""
    import random

    from assessments.checklists.demo import waiting_for_demo_accounts as lists_waiting
    from assessments.checklists.models import Checklist
    from grids.teams.models import GridTeamMember
    from organizations.tests.factories import UserFactory, grant
    from services.requests.demo import waiting_for_demo_accounts as requests_waiting
    from services.requests.models import ServiceRequest
    from services.wishes.demo import waiting_for_demo_accounts as wishes_waiting
    from services.wishes.models import Wish

    street = user_with(Role.STREET, city.street, username="street")
    community = user_with(Role.COMMUNITY, city.a.area, username="community")
    member = member_user(city.a.members[0], username="member")
    grant(member, Role.MEMBER, city.a.area)
    grid_user = UserFactory(username="grid")
    grant(grid_user, Role.GRID, city.a.compound)
    GridTeamMember.objects.create(grid=grid_over(city.a.area, city.a.compound), role="worker", user=grid_user,
                                  display_name="网格员")
    draft(city.a.committee, community)  # this year's list, still a draft

    def run():
        wishes_waiting(random.Random(1))
        requests_waiting(random.Random(1))
        lists_waiting(timezone.localdate().year, timezone.localdate())

    run()
    expected = {street: ["checklists"], community: ["wishes_review"], member: ["claims", "tasks"], grid_user: ["tasks"]}
    for user, keys in expected.items():
        sections, _html = queues(user)
        for key in keys:
            assert sections[key].count >= 1, (user.username, key)
    counts = (Wish.objects.count(), ServiceRequest.objects.count(), Checklist.objects.count())
    run()
    assert (Wish.objects.count(), ServiceRequest.objects.count(), Checklist.objects.count()) == counts
    assert queues(member)[0]["claims"].count == 1 and queues(member)[0]["tasks"].count == 1


def test_member_signs_in_at_an_open_activity_of_its_branch(city):
    from assessments.life import actions as life_actions
    from assessments.tests.factories import ActivityFactory

    me = _member_account(city.a)
    now = timezone.now()
    mine = ActivityFactory(org=city.a.branch, starts_at=now - timedelta(minutes=5), ends_at=now + timedelta(hours=1))
    theirs = ActivityFactory(org=city.b.branch, starts_at=now - timedelta(minutes=5), ends_at=now + timedelta(hours=1))
    section = assert_waits(me, "sign_ins", reverse("assessments:sign_in", args=[mine.signin_token]))
    assert reverse("assessments:sign_in", args=[theirs.signin_token]) not in urls(section)
    assert not section.items[0].overdue  # open until half an hour after the end

    life_actions.activity_sign_in(actor=me, token=mine.signin_token)
    assert queues(me)[0]["sign_ins"].count == 0


# ------------------------------------------------------------------ a member's life (issue 15)
def test_community_finds_its_overdue_development_step_and_not_the_other_communitys(city):
    from organizations.development.tests.factories import ensure_rules, make_case

    ensure_rules()
    case = make_case(city.a.branch, name="申请人甲")  # applied in 2023: the talk is long overdue
    other = make_case(city.b.branch, name="申请人乙")
    assert case.due_on is not None and case.due_on < timezone.localdate()
    a_cadre = user_with(Role.COMMUNITY, city.a.area)
    url = reverse("organizations:development_case_detail", args=[case.pk])
    section = assert_waits(a_cadre, "development_due", url)
    assert section.items[0].overdue
    assert_not_waiting(a_cadre, "development_due", reverse("organizations:development_case_detail", args=[other.pk]))


def test_community_finds_its_open_appraisal_until_the_branch_confirms_it():
    from assessments.appraisal import actions as appraisal_actions
    from assessments.appraisal.tests.support import grade_all, make_world, round_of

    w = make_world()
    appraisal = round_of(w.city.a.branch, w.a_cadre)
    url = reverse("assessments:appraisal:sheet", args=[appraisal.pk])
    assert_waits(w.a_cadre, "appraisals_open", url)
    assert_not_waiting(w.b_cadre, "appraisals_open", url)
    grade_all(appraisal, w.a_cadre, w.city.a.members)
    appraisal_actions.appraisal_confirm(actor=w.a_cadre, appraisal=appraisal)
    assert_not_waiting(w.a_cadre, "appraisals_open", url)


# ------------------------------------------------------------------ 居民议事 (services.deliberation)
def test_community_screens_proposals_and_moderates_comments_from_its_queue(city):
    from services.deliberation import actions as deliberation_actions
    from services.deliberation.tests.helpers import accepted, phone, proposed

    community_cadre = cadre(city.a)
    waiting = proposed(city.a)
    open_topic = accepted(city.a)
    comment = deliberation_actions.topic_comment(code=open_topic.code, phone=phone(), text="建议装在东门口")
    elsewhere = build_city()
    assert_waits(community_cadre, "deliberation_screen", reverse("deliberation:topic_detail", args=[waiting.pk]))
    assert_not_waiting(community_cadre, "deliberation_screen",
                       reverse("deliberation:topic_detail", args=[proposed(elsewhere.a).pk]))
    sections, html = queues(community_cadre)
    section = sections["deliberation_comments"]
    assert section.count == 1 and reverse("deliberation:topic_detail", args=[open_topic.pk]) in urls(section)
    assert "建议装在东门口" in html and reverse("deliberation:comment_queue") in html
    assert listed_count(community_cadre, section.more_url) == 1

    deliberation_actions.comment_show(actor=community_cadre, comment=comment)
    deliberation_actions.topic_decline(actor=community_cadre, topic=waiting, reason="属于个人诉求")
    sections, _html = queues(community_cadre)
    assert "deliberation_comments" not in sections or sections["deliberation_comments"].count == 0
    assert sections["deliberation_screen"].count == 0
