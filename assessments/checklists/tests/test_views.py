"""Four-lists pages: login, 404 outside the subtree, 403 for refused roles (the own-
organization rule included), the workflow through the browser forms, the flash message of
a refused step, evidence download, and pinned query counts at two data sizes."""
from datetime import date, timedelta

import pytest
from django.urls import reverse

from assessments.checklists import actions
from assessments.checklists.choices import Appraisal, ChecklistStatus, ItemKind, ItemStatus, ProblemSource
from assessments.checklists.models import Checklist, ChecklistItem
from assessments.checklists.tests.test_support import TODAY, YEAR, approved, draft, make_world, pdf_file, problem_with_fixes
from assessments.tests.budgets import BUDGETS
from dangjian.testing import count_queries, logged_in
from organizations.tests.factories import PartyOrgFactory

pytestmark = pytest.mark.django_db


def url(name, *args):
    return reverse(f"checklist:{name}", args=args)


@pytest.fixture
def w():
    return make_world()


# ------------------------------------------------------------------------------ access
# The list and detail pages (index, awaiting, overdue, a list) are the contracts' (test_contracts.py).
@pytest.mark.parametrize("name,args", [
    ("create", []), ("return", [1]), ("midyear", [1]),
    ("report", [1]), ("appraise", [1]), ("item_add", [1]), ("item_edit", [1]), ("item_progress", [1]),
    ("item_finish", [1]), ("item_evidence", [1]),
])
def test_anonymous_is_sent_to_login(client, name, args):
    response = client.get(url(name, *args))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_cadre_of_a_gets_404_on_everything_of_b(client, w):
    b_list = approved(w.city.b.branch, w.b_cadre, w.b_cadre)
    problem, (fix, _other) = problem_with_fixes(b_list, w.b_cadre)
    item = b_list.items.filter(kind=ItemKind.RESPONSIBILITY).first()
    logged_in(w.a_cadre, client)
    for address in (
        url("return", b_list.pk), url("midyear", b_list.pk), url("report", b_list.pk),
        url("appraise", b_list.pk), url("item_add", b_list.pk), url("item_edit", item.pk), url("item_progress", item.pk),
        url("item_finish", item.pk), url("item_finish", fix.pk), url("item_evidence", item.pk),
        url("create") + f"?org={w.city.b.branch.pk}",
    ):
        assert client.get(address).status_code == 404, address
    for address in (url("submit", b_list.pk), url("approve", b_list.pk), url("item_delete", item.pk)):
        assert client.post(address).status_code == 404, address
    response = client.post(url("item_finish", fix.pk), {"note": "偷偷销号"})
    assert response.status_code == 404
    assert ChecklistItem.objects.get(pk=fix.pk).status == ItemStatus.OPEN
    response = client.post(url("create"), {"org": w.city.b.committee.pk, "year": YEAR})
    assert response.status_code == 200 and "不在您的管辖范围内" in response.content.decode()
    assert not Checklist.objects.filter(org=w.city.b.committee).exists()


def test_lists_show_only_the_subtree(client, w):
    mine = draft(w.city.a.branch, w.a_cadre)
    theirs = draft(w.city.b.branch, w.b_cadre)
    ChecklistItem.objects.filter(checklist=theirs).update(due_on=TODAY - timedelta(days=3))
    actions.checklist_submit(actor=w.b_cadre, checklist=theirs)
    body = logged_in(w.a_cadre, client).get(url("index")).content.decode()
    assert w.city.a.branch.name in body and w.city.b.branch.name not in body
    overdue = client.get(url("overdue")).content.decode()
    assert "责任1" not in overdue
    awaiting = client.get(url("awaiting")).content.decode()
    assert w.city.b.branch.name not in awaiting
    assert mine.pk


def test_grid_worker_sees_but_cannot_act(client, w):
    checklist = draft(w.city.a.branch, w.a_cadre)
    item = checklist.items.first()
    logged_in(w.grid, client)
    assert client.get(url("detail", checklist.pk)).status_code == 200
    assert client.get(url("create")).status_code == 403
    assert client.get(url("item_add", checklist.pk)).status_code == 403
    assert client.get(url("item_edit", item.pk)).status_code == 403
    assert client.post(url("submit", checklist.pk)).status_code == 403
    assert client.post(url("item_delete", item.pk)).status_code == 403
    assert Checklist.objects.get(pk=checklist.pk).status == ChecklistStatus.DRAFT


