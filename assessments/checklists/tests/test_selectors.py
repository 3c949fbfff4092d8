"""Set-based reads of the four lists: the figures the scoring engine reads (one query for
any number of organizations), lists awaiting approval (the own-organization rule as a
query), overdue items with days overdue, and the four sections of one list."""
from datetime import date, timedelta

import pytest

from assessments.checklists import actions, selectors
from assessments.checklists.choices import ChecklistStatus, ItemKind, ItemStatus
from assessments.checklists.models import ChecklistItem
from assessments.checklists.tests.test_support import TODAY, YEAR, approved, draft, make_world, problem_with_fixes
from assessments.tests.budgets import BUDGETS
from dangjian.testing import assert_max_queries
from organizations.tests.factories import PartyOrgFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    return make_world()


def test_checklist_figures_one_query_for_any_number_of_orgs(w):
    c = w.city
    checklist = approved(c.a.branch, w.a_cadre, w.a_cadre, responsibilities=3, assessments=1)
    first = checklist.items.filter(kind=ItemKind.RESPONSIBILITY).first()
    actions.item_complete(actor=w.a_cadre, item=first, note="完成")
    _p1, (f1,) = problem_with_fixes(checklist, w.a_cadre, 1)
    problem_with_fixes(checklist, w.a_cadre, 1, due_on=date(YEAR, 1, 2))
    actions.rectification_close(actor=w.a_cadre, item=f1, note="已整改")
    draft(c.b.branch, w.b_cadre, year=YEAR - 1)  # another year: not counted
    orgs = [c.a.branch.pk, c.b.branch.pk, c.a.committee.pk]
    with assert_max_queries(BUDGETS["assessments.checklists.selectors.checklist_figures"]):
        figures = selectors.checklist_figures(orgs, YEAR, today=date(YEAR, 12, 31))
    assert figures[c.a.branch.pk] == {"items": 4, "done": 1, "problems": 2, "closed": 1, "overdue": 1}
    assert figures[c.b.branch.pk] == figures[c.a.committee.pk] == {"items": 0, "done": 0, "problems": 0, "closed": 0, "overdue": 0}
    many = [PartyOrgFactory(name=f"支部{i}", area=c.a.compound, parent=c.a.committee).pk for i in range(30)]
    with assert_max_queries(BUDGETS["assessments.checklists.selectors.checklist_figures"]):
        selectors.checklist_figures(orgs + many, YEAR)
    # default "today": the end of the year — an open item due within the year is overdue then
    assert selectors.checklist_figures([c.a.branch.pk], YEAR)[c.a.branch.pk]["overdue"] == 4
    from organizations.orgs.models import PartyOrg

    with assert_max_queries(BUDGETS["assessments.checklists.selectors.checklist_figures"]):
        by_query = selectors.checklist_figures(PartyOrg.objects.filter(pk=c.a.branch.pk).values("pk"), YEAR, TODAY)
    assert by_query[c.a.branch.pk]["items"] == 4


def test_awaiting_approval_follows_the_own_org_rule(w):
    c = w.city
    committee = draft(c.a.committee, w.a_cadre)
    branch = draft(c.a.branch, w.a_cadre)
    group = draft(c.a.group, w.a_cadre)
    street = draft(c.street_org, w.street)
    for checklist, editor in ((committee, w.a_cadre), (branch, w.a_cadre), (group, w.a_cadre), (street, w.street)):
        actions.checklist_submit(actor=editor, checklist=checklist)
    assert set(selectors.awaiting_approval(w.a_cadre)) == {branch, group}
    assert set(selectors.awaiting_approval(w.street)) == {committee, branch, group}
    assert set(selectors.awaiting_approval(w.district)) == {street, committee, branch, group}
    assert list(selectors.awaiting_approval(w.grid)) == []
    assert list(selectors.awaiting_approval(w.b_cadre)) == []
    # the query agrees with the per-object rule
    from assessments.checklists import permissions

    for user in (w.a_cadre, w.street, w.district, w.b_cadre):
        visible = selectors.checklists_for(user).select_related("org__area", "org__parent__area")
        expected = {x.pk for x in visible if permissions.is_superior(user, x.org) and x.status == ChecklistStatus.SUBMITTED}
        assert set(selectors.awaiting_approval(user).values_list("pk", flat=True)) == expected


