"""On a phone-sized screen in the system Chromium: the member a request was dispatched to taps
once to see the resident's phone (a tel: link, the reveal logged), resolves it with a photo,
and the resident sees the result note and photo above the rating form; a refused reveal shows
the refusal in place."""
import pytest

from dangjian.testing.browser import PHONE_VIEWPORT, login
from grids.tests.factories import png_bytes
from organizations.members.models import PersonalDataAccess
from organizations.tests.factories import build_city
from services.requests.tests.test_support import dispatched_to_member
from services.tests.factories import PASSWORD, cadre, member_user

PHONE = "13912342222"

pytestmark = [pytest.mark.browser]


def test_assignee_calls_the_resident_back_and_the_resident_sees_the_result(transactional_db, live_server, browser,
                                                                           tmp_path):
    c = build_city()
    member = member_user(c.a.members[0], "assignee-phone")
    staff = cadre(c.a, "dispatcher-phone")
    req = dispatched_to_member(c.a, member, by=staff, phone=PHONE)
    url = live_server.url

    page = browser.new_context(**PHONE_VIEWPORT).new_page()
    page.set_default_timeout(15_000)
    login(page, live_server, "assignee-phone", PASSWORD)
    page.goto(f"{url}/services/requests/{req.pk}/")
    assert "139****2222" in page.locator("[data-testid=requester-phone]").inner_text()
    assert PHONE not in page.content()
    page.click("[data-testid=reveal-phone]")
    link = page.locator("[data-testid=revealed-phone]")
    link.wait_for()
    assert link.get_attribute("href") == f"tel:{PHONE}" and PHONE in link.inner_text()
    assert PersonalDataAccess.objects.filter(user=member, target_id=str(req.pk), refused=False).count() == 1
    assert PHONE not in page.url

    page.click("[data-testid=accept]")
    page.wait_for_load_state()
    photo = tmp_path / "result.png"
    photo.write_bytes(png_bytes(size=(32, 24)))
    page.fill("#id_resolve-note", "已更换楼道灯，晚上恢复照明")
    page.set_input_files("#id_resolve-photo", str(photo))
    page.click("[data-testid=resolve]")
    page.wait_for_load_state()
    assert "已登记办结" in page.content()
    assert page.locator("[data-testid=reveal-phone]").count() == 0  # done: the reveal is gone

    resident = browser.new_context(**PHONE_VIEWPORT).new_page()
    resident.set_default_timeout(15_000)
    resident.goto(f"{url}/r/{req.code}/")
    assert "已更换楼道灯" in resident.locator("[data-testid=result-note]").inner_text()
    image = resident.locator("[data-testid=result-photo]")
    image.wait_for()
    assert resident.evaluate("(img) => img.complete && img.naturalWidth", image.element_handle()) == 32
    resident.click("[data-testid=rate-link]")
    assert resident.locator("[data-testid=result-photo]").count() == 1
    assert c.a.members[0].name not in resident.content() and PHONE not in resident.content()


def test_a_refused_reveal_shows_the_refusal_in_place(transactional_db, live_server, browser):
    """A cadre opens an open request's page, the request is resolved meanwhile: the tap shows
    the refusal where the number would have been, and the attempt is logged as refused."""
    from services.requests import actions

    c = build_city()
    member = member_user(c.a.members[0], "assignee-late")
    staff = cadre(c.a, "dispatcher-late")
    req = dispatched_to_member(c.a, member, by=staff, phone=PHONE)
    page = browser.new_context(**PHONE_VIEWPORT).new_page()
    page.set_default_timeout(15_000)
    login(page, live_server, "dispatcher-late", PASSWORD)
    page.goto(f"{live_server.url}/services/requests/{req.pk}/")
    actions.request_resolve(actor=member, request=actions.request_accept(actor=member, request=req), note="已处理")
    page.click("[data-testid=reveal-phone]")
    refusal = page.locator("[data-testid=reveal-refused]")
    refusal.wait_for()
    assert "事项已结束" in refusal.inner_text() and PHONE not in page.content()
    assert PersonalDataAccess.objects.get(user=staff).refused is True
