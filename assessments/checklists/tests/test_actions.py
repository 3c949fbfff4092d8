"""Four lists (四张清单): the yearly workflow through the actions — legal and illegal
transitions, who may do what (the own-organization rule), item rules, 销号 closing the
problem, evidence checks, events and audit, and the submit race on PostgreSQL."""
import threading
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.http import Http404

from assessments.checklists import actions, permissions
from assessments.checklists.choices import Appraisal, ChecklistStatus, ItemKind, ItemStatus, ProblemSource
from assessments.checklists.models import Checklist, ChecklistEvent, ChecklistItem
from assessments.checklists.tests.test_support import TODAY, YEAR, approved, docx_file, draft, make_world, pdf_file, png_file, problem_with_fixes
from dangjian import errors
from dangjian.errors import PermissionDeniedError
from dangjian.models import AuditEvent
from organizations.grants.choices import Role
from organizations.tests.factories import user_with

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    return make_world()


# ------------------------------------------------------------------------ permissions
def test_own_org_rule_community_cadre(w):
    c = w.city
    # the community cadre edits the committee's list but cannot approve it (own organization) ...
    assert permissions.can_edit(w.a_cadre, c.a.committee)
    assert not permissions.is_superior(w.a_cadre, c.a.committee)
    # ... and approves the list of a compound branch under the committee
    assert permissions.is_superior(w.a_cadre, c.a.branch)
    # the street cadre approves the community committee's list
    assert permissions.is_superior(w.street, c.a.committee)
    assert not permissions.is_superior(w.street, c.street_org)  # the street's own organization
    assert permissions.is_superior(w.district, c.street_org)
    # roles that do not manage, or another community, are never superiors
    assert not permissions.is_superior(w.grid, c.a.branch)
    assert not permissions.is_superior(w.b_cadre, c.a.branch)


def test_cadre_with_a_grant_above_still_cannot_approve_own_org(w):
    c = w.city
    both = user_with(Role.COMMUNITY, c.a.area, username="both")
    from organizations.tests.factories import grant

    grant(both, Role.STREET, c.street)
    assert not permissions.is_superior(both, c.a.committee)
    org_grant = user_with(Role.COMMUNITY, c.a.branch, username="branch-org")  # a grant on the branch organization itself
    assert permissions.can_edit(org_grant, c.a.branch)
    assert not permissions.is_superior(org_grant, c.a.branch)
    assert permissions.is_superior(org_grant, c.a.group)


def test_community_cadre_cannot_approve_committee_list_but_street_can(w):
    c = w.city
    checklist = draft(c.a.committee, w.a_cadre)
    actions.checklist_submit(actor=w.a_cadre, checklist=checklist)
    with pytest.raises(PermissionDeniedError, match="本组织"):
        actions.checklist_approve(actor=w.a_cadre, checklist=checklist)
    with pytest.raises(PermissionDeniedError):
        actions.checklist_return(actor=w.a_cadre, checklist=checklist, reason="自己退回")
    actions.checklist_approve(actor=w.street, checklist=checklist)
    assert Checklist.objects.get(pk=checklist.pk).status == ChecklistStatus.APPROVED


def test_community_cadre_approves_branch_list(w):
    checklist = draft(w.city.a.branch, w.a_cadre)
    actions.checklist_submit(actor=w.a_cadre, checklist=checklist)
    done = actions.checklist_approve(actor=w.a_cadre, checklist=checklist)
    assert done.status == ChecklistStatus.APPROVED and done.approved_by == w.a_cadre


def test_out_of_scope_is_404_and_non_manager_is_403(w):
    c = w.city
    checklist = draft(c.b.branch, w.b_cadre)
    with pytest.raises(Http404):
        actions.checklist_submit(actor=w.a_cadre, checklist=checklist)
    with pytest.raises(Http404):
        actions.checklist_create(actor=w.a_cadre, org=c.b.committee, year=YEAR)
    with pytest.raises(PermissionDeniedError):
        actions.checklist_create(actor=w.grid, org=c.a.branch, year=YEAR)
    mine = draft(c.a.branch, w.a_cadre)
    with pytest.raises(PermissionDeniedError):
        actions.checklist_item_add(actor=w.grid, checklist=mine, kind=ItemKind.RESPONSIBILITY, title="x")


