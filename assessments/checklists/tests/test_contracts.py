"""The list and detail contracts (dangjian.testing.contracts) of the four lists (四张清单):
the API (lists and items) and the pages (index, awaiting approval, overdue items, a list)
— refused when not permitted, 404 out of scope as for missing, in scope visible, query
count flat and within ``assessments/tests/budgets.py``.

The world is ``make_world``: the cadre of community 甲 (``a_cadre``) is the user in scope;
the lists of community 乙 (kept by ``b_cadre``) are out of it."""
from datetime import timedelta

import pytest
from django.urls import reverse_lazy

from assessments.checklists import actions
from assessments.checklists.choices import ItemKind, ProblemSource
from assessments.checklists.tests.test_support import TODAY, approved, draft, make_world, problem_with_fixes
from assessments.tests.budgets import BUDGETS
from assessments.tests.worlds import new_branch, serial
from dangjian.testing.contracts import ApiDetailContract, ApiListContract, PageDetailContract, PageListContract, by_pk


class ChecklistWorld:
    """``self.cw`` (make_world), ``self.w`` its city, and an approved list of each
    community's branch (``list_a``, ``list_b``)."""

    @pytest.fixture(autouse=True)
    def _world(self, db):
        self.cw = make_world()
        self.w = self.cw.city
        self.list_a = approved(self.w.a.branch, self.cw.a_cadre, self.cw.a_cadre)
        self.list_b = approved(self.w.b.branch, self.cw.b_cadre, self.cw.b_cadre)

    @pytest.fixture
    def user_in_scope(self):
        return self.cw.a_cadre

    def new_list(self, community, editor):
        """An approved list of a new branch of ``community``."""
        return approved(new_branch(community), editor, editor)


class ListWorld(ChecklistWorld):
    def make_in_scope(self):
        return self.new_list(self.w.a, self.cw.a_cadre)

    def make_out_of_scope(self):
        return self.new_list(self.w.b, self.cw.b_cadre)

    def make_related(self, checklist):
        """A problem with two rectifications, and progress noted on a responsibility."""
        problem_with_fixes(checklist, self.cw.a_cadre, 2)
        item = checklist.items.filter(kind=ItemKind.RESPONSIBILITY).first()
        return actions.item_progress(actor=self.cw.a_cadre, item=item, note=f"进展{serial()}")


class TestChecklistApi(ListWorld, ApiListContract, ApiDetailContract):
    list_url = "/api/checklists/"
    detail_url = by_pk("checklist-detail")
    list_budget = BUDGETS["checklist-list"]
    detail_budget = BUDGETS["checklist-detail"]


class TestChecklistPages(ListWorld, PageListContract, PageDetailContract):
    list_url = reverse_lazy("checklist:index")
    detail_url = by_pk("checklist:detail")
    list_budget = BUDGETS["checklist:index"]
    detail_budget = BUDGETS["checklist:detail"]


class TestChecklistItemApi(ChecklistWorld, ApiListContract, ApiDetailContract):
    list_url = "/api/checklist-items/"
    detail_url = by_pk("checklist-item-detail")
    list_budget = BUDGETS["checklist-item-list"]
    detail_budget = BUDGETS["checklist-item-detail"]

    def problem(self, checklist, editor):
        return actions.checklist_item_add(actor=editor, checklist=checklist, kind=ItemKind.PROBLEM,
                                          title=f"问题{serial()}", source=ProblemSource.MONTHLY)

    def make_in_scope(self):
        return self.problem(self.list_a, self.cw.a_cadre)

    def make_out_of_scope(self):
        return self.problem(self.list_b, self.cw.b_cadre)

    def make_related(self, problem):
        """One more rectification of the problem."""
        return actions.checklist_item_add(actor=self.cw.a_cadre, checklist=problem.checklist, kind=ItemKind.RECTIFICATION,
                                          title=f"整改{serial()}", problem=problem, due_on=TODAY + timedelta(days=30))


class TestAwaitingPage(ChecklistWorld, PageListContract):
    """Lists submitted to the user as the superior: a new branch of 甲 under the
    committee the cadre keeps; 乙's branch lists go to 乙's committee."""

    list_url = reverse_lazy("checklist:awaiting")
    detail_url = by_pk("checklist:detail")
    list_budget = BUDGETS["checklist:awaiting"]

    def submitted(self, community, editor):
        checklist = draft(new_branch(community), editor)
        return actions.checklist_submit(actor=editor, checklist=checklist)

    def make_in_scope(self):
        return self.submitted(self.w.a, self.cw.a_cadre)

    def make_out_of_scope(self):
        return self.submitted(self.w.b, self.cw.b_cadre)


class TestOverduePage(ChecklistWorld, PageListContract):
    """Open rectifications past their deadline."""

    list_url = reverse_lazy("checklist:overdue")
    list_budget = BUDGETS["checklist:overdue"]

    def late_fix(self, checklist, editor):
        _problem, (fix,) = problem_with_fixes(checklist, editor, 1, due_on=TODAY - timedelta(days=serial() % 20 + 1))
        return fix

    def make_in_scope(self):
        return self.late_fix(self.list_a, self.cw.a_cadre)

    def make_out_of_scope(self):
        return self.late_fix(self.list_b, self.cw.b_cadre)