def test_community_cadre_cannot_approve_committee_list_page(client, w):
    checklist = draft(w.city.a.committee, w.a_cadre)
    actions.checklist_submit(actor=w.a_cadre, checklist=checklist)
    logged_in(w.a_cadre, client)
    body = client.get(url("detail", checklist.pk)).content.decode()
    assert 'data-testid="approve"' not in body
    response = client.post(url("approve", checklist.pk))
    assert response.status_code == 403 and "本组织" in response.content.decode()
    assert client.post(url("return", checklist.pk), {"reason": "x"}).status_code == 403
    assert Checklist.objects.get(pk=checklist.pk).status == ChecklistStatus.SUBMITTED
    # the street cadre sees it awaiting and approves it
    logged_in(w.street, client)
    index = client.get(url("index")).content.decode()
    assert w.city.a.committee.name in index
    assert 'data-testid="approve"' in client.get(url("detail", checklist.pk)).content.decode()
    response = client.post(url("approve", checklist.pk))
    assert response.status_code == 302
    assert Checklist.objects.get(pk=checklist.pk).status == ChecklistStatus.APPROVED


# ---------------------------------------------------------------------- the workflow
def test_workflow_through_the_forms(client, w):
    c = w.city
    logged_in(w.a_cadre, client)
    response = client.get(url("create") + f"?org={c.a.branch.pk}")
    chosen = f'<option value="{c.a.branch.pk}" selected>{c.a.branch.name}（{c.a.compound.name}）</option>'
    assert response.status_code == 200 and chosen in response.content.decode()  # the picker holds it
    response = client.post(url("create"), {"org": c.a.branch.pk, "year": YEAR})
    checklist = Checklist.objects.get(org=c.a.branch, year=YEAR)
    assert response.status_code == 302 and response["Location"] == url("detail", checklist.pk)
    response = client.post(url("item_add", checklist.pk) + "?kind=responsibility",
                           {"kind": "responsibility", "title": "每月主题党日", "owner": "王书记", "due_on": f"{YEAR}-12-31"})
    assert response.status_code == 302
    response = client.post(url("item_add", checklist.pk) + "?kind=assessment",
                           {"kind": "assessment", "title": "组织生活", "max_points": "20"})
    assert response.status_code == 302
    response = client.post(url("item_add", checklist.pk) + "?kind=responsibility", {"kind": "responsibility", "title": ""})
    assert response.status_code == 200 and "is-invalid" in response.content.decode()
    assert checklist.items.count() == 2
    client.post(url("submit", checklist.pk))
    assert Checklist.objects.get(pk=checklist.pk).status == ChecklistStatus.SUBMITTED
    # the committee's cadre (a_cadre) is the branch's superior: return with a reason, then approve
    response = client.post(url("return", checklist.pk), {"reason": ""})
    assert response.status_code == 200 and Checklist.objects.get(pk=checklist.pk).status == ChecklistStatus.SUBMITTED
    client.post(url("return", checklist.pk), {"reason": "请细化责任人"})
    detail = client.get(url("detail", checklist.pk)).content.decode()
    assert "请细化责任人" in detail
    client.post(url("submit", checklist.pk))
    client.post(url("approve", checklist.pk))
    assert Checklist.objects.get(pk=checklist.pk).status == ChecklistStatus.APPROVED
    item = checklist.items.get(kind=ItemKind.RESPONSIBILITY)
    response = client.post(url("item_finish", item.pk), {"note": "全年开展 12 次", "evidence": pdf_file()})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == ItemStatus.DONE and item.evidence
    download = client.get(url("item_evidence", item.pk))
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF-")
    response = client.post(url("item_add", checklist.pk) + "?kind=problem",
                           {"kind": "problem", "title": "楼道堆物", "source": ProblemSource.OBSERVATION})
    problem = checklist.items.get(kind=ItemKind.PROBLEM)
    response = client.post(url("item_add", checklist.pk) + "?kind=rectification",
                           {"kind": "rectification", "problem": problem.pk, "title": "集中清理", "due_on": str(TODAY)})
    assert response.status_code == 302
    fix = checklist.items.get(kind=ItemKind.RECTIFICATION)
    client.post(url("item_finish", fix.pk), {"note": "已清理完毕"})
    problem.refresh_from_db()
    assert problem.status == ItemStatus.CLOSED
    client.post(url("midyear", checklist.pk), {"note": "推进有序"})
    client.post(url("report", checklist.pk), {"report_text": "述职内容"})
    client.post(url("appraise", checklist.pk), {"appraisal": Appraisal.GOOD, "appraisal_note": "好"})
    checklist.refresh_from_db()
    assert (checklist.midyear_note, checklist.report_text, checklist.appraisal) == ("推进有序", "述职内容", Appraisal.GOOD)
    detail = client.get(url("detail", checklist.pk)).content.decode()
    for text in ("推进有序", "述职内容", "整改销号", "问题销号", "年终评议"):
        assert text in detail


