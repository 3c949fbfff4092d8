"""Public text (issue 12, finding 9): a resident's text appears on public pages and Open311
only once the community reviewed it (a wish published, a request dispatched), and phone and ID
numbers typed into it are masked everywhere it appears in public."""
import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from organizations.tests.factories import build_city
from services.requests import actions as request_actions
from services.requests.tests.test_support import order
from services.tests.factories import cadre, member_user, published, submit

pytestmark = pytest.mark.django_db

PHONE_IN_TEXT = "13698765432"
TEXT = f"想要一台收音机，有意请打{PHONE_IN_TEXT}"
REQUEST_TEXT = "楼道里的灯坏了两周，物业说没人管"


@pytest.fixture
def c():
    return build_city()


def _open311(client, **params):
    return client.get("/open311/v2/requests.json", params).json()


def test_unreviewed_request_text_is_not_on_open311(client, c):
    req = order(c.a, text=REQUEST_TEXT)
    rows = _open311(client)
    row = next(r for r in rows if r["service_request_id"] == f"R-{req.code}")
    assert row["description"] == "（社区审核后公开）"
    assert REQUEST_TEXT not in str(_open311(client, service_request_id=f"R-{req.code}"))
    xml = client.get(f"/open311/v2/requests/R-{req.code}.xml").content.decode()
    assert REQUEST_TEXT not in xml and "社区审核后公开" in xml
    # once the community dispatched it, the text is public
    member = member_user(c.a.members[0])
    request_actions.request_dispatch(actor=cadre(c.a), request=req, member=member.member)
    assert _open311(client, service_request_id=f"R-{req.code}")[0]["description"] == REQUEST_TEXT


def test_unreviewed_wish_text_is_not_public_by_id_nor_on_its_status_page(client, c):
    wish = submit(c.a, text=TEXT)
    assert TEXT not in str(_open311(client, service_request_id=f"W-{wish.code}"))
    page = client.get(reverse("services:wish_status", args=[wish.code])).content.decode()
    assert "社区审核后公开" in page and "收音机" not in page
    assert "收音机" not in str(APIClient().get(f"/api/public/wishes/{wish.code}/").json())


def test_a_phone_in_a_published_wish_is_masked_on_the_wall_open311_and_status(client, c):
    wish = published(c.a, text=TEXT)
    masked = "136****5432"
    row = _open311(client, service_request_id=f"W-{wish.code}")[0]
    assert row["description"] == f"想要一台收音机，有意请打{masked}"
    listing = client.get("/open311/v2/requests.xml").content.decode()
    assert PHONE_IN_TEXT not in listing and masked in listing
    status = client.get(reverse("services:wish_status", args=[wish.code])).content.decode()
    assert PHONE_IN_TEXT not in status and masked in status
    api = APIClient().get(f"/api/public/wishes/{wish.code}/").json()
    assert api["text"] == f"想要一台收音机，有意请打{masked}"
    client.force_login(member_user(c.a.members[1]))
    wall = client.get(reverse("services:wish_wall"))
    assert wall.status_code == 200
    assert PHONE_IN_TEXT not in wall.content.decode() and masked in wall.content.decode()


def test_an_id_number_in_a_dispatched_request_is_masked(client, c):
    req = order(c.a, text="我的身份证号110101199003071234丢了，能帮忙补办吗")
    request_actions.request_dispatch(actor=cadre(c.a), request=req, member=member_user(c.a.members[0]).member)
    description = _open311(client, service_request_id=f"R-{req.code}")[0]["description"]
    assert "110101199003071234" not in description and description.startswith("我的身份证号110")
    page = client.get(reverse("requests:public_status", args=[req.code])).content.decode()
    assert "110101199003071234" not in page and "能帮忙补办吗" in page


def test_a_phone_in_a_staff_reason_is_masked_on_the_public_status(client, c):
    from services.wishes import actions as wish_actions

    wish = wish_actions.wish_reject(actor=cadre(c.a), wish=submit(c.a), reason="请直接致电社区13611112222")
    page = client.get(reverse("services:wish_status", args=[wish.code])).content.decode()
    assert "13611112222" not in page and "136****2222" in page
    assert APIClient().get(f"/api/public/wishes/{wish.code}/").json()["reject_reason"] == "请直接致电社区136****2222"
    req = request_actions.request_cancel(actor=cadre(c.a), request=order(c.a), reason="重复提交，见 13611113333")
    page = client.get(reverse("requests:public_status", args=[req.code])).content.decode()
    assert "13611113333" not in page and "136****3333" in page
