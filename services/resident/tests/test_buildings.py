"""The public forms' building picker (issue 12, finding 9): ``/w/buildings/`` and ``/r/buildings/``
answer a bounded page of ``<option>``s, searched by ``q``; a building found by the search can be
submitted even when it is not among the first ones listed."""
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from organizations.areas.choices import AreaLevel
from organizations.tests.factories import AreaFactory, build_city
from services.requests.models import ServiceRequest
from services.requests.tests.test_support import category
from services.resident.forms import ResidentSubmitForm
from services.wishes.models import Wish

pytestmark = pytest.mark.django_db

SHOWN = 5


@pytest.fixture
def c(monkeypatch):
    monkeypatch.setattr(ResidentSubmitForm, "BUILDINGS_SHOWN", SHOWN)
    city = build_city()
    city.extra = [AreaFactory(name=f"{n}号楼", level=AreaLevel.BUILDING, parent=city.a.compound, code=f"X{n:04d}")
                  for n in range(2, 14)]  # 13 buildings in all
    return city


def _options(html):
    return re.findall(r'<option value="(\d*)"', html)


def test_the_default_page_is_bounded():
    assert 0 < ResidentSubmitForm.__dict__["BUILDINGS_SHOWN"] <= 200


@pytest.mark.parametrize("name", ["services:wish_buildings", "requests:buildings"])
def test_options_are_bounded_and_say_there_are_more(client, c, name):
    html = client.get(reverse(name), {"community": c.a.area.pk}).content.decode()
    values = [v for v in _options(html) if v]
    assert len(values) == SHOWN and 'data-more="2"' in html and "输入楼栋名称" in html
    second = client.get(reverse(name), {"community": c.a.area.pk, "page": 2}).content.decode()
    assert len([v for v in _options(second) if v]) == SHOWN and not set(_options(second)) & set(values)
    last = client.get(reverse(name), {"community": c.a.area.pk, "page": 3}).content.decode()
    assert len([v for v in _options(last) if v]) == 13 - 2 * SHOWN and "data-more" not in last


def test_search_by_name(client, c):
    html = client.get(reverse("services:wish_buildings"), {"community": c.a.area.pk, "q": "12号"}).content.decode()
    assert [v for v in _options(html) if v] == [str(c.extra[10].pk)] and "data-more" not in html
    html = client.get(reverse("services:wish_buildings"), {"community": c.b.area.pk, "q": "12号"}).content.decode()
    assert [v for v in _options(html) if v] == []  # another community's buildings are not found


def test_no_community_no_buildings(client, c):
    html = client.get(reverse("services:wish_buildings")).content.decode()
    assert [v for v in _options(html) if v] == []


def test_a_searched_building_beyond_the_first_page_can_be_submitted(client, c):
    far = c.extra[-1]
    response = client.post(reverse("services:wish_submit"), {
        "community": c.a.area.pk, "building": far.pk, "kind": "material", "text": "想要一台收音机",
        "name": "赵美华", "phone": "13912345678"})
    assert response.status_code == 302 and Wish.objects.get().building == far
    response = client.post(reverse("requests:submit"), {
        "community": c.a.area.pk, "building": far.pk, "category": category("utilities").pk, "text": "停水",
        "name": "赵美华", "phone": "13912345679"})
    assert response.status_code == 302 and ServiceRequest.objects.get().building == far


def test_a_building_of_another_community_is_refused(client, c):
    response = client.post(reverse("services:wish_submit"), {
        "community": c.a.area.pk, "building": c.b.building.pk, "kind": "material", "text": "想要一台收音机",
        "name": "赵美华", "phone": "13912345678"})
    assert response.status_code == 400 and not Wish.objects.exists()


def test_the_form_page_lists_a_bounded_select_and_the_picker_searches(client, c):
    html = client.get(reverse("services:wish_submit"), {"community": c.a.area.pk}).content.decode()
    select = html[html.index('name="building"'):]
    select = select[:select.index("</select>")]
    assert len([v for v in _options(select) if v]) == SHOWN
    # the picker is static/js/buildings.js (no inline script under the CSP), given the URL by its tag
    assert "js/buildings.js" in html and f'data-buildings-url="{reverse("services:wish_buildings")}"' in html
    script = (Path(settings.BASE_DIR) / "static" / "js" / "buildings.js").read_text()
    assert "id_building_q" in script and '"&q="' in script


def test_the_picker_script_renders_no_stray_text(client, c):
    html = client.get(reverse("services:wish_submit")).content.decode()
    assert "{#" not in html and "buildings_url" not in html
