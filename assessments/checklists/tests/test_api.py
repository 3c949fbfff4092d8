"""Four-lists API: scoping (404 outside the subtree), refused roles (403, the own-
organization rule), refused steps (409), the workflow with multipart evidence, filters,
and pinned query counts at two data sizes."""
from datetime import timedelta

import pytest

from assessments.checklists import actions
from assessments.checklists.choices import Appraisal, ChecklistStatus, ItemKind, ItemStatus, ProblemSource
from assessments.checklists.models import Checklist, ChecklistItem
from assessments.checklists.tests.test_support import TODAY, YEAR, approved, draft, make_world, pdf_file, problem_with_fixes
from assessments.tests.budgets import BUDGETS
from dangjian.testing import api_client, ids, query_count
from organizations.tests.factories import PartyOrgFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    return make_world()


def test_scoping_lists_and_404_outside(w):
    mine = draft(w.city.a.branch, w.a_cadre)
    theirs = draft(w.city.b.branch, w.b_cadre)
    their_item = theirs.items.first()
    client = api_client(w.a_cadre)
    assert ids(client.get("/api/checklists/")) == {mine.pk}
    assert ids(client.get("/api/checklist-items/")) == set(mine.items.values_list("pk", flat=True))
    for path in ("submit", "approve", "midyear-check", "report", "appraise", "return"):
        assert client.post(f"/api/checklists/{theirs.pk}/{path}/", {"reason": "r", "note": "n", "text": "t",
                                                                     "appraisal": "good"}).status_code == 404, path
    assert client.patch(f"/api/checklist-items/{their_item.pk}/", {"title": "改"}).status_code == 404
    assert client.delete(f"/api/checklist-items/{their_item.pk}/").status_code == 404
    response = client.post("/api/checklist-items/", {"checklist": theirs.pk, "kind": "problem", "title": "x", "source": "monthly"})
    assert response.status_code == 404
    response = client.post("/api/checklists/", {"org": w.city.b.committee.pk, "year": YEAR})
    assert response.status_code == 404
    assert ChecklistItem.objects.get(pk=their_item.pk).title != "改"
    assert ids(api_client(w.street).get("/api/checklists/")) == {mine.pk, theirs.pk}


def test_roles_refused_with_403(w):
    checklist = draft(w.city.a.committee, w.a_cadre)
    grid = api_client(w.grid)
    assert grid.get(f"/api/checklists/{checklist.pk}/").status_code == 200
    assert grid.post(f"/api/checklists/{checklist.pk}/submit/").status_code == 403
    assert grid.post("/api/checklists/", {"org": w.city.a.branch.pk, "year": YEAR}).status_code == 403
    cadre = api_client(w.a_cadre)
    assert cadre.post(f"/api/checklists/{checklist.pk}/submit/").status_code == 200
    response = cadre.post(f"/api/checklists/{checklist.pk}/approve/")
    assert response.status_code == 403 and "本组织" in response.json()["detail"]
    response = api_client(w.street).post(f"/api/checklists/{checklist.pk}/approve/")
    assert response.status_code == 200 and response.json()["status"] == ChecklistStatus.APPROVED


def test_refused_step_is_409(w):
    checklist = approved(w.city.a.branch, w.a_cadre, w.a_cadre)
    client = api_client(w.a_cadre)
    response = client.post(f"/api/checklists/{checklist.pk}/submit/")
    assert response.status_code == 409 and "不能再次提交" in response.json()["detail"]
    item = checklist.items.filter(kind=ItemKind.RESPONSIBILITY).first()
    response = client.patch(f"/api/checklist-items/{item.pk}/", {"title": "改"}, format="json")
    assert response.status_code == 409
    response = client.post(f"/api/checklists/{checklist.pk}/appraise/", {"appraisal": "good"})
    assert response.status_code == 409 and "尚未述职" in response.json()["detail"]
    response = client.post(f"/api/checklists/{checklist.pk}/return/", {"reason": "r"})
    assert response.status_code == 409


