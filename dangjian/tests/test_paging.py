"""Page helpers of ``dangjian.portal``: a page and its count in one query, a capped and
estimated count, a panel's first rows with their total."""
import pytest
from django.contrib.auth.models import Permission
from django.core.paginator import Paginator
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dangjian import portal

pytestmark = pytest.mark.django_db


def _rows():
    return Permission.objects.order_by("codename", "pk")


@pytest.mark.parametrize("number", [1, 2, "3", "last", None, "x", 0, -4, 10_000])
def test_windowed_pages_are_the_plain_paginator_pages(number):
    plain = Paginator(_rows(), 7).get_page(number)
    windowed = portal.WindowedPaginator(_rows(), 7).get_page(number)
    assert windowed.number == plain.number
    assert [p.pk for p in windowed] == [p.pk for p in plain]
    assert (windowed.paginator.count, windowed.paginator.num_pages) == (plain.paginator.count, plain.paginator.num_pages)
    assert (windowed.has_next(), windowed.has_previous()) == (plain.has_next(), plain.has_previous())


def test_a_windowed_page_reads_rows_and_count_in_one_query():
    with CaptureQueriesContext(connection) as ctx:
        page = portal.WindowedPaginator(_rows(), 7).get_page(2)
        rows, count = list(page), page.paginator.count
    assert len(ctx.captured_queries) == 1
    assert count == Permission.objects.count() and len(rows) == 7


def test_an_empty_windowed_list_is_one_empty_page():
    page = portal.WindowedPaginator(Permission.objects.none(), 7).get_page(3)
    assert (page.number, list(page), page.paginator.count, page.paginator.num_pages) == (1, [], 0, 1)


def test_counts_under_the_cap_are_exact():
    total = Permission.objects.count()
    assert portal.estimated_count(_rows(), exact_up_to=total) == (total, False)
    paginator = portal.CountedPaginator(_rows(), 7, estimate=True)
    assert (paginator.count, paginator.estimated) == (total, False)


def test_counts_past_the_cap_are_estimated_on_postgresql_and_exact_elsewhere():
    total = Permission.objects.count()
    count, estimated = portal.estimated_count(_rows(), exact_up_to=10)
    if connection.vendor == "postgresql":
        assert estimated and count >= 11  # the planner's figure, never below the cap
    else:
        assert (count, estimated) == (total, False)


def test_counted_paginator_needs_a_count_or_the_estimate():
    with pytest.raises(TypeError):
        portal.CountedPaginator(_rows(), 7)


def test_head_and_total_in_one_query():
    with CaptureQueriesContext(connection) as ctx:
        head, total = portal.head_and_total(_rows(), 5)
    assert len(ctx.captured_queries) == 1
    assert [p.pk for p in head] == [p.pk for p in _rows()[:5]] and total == Permission.objects.count()
    assert portal.head_and_total(Permission.objects.none(), 5) == ([], 0)