# ---------------------------------------------------------------------- the workflow
def test_full_year(w):
    c = w.city
    checklist = draft(c.a.committee, w.a_cadre)
    actions.checklist_submit(actor=w.a_cadre, checklist=checklist)
    returned = actions.checklist_return(actor=w.street, checklist=checklist, reason="责任清单过于笼统")
    assert returned.status == ChecklistStatus.RETURNED and returned.return_reason == "责任清单过于笼统"
    actions.checklist_item_add(actor=w.a_cadre, checklist=checklist, kind=ItemKind.RESPONSIBILITY, title="每季度走访驻区单位")
    actions.checklist_submit(actor=w.a_cadre, checklist=checklist)
    approved_ = actions.checklist_approve(actor=w.street, checklist=checklist)
    assert approved_.return_reason == "" and approved_.approved_at is not None
    item = checklist.items.filter(kind=ItemKind.RESPONSIBILITY).first()
    actions.item_progress(actor=w.a_cadre, item=item, note="已走访 3 家")
    actions.item_complete(actor=w.a_cadre, item=item, note="全年走访 12 家", evidence=pdf_file())
    item.refresh_from_db()
    assert item.status == ItemStatus.DONE and item.evidence and item.completed_at
    actions.checklist_midyear_check(actor=w.street, checklist=checklist, note="进度正常，注意问题整改")
    with pytest.raises(errors.TransitionError, match="尚未述职"):
        actions.checklist_appraise(actor=w.street, checklist=checklist, appraisal=Appraisal.GOOD)
    actions.checklist_report(actor=w.a_cadre, checklist=checklist, text="一年来，社区党委……")
    with pytest.raises(PermissionDeniedError):
        actions.checklist_appraise(actor=w.a_cadre, checklist=checklist, appraisal=Appraisal.GOOD)
    done = actions.checklist_appraise(actor=w.street, checklist=checklist, appraisal=Appraisal.FAIRLY_GOOD, note="整改还需加快")
    assert done.appraisal == Appraisal.FAIRLY_GOOD and done.appraised_by == w.street
    with pytest.raises(errors.TransitionError, match="不能重复评议"):
        actions.checklist_appraise(actor=w.street, checklist=checklist, appraisal=Appraisal.GOOD)
    with pytest.raises(errors.TransitionError, match="年终评议"):
        actions.checklist_item_add(actor=w.a_cadre, checklist=checklist, kind=ItemKind.PROBLEM, title="x",
                                   source=ProblemSource.OTHER)
    verbs = list(ChecklistEvent.objects.filter(checklist=checklist).order_by("at", "pk").values_list("action", flat=True))
    assert verbs[0] == "create"
    for expected in ("submitted", "returned", "approved", "item_progress", "item_complete", "midyear_check", "report", "appraise"):
        assert expected in verbs
    audit = set(AuditEvent.objects.filter(verb__startswith="checklist.").values_list("verb", flat=True))
    assert {"checklist.create", "checklist.submit", "checklist.return", "checklist.approve", "checklist.appraise"} <= audit


@pytest.mark.parametrize("status,verb,message", [
    (ChecklistStatus.DRAFT, "approve", "尚未提交"),
    (ChecklistStatus.DRAFT, "return", "尚未提交"),
    (ChecklistStatus.APPROVED, "submit", "不能再次提交"),
    (ChecklistStatus.APPROVED, "approve", "已审批通过"),
    (ChecklistStatus.APPROVED, "return", "不能退回"),
    (ChecklistStatus.SUBMITTED, "submit", "等待上级审批"),
    (ChecklistStatus.RETURNED, "approve", "重新提交"),
])
def test_illegal_transitions_are_refused(w, status, verb, message):
    checklist = draft(w.city.a.branch, w.a_cadre)
    Checklist.objects.filter(pk=checklist.pk).update(status=status)
    run = {
        "submit": lambda: actions.checklist_submit(actor=w.a_cadre, checklist=checklist),
        "approve": lambda: actions.checklist_approve(actor=w.street, checklist=checklist),
        "return": lambda: actions.checklist_return(actor=w.street, checklist=checklist, reason="r"),
    }[verb]
    with pytest.raises(errors.TransitionError, match=message):
        run()
    assert Checklist.objects.get(pk=checklist.pk).status == status


