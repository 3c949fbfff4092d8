"""The create form's organizations picker (``checklist:pick_orgs``): the organizations whose
four lists the user writes, searched by name, bounded, flat in queries; the form takes the
picked id and refuses one outside the user's subtree."""
import itertools

import pytest
from django.urls import reverse

from assessments.checklists.tests.test_support import make_world
from assessments.tests.budgets import BUDGETS
from dangjian.pickers import PAGE
from dangjian.testing import logged_in, query_count
from organizations.grants.choices import Role
from organizations.orgs.choices import OrgCategory, OrgKind
from organizations.tests.factories import PartyOrgFactory, user_with

pytestmark = pytest.mark.django_db
_serial = itertools.count()


def test_checklist_org_picker_is_scoped_bounded_and_flat():
    w = make_world()
    c = w.city
    url = reverse("checklist:pick_orgs")
    assert logged_in(None).get(url).status_code == 403
    assert logged_in(user_with(Role.GRID, c.a.area)).get(url).status_code == 403  # may write no list
    client = logged_in(w.a_cadre)
    client.get(url)
    few = query_count(client, url)
    for _ in range(PAGE + 5):
        for side in (c.a, c.b):
            PartyOrgFactory(name=f"樟家支部{next(_serial)}", kind=OrgKind.BRANCH, category=OrgCategory.COMPOUND,
                            area=side.compound, parent=side.committee)
    assert few == query_count(client, url) == query_count(client, f"{url}?q=樟") <= BUDGETS["pick:checklist_orgs"]
    data = client.get(url, {"q": "樟"}).json()
    assert len(data["results"]) == PAGE and data["more"] is True
    assert c.a.branch.pk in {r["id"] for r in client.get(url, {"q": c.a.branch.name}).json()["results"]}
    assert not client.get(url, {"q": c.b.branch.name}).json()["results"]
    assert f'data-picker="{url}"' in client.get(reverse("checklist:create")).content.decode()


@pytest.mark.parametrize("kind", ["activity", "whistle", "request"])
def test_the_close_form_record_pickers_are_scoped_bounded_and_flat(kind):
    from datetime import date

    from assessments.checklists.tests.test_support import YEAR, approved, problem_with_fixes
    from assessments.tests.factories import ActivityFactory, activity_type, at

    w = make_world()
    c = w.city
    checklist = approved(c.a.committee, w.a_cadre, w.street)
    _problem, (fix,) = problem_with_fixes(checklist, w.a_cadre, n=1)
    url = reverse("checklist:pick_records", args=[fix.pk, kind])
    assert logged_in(None).get(url).status_code == 403
    assert logged_in(w.b_cadre).get(url).status_code == 404  # another community's list
    assert logged_in(w.a_cadre).get(reverse("checklist:pick_records", args=[fix.pk, "nope"])).status_code == 404
    client = logged_in(w.a_cadre)
    client.get(url)
    few = query_count(client, url)
    for i in range(PAGE + 3):
        ActivityFactory(org=c.a.branch, activity_type=activity_type("theme_party_day"), starts_at=at(date(YEAR, 1, 1 + i % 27)),
                        topic=f"樟家主题党日{i}")
        ActivityFactory(org=c.b.branch, activity_type=activity_type("theme_party_day"), starts_at=at(date(YEAR, 1, 2)),
                        topic=f"樟家乙{i}")
    assert few == query_count(client, url) <= BUDGETS["pick:checklist_records"], few
    if kind == "activity":
        data = client.get(url, {"q": "樟家"}).json()
        assert len(data["results"]) == PAGE and data["more"] is True
        assert not client.get(url, {"q": "樟家乙"}).json()["results"]  # community B's are out of scope