def test_refused_step_is_a_flash_message(client, w):
    checklist = approved(w.city.a.branch, w.a_cadre, w.a_cadre)
    item = checklist.items.filter(kind=ItemKind.RESPONSIBILITY).first()
    logged_in(w.a_cadre, client)
    response = client.post(url("submit", checklist.pk), follow=True)
    assert response.status_code == 200 and "不能再次提交" in response.content.decode()
    response = client.post(url("item_delete", item.pk), follow=True)
    assert "草稿或被退回" in response.content.decode()
    assert ChecklistItem.objects.filter(pk=item.pk).exists()
    response = client.post(url("appraise", checklist.pk), {"appraisal": Appraisal.GOOD}, follow=True)
    assert "尚未述职" in response.content.decode()


def test_bad_evidence_is_shown_on_the_form(client, w):
    from django.core.files.uploadedfile import SimpleUploadedFile

    checklist = approved(w.city.a.branch, w.a_cadre, w.a_cadre)
    item = checklist.items.first()
    logged_in(w.a_cadre, client)
    response = client.post(url("item_finish", item.pk), {"note": "完成", "evidence": SimpleUploadedFile("a.pdf", b"nope")})
    assert response.status_code == 200 and "不符" in response.content.decode()
    assert ChecklistItem.objects.get(pk=item.pk).status == ItemStatus.OPEN


def test_overdue_items_for_the_superior(client, w):
    checklist = approved(w.city.a.branch, w.a_cadre, w.a_cadre)
    problem_with_fixes(checklist, w.a_cadre, 1, due_on=TODAY - timedelta(days=5))
    logged_in(w.street, client)
    body = client.get(url("overdue")).content.decode()
    assert w.city.a.branch.name in body and "整改1" in body
    assert ">5<" in body.replace(" ", "").replace("\n", "")


# ----------------------------------------------------------------------- query counts
def _grow(w, n):
    start = PartyOrgFactory._meta.model.objects.count()
    for i in range(start, start + n):
        org = PartyOrgFactory(name=f"新支部{i}", area=w.city.a.compound, parent=w.city.a.committee)
        checklist = approved(org, w.a_cadre, w.a_cadre)
        problem_with_fixes(checklist, w.a_cadre, 1, due_on=TODAY - timedelta(days=i % 20 + 1))
        checklist_b = draft(org, w.a_cadre, year=YEAR + 1 if TODAY.month > 6 else YEAR - 1)
        actions.checklist_submit(actor=w.a_cadre, checklist=checklist_b)


@pytest.mark.parametrize("page", ["index", "awaiting", "overdue"])
def test_street_list_pages_run_constant_queries(client, w, page):
    logged_in(w.street, client)
    _grow(w, 2)
    small = count_queries(lambda: client.get(url(page)))
    _grow(w, 6)
    large = count_queries(lambda: client.get(url(page)))
    assert small == large <= BUDGETS[f"checklist:{page}"], (small, large)


def _table(response):
    return response.content.decode().split('data-testid="checklist-table"', 1)[1]


def test_filters(client, w):
    draft(w.city.a.branch, w.a_cadre)
    draft(w.city.a.committee, w.a_cadre, year=YEAR - 1)
    logged_in(w.a_cadre, client)
    body = _table(client.get(url("index") + f"?year={YEAR - 1}"))
    assert w.city.a.committee.name in body and f"{w.city.a.branch.name}</a>" not in body
    body = _table(client.get(url("index") + "?q=小区"))
    assert f"{w.city.a.branch.name}</a>" in body and f"{w.city.a.committee.name}</a>" not in body
    assert date(YEAR, 1, 1)