def test_submit_needs_a_responsibility_and_return_needs_a_reason(w):
    checklist = actions.checklist_create(actor=w.a_cadre, org=w.city.a.branch, year=YEAR)
    with pytest.raises(errors.TransitionError, match="责任清单还是空的"):
        actions.checklist_submit(actor=w.a_cadre, checklist=checklist)
    draft_ = draft(w.city.b.branch, w.b_cadre)
    actions.checklist_submit(actor=w.b_cadre, checklist=draft_)
    with pytest.raises(ValidationError) as exc:
        actions.checklist_return(actor=w.street, checklist=draft_, reason="  ")
    assert "reason" in exc.value.message_dict


def test_midyear_report_need_approval(w):
    checklist = draft(w.city.a.branch, w.a_cadre)
    with pytest.raises(errors.TransitionError, match="审批通过后"):
        actions.checklist_midyear_check(actor=w.a_cadre, checklist=checklist, note="n")
    with pytest.raises(errors.TransitionError, match="审批通过后"):
        actions.checklist_report(actor=w.a_cadre, checklist=checklist, text="t")
    with pytest.raises(PermissionDeniedError):
        actions.checklist_midyear_check(actor=w.grid, checklist=checklist, note="n")


def test_one_list_per_org_and_year_and_copy_from_last_year(w):
    c = w.city
    last = draft(c.a.branch, w.a_cadre, year=YEAR - 1, responsibilities=3)
    with pytest.raises(ValidationError, match="已经建立"):
        actions.checklist_create(actor=w.a_cadre, org=c.a.branch, year=YEAR - 1)
    with pytest.raises(ValidationError):
        actions.checklist_create(actor=w.a_cadre, org=c.a.branch, year=YEAR + 5)
    new = actions.checklist_create(actor=w.a_cadre, org=c.a.branch, year=YEAR, copy_last_year=True)
    copied = list(new.items.order_by("pk"))
    assert [i.title for i in copied] == ["责任1", "责任2", "责任3"]
    assert all(i.kind == ItemKind.RESPONSIBILITY and i.due_on == date(YEAR, 12, 31) for i in copied)
    assert last.items.count() == 4  # the old list keeps its items (3 + 1 assessment)


# ---------------------------------------------------------------------------- items
def test_planned_items_frozen_after_submit_but_problems_any_time(w):
    checklist = draft(w.city.a.branch, w.a_cadre)
    item = checklist.items.filter(kind=ItemKind.RESPONSIBILITY).first()
    actions.checklist_submit(actor=w.a_cadre, checklist=checklist)
    with pytest.raises(errors.TransitionError, match="草稿或被退回"):
        actions.checklist_item_add(actor=w.a_cadre, checklist=checklist, kind=ItemKind.RESPONSIBILITY, title="新增")
    with pytest.raises(errors.TransitionError):
        actions.checklist_item_update(actor=w.a_cadre, item=item, title="改")
    with pytest.raises(errors.TransitionError):
        actions.checklist_item_delete(actor=w.a_cadre, item=item)
    problem = actions.checklist_item_add(actor=w.a_cadre, checklist=checklist, kind=ItemKind.PROBLEM, title="议事会不规范",
                                         source=ProblemSource.HALF_YEAR)
    assert problem.source == ProblemSource.HALF_YEAR
    with pytest.raises(ValidationError) as exc:
        actions.checklist_item_add(actor=w.a_cadre, checklist=checklist, kind=ItemKind.PROBLEM, title="没有来源")
    assert "source" in exc.value.message_dict


