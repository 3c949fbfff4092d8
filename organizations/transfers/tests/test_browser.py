"""In the system Chromium: 甲's community cadre starts a transfer of a member of 甲's branch
from the member's page, picking 乙's branch (another community) with the picker; 乙's cadre
finds it in the home queue on a phone, accepts it, and the member is then on 乙's branch's
roster — and off 甲's."""
import pytest

from dangjian.testing.browser import PHONE_VIEWPORT, login
from organizations.transfers.models import Transfer
from organizations.transfers.tests.support import PASSWORD, make_world

pytestmark = [pytest.mark.browser]


def test_a_transfer_from_one_community_to_another_is_accepted_there(transactional_db, live_server, browser):
    w = make_world("pw-")
    url = live_server.url
    member = w.member

    desk = browser.new_context(locale="zh-CN").new_page()
    desk.set_default_timeout(15_000)
    login(desk, live_server, "pw-cadre-a", PASSWORD)
    desk.goto(f"{url}/org/members/{member.pk}/")
    desk.click("[data-testid=member-file] [data-testid=start-transfer]")
    desk.wait_for_url(f"{url}/org/transfers/members/{member.pk}/start/")
    desk.fill("#id_to_org_q", w.city.b.branch.name)
    desk.locator(f"#id_to_org_options [data-id='{w.city.b.branch.pk}']").click()
    desk.fill("#id_reason", "搬迁至乙社区")
    desk.click("[data-testid=transfer-form] button[type=submit]")
    transfer = Transfer.objects.get(member=member)
    desk.wait_for_url(f"{url}/org/transfers/{transfer.pk}/")
    assert desk.locator("[data-testid=status]").inner_text().strip() == "待接收"
    assert desk.locator("[data-testid=accept]").count() == 0  # the sender cannot accept

    phone = browser.new_context(**PHONE_VIEWPORT).new_page()
    phone.set_default_timeout(15_000)
    login(phone, live_server, "pw-cadre-b", PASSWORD)
    queue = phone.locator("[data-testid=queue-transfers_incoming]")
    assert queue.locator("[data-testid=queue-count]").inner_text().strip() == "1"
    queue.locator(".queue-item").first.click()
    phone.wait_for_url(f"{url}/org/transfers/{transfer.pk}/")
    phone.click("[data-testid=accept]")
    phone.wait_for_load_state()
    assert phone.locator("[data-testid=status]").inner_text().strip() == "已接收"
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    phone.goto(f"{url}/org/members/?organization={w.city.b.branch.pk}")
    assert member.name in phone.content()
    desk.goto(f"{url}/org/members/?organization={w.city.a.branch.pk}")
    assert member.name not in desk.locator("main").inner_text()
