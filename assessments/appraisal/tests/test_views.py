"""The pages of 民主评议党员: the sheet's per-row refusal keeping what was typed, the figures
agreeing with the grades, a member seeing only their own grades, pinned query counts."""
import pytest
from django.urls import reverse

from assessments.appraisal.choices import AppraisalStatus, Grade
from assessments.appraisal.models import AppraisalGrade
from assessments.appraisal.tests.support import YEAR, confirmed, in_service, make_world, meeting, round_of
from assessments.tests.budgets import BUDGETS
from dangjian.testing.clients import captured_queries, logged_in
from organizations.grants.choices import Role
from organizations.tests.factories import MemberFactory, UserFactory, user_with

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    return make_world()


def _flat(client, url, budget, grow):
    client.get(url)
    response, few = captured_queries(client, url)
    assert response.status_code == 200
    grow()
    response, many = captured_queries(client, url)
    assert response.status_code == 200
    assert len(many) == len(few) <= budget, (len(few), len(many), budget)
    return response


def test_sheet_refuses_the_row_and_keeps_what_was_typed(w):
    a = round_of(w.city.a.branch, w.a_cadre)
    zhang = in_service(w.city.a, name="张在职")
    m1, m2 = w.city.a.members
    client = logged_in(w.a_cadre)
    url = reverse("assessments:appraisal:sheet", args=[a.pk])
    html = client.get(url).content.decode()
    assert "本年度未报到" in html and html.count('data-testid="sheet-row"') == 3
    data = {f"grade_{zhang.pk}": "qualified", f"grade_{m1.pk}": "basic", f"note_{m1.pk}": "",
            f"grade_{m2.pk}": "qualified", f"note_{m2.pk}": "会后补评"}
    response = client.post(url, data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "张在职是在职党员" in html and "不能评为“合格”" in html  # the rule, on its row
    assert "须填写评议说明" in html  # m1's missing note, on its row
    assert html.count('data-testid="row-error"') == 2
    assert 'value="会后补评"' in html  # what was typed is kept
    assert not AppraisalGrade.objects.exists()
    data.update({f"grade_{zhang.pk}": "basic", f"note_{zhang.pk}": "未到社区报到", f"note_{m1.pk}": "学习不够"})
    response = client.post(url, data)
    assert response.status_code == 302
    assert AppraisalGrade.objects.filter(appraisal=a).count() == 3


def test_sheet_refused_to_other_roles_and_after_confirmation(w):
    a = round_of(w.city.a.branch, w.a_cadre)
    url = reverse("assessments:appraisal:sheet", args=[a.pk])
    assert logged_in(w.b_cadre).get(url).status_code == 404
    grid = user_with(Role.GRID, w.city.a.area)
    assert logged_in(grid).get(url).status_code == 403
    a = confirmed(w.city.a.branch, w.a_cadre, YEAR - 1)
    response = logged_in(w.a_cadre).get(reverse("assessments:appraisal:sheet", args=[a.pk]))
    assert response.status_code == 302


def test_create_page_and_buttons(w):
    m = meeting(w.city.a.branch)
    client = logged_in(w.a_cadre)
    response = client.post(reverse("assessments:appraisal:create"),
                           {"org": w.city.a.branch.pk, "year": YEAR, "activity": m.pk})
    assert response.status_code == 302
    a = w.city.a.branch.appraisals.get()
    assert a.activity == m
    response = client.post(reverse("assessments:appraisal:create"),
                           {"org": w.city.a.branch.pk, "year": YEAR, "activity": m.pk})
    assert response.status_code == 200 and "已经建立" in response.content.decode()
    client.post(reverse("assessments:appraisal:sheet", args=[a.pk]),
                {f"grade_{x.pk}": "qualified" for x in w.city.a.members})
    response = client.post(reverse("assessments:appraisal:confirm", args=[a.pk]), follow=True)
    assert "已确认评议结果" in response.content.decode()
    a.refresh_from_db()
    assert a.status == AppraisalStatus.CONFIRMED
    response = logged_in(w.b_cadre).post(reverse("assessments:appraisal:approve", args=[a.pk]))
    assert response.status_code == 404


def test_pickers_list_only_own_branches_and_meetings(w):
    meeting(w.city.a.branch)
    meeting(w.city.b.branch)
    client = logged_in(w.a_cadre)
    orgs = client.get(reverse("assessments:appraisal:pick_orgs")).json()["results"]
    assert [o["id"] for o in orgs] == [w.city.a.branch.pk]
    meetings = client.get(reverse("assessments:appraisal:pick_meetings")).json()["results"]
    assert len(meetings) == 1 and w.city.a.branch.name in meetings[0]["text"]


def test_figures_agree_with_the_grades(w):
    extra = [MemberFactory(organization=w.city.a.branch) for _ in range(4)]
    a = round_of(w.city.a.branch, w.a_cadre)
    from assessments.appraisal import actions

    members = [*w.city.a.members, *extra]
    grades = ["excellent", "excellent", "qualified", "qualified", "basic", "unqualified"]
    actions.appraisal_grade(actor=w.a_cadre, appraisal=a, entries={
        m.pk: (g, "说明" if g in ("basic", "unqualified") else "") for m, g in zip(members, grades, strict=True)})
    actions.appraisal_confirm(actor=w.a_cadre, appraisal=a)
    round_of(w.city.b.branch, w.b_cadre)  # a draft: not a result
    client = logged_in(w.street)
    response = client.get(reverse("assessments:appraisal:figures") + f"?area={w.city.street.pk}&year={YEAR}")
    assert response.status_code == 200
    total, children = response.context["total"], {r.name: r for r in response.context["children"]}
    stored = dict.fromkeys(Grade.values, 0)
    for g in AppraisalGrade.objects.values_list("grade", flat=True):
        stored[g] += 1
    assert total.counts == stored and total.graded == 6 and total.excellent_share == 33
    assert total.branches == 2 and total.appraised == 1 and total.not_appraised == 1
    assert children["甲社区"].graded == 6 and children["乙社区"].graded == 0 and children["乙社区"].not_appraised == 1
    assert [o.pk for o in response.context["unappraised"]] == [w.city.b.branch.pk]
    # out of scope area: 404
    assert logged_in(w.a_cadre).get(reverse("assessments:appraisal:figures") + f"?area={w.city.b.area.pk}").status_code == 404


def test_member_sees_own_grades_only(w):
    confirmed(w.city.a.branch, w.a_cadre, YEAR)
    me, other = w.city.a.members
    user = UserFactory(username="member-self")
    me.user = user
    me.save(update_fields=["user"])
    client = logged_in(user)
    html = client.get(reverse("assessments:appraisal:mine")).content.decode()
    assert html.count('data-testid="history-row"') == 1 and str(YEAR) in html
    assert client.get(reverse("assessments:appraisal:member_history", args=[me.pk])).status_code == 200
    assert client.get(reverse("assessments:appraisal:member_history", args=[other.pk])).status_code == 404
    assert client.get(reverse("assessments:appraisal:index")).status_code == 403
    a = w.city.a.branch.appraisals.get()
    assert client.get(reverse("assessments:appraisal:detail", args=[a.pk])).status_code == 403
    from dangjian.testing.clients import api_client

    assert api_client(user).get(f"/api/member-appraisals/{a.pk}/").status_code == 403
    assert api_client(user).get("/api/member-appraisals/").status_code == 403


def test_drafts_are_not_in_the_member_record(w):
    a = round_of(w.city.a.branch, w.a_cadre)
    from assessments.appraisal import actions

    actions.appraisal_grade(actor=w.a_cadre, appraisal=a, entries={m.pk: ("qualified", "") for m in w.city.a.members})
    html = logged_in(w.a_cadre).get(
        reverse("assessments:appraisal:member_history", args=[w.city.a.members[0].pk])).content.decode()
    assert 'data-testid="history-row"' not in html


def test_member_page_links_the_history(w):
    html = logged_in(w.a_cadre).get(reverse("organizations:member_detail", args=[w.city.a.members[0].pk])).content.decode()
    assert reverse("assessments:appraisal:member_history", args=[w.city.a.members[0].pk]) in html


# ----------------------------------------------------------------- pinned query counts
def test_sheet_queries_flat(w):
    a = round_of(w.city.a.branch, w.a_cadre)
    url = reverse("assessments:appraisal:sheet", args=[a.pk])

    def grow():
        for i in range(5):
            in_service(w.city.a, name=f"在职{i}", report=bool(i % 2))

    _flat(logged_in(w.a_cadre), url, BUDGETS["assessments:appraisal:sheet"], grow)


def test_figures_queries_flat(w):
    url = reverse("assessments:appraisal:figures") + f"?area={w.city.street.pk}&year={YEAR}"
    from organizations.tests.factories import build_community

    def grow():
        confirmed(w.city.a.branch, w.a_cadre, YEAR)
        build_community(w.city.street, w.city.street_org, "丙")

    _flat(logged_in(w.street), url, BUDGETS["assessments:appraisal:figures"], grow)


def test_member_history_and_mine_queries_flat(w):
    me = w.city.a.members[0]
    user = UserFactory(username="member-self2")
    me.user = user
    me.save(update_fields=["user"])

    def grow():
        confirmed(w.city.a.branch, w.a_cadre, YEAR)
        confirmed(w.city.a.branch, w.a_cadre, YEAR - 1)

    _flat(logged_in(user), reverse("assessments:appraisal:mine"), BUDGETS["assessments:appraisal:mine"], lambda: None)
    _flat(logged_in(w.a_cadre), reverse("assessments:appraisal:member_history", args=[me.pk]),
          BUDGETS["assessments:appraisal:member_history"], grow)


def test_org_page_links_the_branch_rounds(w):
    confirmed(w.city.a.branch, w.a_cadre, YEAR)
    client = logged_in(w.a_cadre)
    html = client.get(reverse("organizations:org_detail", args=[w.city.a.branch.pk])).content.decode()
    url = reverse("assessments:appraisal:index") + f"?org={w.city.a.branch.pk}"
    assert url in html
    rows = client.get(url).context["page_obj"]
    assert [a.org_id for a in rows] == [w.city.a.branch.pk]
    html = client.get(reverse("organizations:org_detail", args=[w.city.a.committee.pk])).content.decode()
    assert 'data-testid="org-appraisals"' not in html
