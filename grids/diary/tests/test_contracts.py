"""The list and detail contracts (dangjian.testing.contracts) of the people's diary: the
API (``/api/diary/``, ``/api/diary/{id}/photo/``) and the pages (list, entry, photo) —
refused when not permitted, 404 out of scope as for missing, in scope visible, query count
flat and within ``grids/tests/budgets.py``."""
from django.urls import reverse_lazy

from dangjian.testing.contracts import ApiDetailContract, ApiListContract, PageDetailContract, PageListContract, by_pk
from grids.tests.budgets import BUDGETS
from grids.tests.factories import DiaryEntryFactory, png_upload
from grids.tests.worlds import GridWorld, new_entry


class DiaryWorld(GridWorld):
    def make_in_scope(self):
        return new_entry(self.grid_a, self.w.a.building)

    def make_out_of_scope(self):
        return new_entry(self.grid_b, self.w.b.building)


class TestDiaryApi(DiaryWorld, ApiListContract, ApiDetailContract):
    list_url = "/api/diary/"
    detail_url = by_pk("diary-detail")
    list_budget = BUDGETS["diary-list"]
    detail_budget = BUDGETS["diary-detail"]


class TestDiaryPages(DiaryWorld, PageListContract, PageDetailContract):
    list_url = reverse_lazy("grids:diary_list")
    detail_url = by_pk("grids:diary_detail")
    list_budget = BUDGETS["grids:diary_list"]
    detail_budget = BUDGETS["grids:diary_detail"]


class PhotoWorld(GridWorld):
    def make_in_scope(self):
        return DiaryEntryFactory(grid=self.grid_a, building=self.w.a.building, photo=png_upload())

    def make_out_of_scope(self):
        return DiaryEntryFactory(grid=self.grid_b, building=self.w.b.building, photo=png_upload())


class TestDiaryPhotoApi(PhotoWorld, ApiDetailContract):
    detail_url = by_pk("diary-photo")
    detail_budget = BUDGETS["diary-photo"]


class TestDiaryPhotoPage(PhotoWorld, PageDetailContract):
    detail_url = by_pk("grids:diary_photo")
    detail_budget = BUDGETS["grids:diary_photo"]
