"""本单位三率: a department's or unit's account sees the 三率 of its own department or unit —
never another's — over the period and month by month, as ``services.whistles.rates``
defines them; the page's query count stays flat with more whistles and months."""
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from dangjian.testing import assert_max_queries, logged_in
from services.tests.budgets import BUDGETS
from services.whistles import actions as whistle_actions
from services.whistles.models import Whistle
from services.whistles.tests.test_support import build_world, whistle

pytestmark = pytest.mark.django_db
URL = reverse("whistles:my_rates")


@pytest.fixture
def w():
    return build_world()


def _page(response):
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def _answered(w, party_user, satisfaction="satisfied", *, late=False, departments=None, units=(), days_ago=0):
    """A whistle to ``departments``/``units`` that ``party_user`` reports in, answers, and the
    community confirms — created ``days_ago`` days ago (its month is the one it counts in)."""
    wh = whistle(w, departments=[w.housing] if departments is None else departments, units=units)
    for t in wh.targets.all():
        if late:
            Whistle.objects.filter(pk=wh.pk).update(report_due=timezone.now() - timedelta(minutes=1))
        whistle_actions.whistle_report_in(actor=party_user, target=t)
        whistle_actions.whistle_resolve(actor=party_user, target=t, answer="已办理")
        whistle_actions.whistle_confirm(actor=w.cadre_a, target=t, satisfaction=satisfaction)
    if days_ago:
        Whistle.objects.filter(pk=wh.pk).update(created_at=timezone.now() - timedelta(days=days_ago))
    return wh


def _month_key(party_key, days_ago=0):
    return f"{party_key}-{timezone.localtime(timezone.now() - timedelta(days=days_ago)):%Y-%m}"


def test_a_department_sees_its_own_rates_and_their_monthly_trend(client, w):
    _answered(w, w.housing_user, "satisfied")
    _answered(w, w.housing_user, "basic", late=True)
    _answered(w, w.housing_user, "unsatisfied", days_ago=40)
    _answered(w, w.urban_user, "unsatisfied", departments=[w.urban])
    whistle(w)  # not due yet: not counted
    page = _page(logged_in(w.housing_user, client).get(URL))
    housing = f"department-{w.housing.pk}"
    assert f'data-key="{housing}"' in page and w.housing.name in page
    assert f"department-{w.urban.pk}" not in page and w.urban.name not in page
    # the period (twelve months): 3 due, 2 in time (66.7%), 3 resolved (100%),
    # (1 + 0.9 + 0) / 3 = 63.3%; composite 0.1 × 0.6667 + 0.5 × 1 + 0.4 × 0.6333 = 0.82 → 82.0%
    assert "66.7%" in page and "100.0%" in page and "63.3%" in page and "82.0%" in page
    # this month: 2 due, 1 in time (50%), (1 + 0.9) / 2 = 95%, composite 0.05 + 0.5 + 0.38 = 93%
    this_month = page.split(f'data-key="{_month_key(housing)}"')[1].split("</tr>")[0]
    assert ">2<" in this_month and "50.0%" in this_month and "95.0%" in this_month and "93.0%" in this_month
    earlier = page.split(f'data-key="{_month_key(housing, 40)}"')[1].split("</tr>")[0]
    assert ">1<" in earlier and "0.0%" in earlier  # the unsatisfied one, in its own month
    assert page.count(f'data-key="{housing}-') == 12  # every month of the period, empty ones too


def test_another_units_rates_are_out_of_reach(client, w):
    _answered(w, w.urban_user, departments=[w.urban])
    logged_in(w.housing_user, client)
    assert _page(client.get(URL, {"party": f"department-{w.housing.pk}"}))
    for other in (f"department-{w.urban.pk}", f"unit-{w.unit_a.pk}", "department-999999", "nonsense"):
        assert client.get(URL, {"party": other}).status_code == 404, other
    page = _page(logged_in(w.unit_a_user, client).get(URL))
    assert f'data-key="unit-{w.unit_a.pk}"' in page and w.urban.name not in page


def test_the_page_is_for_responder_accounts(client, w):
    response = client.get(URL)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    for cadre in (w.cadre_a, w.street_cadre, w.district_cadre):
        response = logged_in(cadre, client).get(URL)
        assert response.status_code == 403
        assert "不是任何职能部门或驻区单位的报到账号" in response.content.decode()
    # and the areas' 三率 stays the cadres': a department is pointed to its own page
    response = logged_in(w.housing_user, client).get(reverse("whistles:rates"))
    assert response.status_code == 403 and "本单位三率" in response.content.decode()


def test_the_query_count_is_flat_and_within_budget(client, w):
    _answered(w, w.housing_user)
    logged_in(w.housing_user, client)
    client.get(URL)
    with assert_max_queries(BUDGETS["whistles:my_rates"]) as first:
        _page(client.get(URL))
    for days in (0, 35, 70, 100):
        _answered(w, w.housing_user, "basic", days_ago=days)
    with assert_max_queries(len(first.captured_queries)):
        page = _page(client.get(URL))
    assert "90.0%" in page  # the 基本满意 months