def test_item_update_and_delete_while_draft(w):
    checklist = draft(w.city.a.branch, w.a_cadre)
    item = checklist.items.filter(kind=ItemKind.ASSESSMENT).first()
    updated = actions.checklist_item_update(actor=w.a_cadre, item=item, title="考核改", max_points="12.5", owner="李委员")
    assert (updated.title, str(updated.max_points), updated.owner) == ("考核改", "12.5", "李委员")
    with pytest.raises(ValidationError):
        actions.checklist_item_update(actor=w.a_cadre, item=item, title="")
    with pytest.raises(ValidationError):
        actions.checklist_item_update(actor=w.a_cadre, item=item, due_on=date(YEAR - 1, 5, 1))
    actions.checklist_item_delete(actor=w.a_cadre, item=item)
    assert not ChecklistItem.objects.filter(pk=item.pk).exists()
    assert ChecklistEvent.objects.filter(checklist=checklist, action="item_delete").exists()


def test_rectification_rules(w):
    c = w.city
    checklist = draft(c.a.branch, w.a_cadre)
    other = draft(c.a.committee, w.a_cadre)
    problem = actions.checklist_item_add(actor=w.a_cadre, checklist=checklist, kind=ItemKind.PROBLEM, title="p",
                                         source=ProblemSource.OBSERVATION)
    foreign = actions.checklist_item_add(actor=w.a_cadre, checklist=other, kind=ItemKind.PROBLEM, title="q",
                                         source=ProblemSource.MONTHLY)
    with pytest.raises(ValidationError) as exc:
        actions.checklist_item_add(actor=w.a_cadre, checklist=checklist, kind=ItemKind.RECTIFICATION, title="r",
                                   due_on=TODAY)
    assert "problem" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        actions.checklist_item_add(actor=w.a_cadre, checklist=checklist, kind=ItemKind.RECTIFICATION, title="r",
                                   problem=foreign, due_on=TODAY)
    assert "problem" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        actions.checklist_item_add(actor=w.a_cadre, checklist=checklist, kind=ItemKind.RECTIFICATION, title="r",
                                   problem=problem)
    assert "due_on" in exc.value.message_dict
    fix = actions.checklist_item_add(actor=w.a_cadre, checklist=checklist, kind=ItemKind.RECTIFICATION, title="r",
                                     problem=problem, due_on=TODAY)
    assert fix.problem_id == problem.pk
    with pytest.raises(errors.TransitionError, match="先删除整改事项"):
        actions.checklist_item_delete(actor=w.a_cadre, item=problem)


def test_closing_all_rectifications_closes_the_problem(w):
    checklist = approved(w.city.a.branch, w.a_cadre, w.a_cadre)
    problem, (first, second) = problem_with_fixes(checklist, w.a_cadre, 2)
    with pytest.raises(errors.TransitionError, match="自动销号"):
        actions.item_complete(actor=w.a_cadre, item=problem, note="直接完成")
    with pytest.raises(ValidationError) as exc:
        actions.rectification_close(actor=w.a_cadre, item=first, note="")
    assert "evidence_note" in exc.value.message_dict
    actions.rectification_close(actor=w.a_cadre, item=first, note="已清理", evidence=png_file())
    problem.refresh_from_db()
    assert problem.status == ItemStatus.OPEN and problem.closed_at is None
    actions.rectification_close(actor=w.a_cadre, item=second, note="建立巡查制度")
    problem.refresh_from_db()
    second.refresh_from_db()
    assert second.status == ItemStatus.CLOSED and second.closed_at is not None
    assert problem.status == ItemStatus.CLOSED and problem.closed_at is not None
    assert ChecklistEvent.objects.filter(item=problem, action="problem_close").count() == 1
    with pytest.raises(errors.TransitionError, match="已销号"):
        actions.rectification_close(actor=w.a_cadre, item=second, note="again")
    with pytest.raises(ValidationError) as exc:  # no new rectification on a closed problem
        actions.checklist_item_add(actor=w.a_cadre, checklist=checklist, kind=ItemKind.RECTIFICATION, title="r",
                                   problem=problem, due_on=TODAY)
    assert "problem" in exc.value.message_dict