def test_workflow_over_the_api(w):
    client = api_client(w.a_cadre)
    response = client.post("/api/checklists/", {"org": w.city.a.branch.pk, "year": YEAR}, format="json")
    assert response.status_code == 201, response.content
    pk = response.json()["id"]
    assert response.json()["status"] == ChecklistStatus.DRAFT
    response = client.post("/api/checklists/", {"org": w.city.a.branch.pk, "year": YEAR}, format="json")
    assert response.status_code == 400 and "year" in response.json()
    response = client.post("/api/checklist-items/", {"checklist": pk, "kind": "responsibility", "title": "每月主题党日",
                                                     "due_on": f"{YEAR}-12-31"}, format="json")
    assert response.status_code == 201, response.content
    item_id = response.json()["id"]
    response = client.post("/api/checklist-items/", {"checklist": pk, "kind": "rectification", "title": "r"}, format="json")
    assert response.status_code == 400 and {"problem", "due_on"} <= set(response.json())
    assert client.post(f"/api/checklists/{pk}/submit/").status_code == 200
    assert client.post(f"/api/checklists/{pk}/return/", {}, format="json").status_code == 400
    assert client.post(f"/api/checklists/{pk}/approve/").json()["status"] == ChecklistStatus.APPROVED
    response = client.post(f"/api/checklist-items/{item_id}/complete/", {"note": "完成", "evidence": pdf_file()}, format="multipart")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == ItemStatus.DONE and response.json()["has_evidence"]
    problem = client.post("/api/checklist-items/", {"checklist": pk, "kind": "problem", "title": "楼道堆物",
                                                    "source": ProblemSource.MONTHLY}, format="json").json()
    fix = client.post("/api/checklist-items/", {"checklist": pk, "kind": "rectification", "title": "清理", "problem": problem["id"],
                                                "due_on": str(TODAY)}, format="json").json()
    response = client.post(f"/api/checklist-items/{fix['id']}/close/", {"note": "已清理"}, format="json")
    assert response.status_code == 200 and response.json()["status"] == ItemStatus.CLOSED
    assert client.get(f"/api/checklist-items/{problem['id']}/").json()["status"] == ItemStatus.CLOSED
    assert client.post(f"/api/checklists/{pk}/midyear-check/", {"note": "推进有序"}).status_code == 200
    assert client.post(f"/api/checklists/{pk}/report/", {"text": "述职"}).status_code == 200
    response = client.post(f"/api/checklists/{pk}/appraise/", {"appraisal": Appraisal.GOOD, "note": "好"})
    assert response.status_code == 200
    body = response.json()
    assert body["appraisal"] == Appraisal.GOOD and body["figures"] == {"items": 1, "done": 1, "problems": 1, "closed": 1, "overdue": 0}
    assert [e["action"] for e in body["events"]][:1] == ["create"] and len(body["items"]) == 3


def test_filters(w):
    a_list = draft(w.city.a.branch, w.a_cadre)
    committee = draft(w.city.a.committee, w.a_cadre)
    actions.checklist_submit(actor=w.a_cadre, checklist=committee)
    actions.checklist_submit(actor=w.a_cadre, checklist=a_list)
    assert ids(api_client(w.a_cadre).get("/api/checklists/?awaiting=true")) == {a_list.pk}  # not its own committee's
    assert ids(api_client(w.street).get("/api/checklists/?awaiting=true")) == {a_list.pk, committee.pk}
    assert ids(api_client(w.street).get("/api/checklists/?q=社区党委")) == {committee.pk}
    assert ids(api_client(w.street).get(f"/api/checklists/?year={YEAR - 1}")) == set()
    checklist = approved(w.city.b.branch, w.b_cadre, w.b_cadre)
    _problem, (late, _fine) = problem_with_fixes(checklist, w.b_cadre, 2)
    ChecklistItem.objects.filter(pk=late.pk).update(due_on=TODAY - timedelta(days=4))
    response = api_client(w.street).get("/api/checklist-items/?overdue=true")
    assert ids(response) == {late.pk} and response.json()["results"][0]["days_overdue"] == 4
    assert ids(api_client(w.a_cadre).get("/api/checklist-items/?overdue=true")) == set()


def _grow(w, n):
    start = Checklist.objects.count()
    for i in range(start, start + n):
        org = PartyOrgFactory(name=f"API支部{i}", area=w.city.a.compound, parent=w.city.a.committee)
        checklist = approved(org, w.a_cadre, w.a_cadre)
        problem_with_fixes(checklist, w.a_cadre, 1)


@pytest.mark.parametrize(("address", "route"), [
    ("/api/checklists/", "checklist-list"), ("/api/checklist-items/", "checklist-item-list"),
    ("/api/checklists/?awaiting=true", "checklist-list"), ("/api/checklist-items/?overdue=true", "checklist-item-list"),
])
def test_street_list_query_counts_are_pinned(w, address, route):
    _grow(w, 2)
    small = query_count(api_client(w.street), address)
    _grow(w, 6)
    large = query_count(api_client(w.street), address)
    assert small == large <= BUDGETS[route], (small, large)


def test_street_detail_query_count_is_pinned(w):
    checklist = approved(w.city.a.branch, w.a_cadre, w.a_cadre)
    small = query_count(api_client(w.street), f"/api/checklists/{checklist.pk}/")
    for _ in range(5):
        problem_with_fixes(checklist, w.a_cadre, 2)
    large = query_count(api_client(w.street), f"/api/checklists/{checklist.pk}/")
    assert small == large <= BUDGETS["checklist-detail"], (small, large)
