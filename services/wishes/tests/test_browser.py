"""On a phone-sized screen in the system Chromium: a resident submits a wish and follows it
by code; a member claims and fulfils it (after a cadre published it); the resident rates it."""
import pytest

from dangjian.testing.browser import PHONE_VIEWPORT, login
from organizations.tests.factories import build_city
from services.tests.factories import PASSWORD, cadre, member_user
from services.wishes import actions
from services.wishes.models import Wish

PHONE = "13987654321"

pytestmark = [pytest.mark.browser]


def test_resident_wishes_member_fulfils_resident_rates(transactional_db, live_server, browser):
    c = build_city()
    member = c.a.members[0]
    member_user(member, "member-phone")
    url = live_server.url

    resident = browser.new_context(**PHONE_VIEWPORT).new_page()
    resident.set_default_timeout(15_000)
    resident.goto(f"{url}/w/")
    resident.fill("#id_community_q", c.a.area.name)  # the community picker: type, tap the match
    resident.locator(f"#id_community_options [data-id='{c.a.area.pk}']").click()
    resident.fill("#id_address", "甲小区3号楼501")
    resident.select_option("#id_kind", "spiritual")
    resident.fill("#id_text", "想请人教我用智能手机和孙子视频")
    resident.fill("#id_name", "李桂英")
    resident.fill("#id_phone", PHONE)
    resident.click("[data-testid=wish-form] button[type=submit]")
    code = resident.locator("[data-testid=wish-code]").inner_text().strip()
    assert len(code) == 10
    assert "待审核" in resident.locator("[data-testid=wish-status]").inner_text()
    assert "李桂英" not in resident.content() and PHONE not in resident.content()

    # following it later by code, from the lookup form
    resident.goto(f"{url}/w/track/")
    resident.fill("#id_code", code.lower())
    resident.click("[data-testid=track-form] button[type=submit]")
    resident.wait_for_url(f"{url}/w/{code}/")

    actions.wish_publish(actor=cadre(c.a, "cadre-phone"), wish=Wish.objects.get(code=code))

    page = browser.new_context(**PHONE_VIEWPORT).new_page()
    page.set_default_timeout(15_000)
    login(page, live_server, "member-phone", PASSWORD)
    page.goto(f"{url}/services/wishes/wall/")
    card = page.locator(f"[data-testid=wall-wish][data-code='{code}']")
    assert "智能手机" in card.inner_text()
    card.locator("[data-testid=wall-claim]").click()
    page.wait_for_load_state()
    assert "认领成功" in page.content()
    page.goto(f"{url}/services/wishes/mine/")
    page.locator("[data-testid=go-fulfil]").first.click()
    page.fill("#id_fulfil-note", "周六上门教会了视频通话")
    page.click("[data-testid=fulfil]")
    page.wait_for_load_state()
    assert "已登记完成" in page.content()

    resident.goto(f"{url}/w/{code}/")
    assert "已由一名党员认领" in resident.content()
    assert member.name not in resident.content()
    resident.click("[data-testid=rate-link]")
    resident.select_option("#id_rating", "satisfied")
    resident.fill("#id_phone_last4", PHONE[-4:])
    resident.fill("#id_comment", "谢谢党员同志")
    resident.click("[data-testid=rate-form] button[type=submit]")
    resident.wait_for_url(f"{url}/w/{code}/")
    assert "已评价" in resident.locator("[data-testid=wish-status]").inner_text()
    assert Wish.objects.get(code=code).rating == "satisfied"
