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