def test_overdue_items_across_the_subtree(w):
    c = w.city
    a = approved(c.a.branch, w.a_cadre, w.a_cadre)
    b = approved(c.b.branch, w.b_cadre, w.b_cadre)
    _p, (late_a,) = problem_with_fixes(a, w.a_cadre, 1, due_on=TODAY - timedelta(days=10))
    _p, (late_b,) = problem_with_fixes(b, w.b_cadre, 1, due_on=TODAY - timedelta(days=2))
    _p, (done_b,) = problem_with_fixes(b, w.b_cadre, 1, due_on=TODAY - timedelta(days=3))
    actions.rectification_close(actor=w.b_cadre, item=done_b, note="ok")
    with assert_max_queries(BUDGETS["assessments.checklists.selectors.overdue_items"]):  # the grants, then the items
        rows = selectors.attach_days(list(selectors.overdue_items(w.street, TODAY)), TODAY)
    assert [(r.pk, r.days_overdue, r.checklist.org.name) for r in rows] == [
        (late_a.pk, 10, c.a.branch.name), (late_b.pk, 2, c.b.branch.name)]
    assert [r.pk for r in selectors.overdue_items(w.a_cadre, TODAY)] == [late_a.pk]


def test_sections_group_the_four_lists(w):
    checklist = approved(w.city.a.branch, w.a_cadre, w.a_cadre)
    problem, fixes = problem_with_fixes(checklist, w.a_cadre, 2)
    with assert_max_queries(BUDGETS["assessments.checklists.selectors.checklist_sections"]):
        view = selectors.checklist_sections(checklist, TODAY)
    kinds = {s.kind: s for s in view.sections}
    assert [s.kind for s in view.sections] == list(ItemKind.values)
    assert len(kinds[ItemKind.RESPONSIBILITY].items) == 2 and len(kinds[ItemKind.ASSESSMENT].items) == 1
    [p] = kinds[ItemKind.PROBLEM].items
    assert [f.pk for f in p.fixes] == [f.pk for f in fixes]
    assert all(f.problem_title == problem.title for f in kinds[ItemKind.RECTIFICATION].items)
    assert view.figures["items"] == 3 and view.figures["problems"] == 1 and view.figures["closed_rate"] == 0
    assert ChecklistItem.objects.filter(checklist=checklist, status=ItemStatus.OPEN).count() == 6


def test_page_figures_are_the_annotated_figures(w):
    """``attach_figures`` (the list page: one grouped query for the page's lists) gives
    every list the figures ``with_figures`` annotates."""
    from assessments.checklists.models import Checklist

    c = w.city
    checklist = approved(c.a.branch, w.a_cadre, w.a_cadre, responsibilities=3, assessments=1)
    actions.item_complete(actor=w.a_cadre, item=checklist.items.filter(kind=ItemKind.RESPONSIBILITY).first(), note="完成")
    _p1, (f1,) = problem_with_fixes(checklist, w.a_cadre, 1)
    problem_with_fixes(checklist, w.a_cadre, 1, due_on=date(YEAR, 1, 2))
    actions.rectification_close(actor=w.a_cadre, item=f1, note="已整改")
    draft(c.b.branch, w.b_cadre, year=YEAR - 1)
    keys = [f"n_{k}" for k in selectors.FIGURE_KEYS]
    for today in (TODAY, date(YEAR, 12, 31)):
        annotated = {c.pk: [getattr(c, k) for k in keys] for c in selectors.with_figures(Checklist.objects.all(), today)}
        fetched = list(Checklist.objects.all())
        with assert_max_queries(1):
            page = selectors.attach_figures(fetched, today)
        assert {c.pk: [getattr(c, k) for k in keys] for c in page} == annotated
        assert any(any(v) for v in annotated.values()) and len(annotated) == 2
