"""The building picker in the system Chromium: a community with more buildings than the select
lists; the resident types part of a name, picks the building found and submits the wish."""
import pytest

from dangjian.testing.browser import PHONE_VIEWPORT
from organizations.areas.choices import AreaLevel
from organizations.tests.factories import AreaFactory, build_city
from services.resident.forms import ResidentSubmitForm
from services.wishes.models import Wish

pytestmark = [pytest.mark.browser]


def test_the_picker_finds_a_building_beyond_the_first_page(transactional_db, live_server, browser, monkeypatch):
    monkeypatch.setattr(ResidentSubmitForm, "BUILDINGS_SHOWN", 3)
    c = build_city()
    far = None
    for n in range(2, 10):
        far = AreaFactory(name=f"{n}号楼", level=AreaLevel.BUILDING, parent=c.a.compound, code=f"Y{n:04d}")
    page = browser.new_context(**PHONE_VIEWPORT).new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{live_server.url}/w/")
    page.fill("#id_community_q", c.a.area.name)  # the community picker: type, tap the match
    page.locator(f"#id_community_options [data-id='{c.a.area.pk}']").click()
    # (no wait_for_function: evaluating a string is what the portal's CSP forbids)
    page.wait_for_selector("#id_building option[data-more]", state="attached")
    assert page.locator('#id_building option[value]:not([value=""])').count() == 3
    assert page.locator("#id_building option[data-more]").count() == 1
    assert page.locator(f"#id_building option[value='{far.pk}']").count() == 0
    page.fill("#id_building_q", "9号")
    page.wait_for_selector(f"#id_building option[value='{far.pk}']", state="attached")
    page.select_option("#id_building", str(far.pk))
    page.select_option("#id_kind", "material")
    page.fill("#id_text", "想要一台收音机")
    page.fill("#id_name", "李桂英")
    page.fill("#id_phone", "13987654321")
    page.click("[data-testid=wish-form] button[type=submit]")
    page.wait_for_selector("[data-testid=wish-code]")
    assert Wish.objects.get().building == far