def test_complete_needs_approval_and_a_note(w):
    checklist = draft(w.city.a.branch, w.a_cadre)
    item = checklist.items.first()
    with pytest.raises(errors.TransitionError, match="审批通过后"):
        actions.item_complete(actor=w.a_cadre, item=item, note="done")
    actions.checklist_submit(actor=w.a_cadre, checklist=checklist)
    actions.checklist_approve(actor=w.a_cadre, checklist=checklist)
    with pytest.raises(ValidationError):
        actions.item_complete(actor=w.a_cadre, item=item, note=" ")
    actions.item_complete(actor=w.a_cadre, item=item, note="完成", evidence=docx_file())
    with pytest.raises(errors.TransitionError, match="已完成"):
        actions.item_complete(actor=w.a_cadre, item=item, note="again")


@pytest.mark.parametrize("upload,message", [
    (lambda: pdf_file(size=5 * 1024 * 1024 + 1), "5 MB"),
    (lambda: pdf_file(name="a.exe"), "只接受"),
    (lambda: __import__("django.core.files.uploadedfile", fromlist=["x"]).SimpleUploadedFile("a.pdf", b"not a pdf"), "不符"),
    (lambda: __import__("django.core.files.uploadedfile", fromlist=["x"]).SimpleUploadedFile("a.png", b"not a png"), "图片"),
    (lambda: docx_file(name="a.xlsx"), "不符"),
])
def test_evidence_is_checked(w, upload, message):
    checklist = approved(w.city.a.branch, w.a_cadre, w.a_cadre)
    item = checklist.items.first()
    with pytest.raises(ValidationError, match=message) as exc:
        actions.item_complete(actor=w.a_cadre, item=item, note="完成", evidence=upload())
    assert "evidence" in exc.value.message_dict
    item.refresh_from_db()
    assert item.status == ItemStatus.OPEN and not item.evidence


def test_evidence_is_stored_under_a_random_name(w):
    checklist = approved(w.city.a.branch, w.a_cadre, w.a_cadre)
    item = actions.item_complete(actor=w.a_cadre, item=checklist.items.first(), note="完成", evidence=pdf_file("我的材料.pdf"))
    assert item.evidence.name.startswith(f"checklists/{checklist.pk}/") and "我的材料" not in item.evidence.name
    assert item.evidence.name.endswith(".pdf")


def test_overdue_rectification_counts(w):
    checklist = approved(w.city.a.branch, w.a_cadre, w.a_cadre)
    problem_with_fixes(checklist, w.a_cadre, 1, due_on=date(YEAR, 1, 1))
    from assessments.checklists.selectors import checklist_figures

    figures = checklist_figures([w.city.a.branch.pk], YEAR, TODAY + timedelta(days=1))
    assert figures[w.city.a.branch.pk]["overdue"] >= 1


# ------------------------------------------------------------------------------ race
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL: row locks (select_for_update)")
@pytest.mark.django_db(transaction=True)
def test_concurrent_approve_and_return_one_wins():
    w = make_world("race-")
    checklist = draft(w.city.a.branch, w.a_cadre)
    actions.checklist_submit(actor=w.a_cadre, checklist=checklist)
    results = []
    barrier = threading.Barrier(2)

    def run(fn):
        from django.db import connection as conn

        try:
            barrier.wait()
            fn()
            results.append("ok")
        except errors.TransitionError:
            results.append("refused")
        finally:
            conn.close()

    threads = [
        threading.Thread(target=run, args=(lambda: actions.checklist_approve(actor=w.street, checklist=checklist),)),
        threading.Thread(target=run, args=(lambda: actions.checklist_return(actor=w.a_cadre, checklist=checklist, reason="r"),)),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == ["ok", "refused"]
    assert ChecklistEvent.objects.filter(checklist=checklist, to_status__in=["approved", "returned"]).count() == 1
