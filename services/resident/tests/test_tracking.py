"""Open311 ids (``W-…``, ``R-…``) work where residents and staff type tracking codes (issue 12)."""
import pytest
from django.urls import reverse

from organizations.tests.factories import build_city
from services.requests.tests.test_support import order
from services.resident.actions import normalise_code, split_code
from services.tests.factories import cadre, submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def c():
    return build_city()


def test_split_and_normalise():
    assert split_code("r-ab12 cd") == ("R", "AB12CD")
    assert split_code(" W－XYZ ") == ("W", "XYZ")
    assert split_code("RABCDEFG") == ("", "RABCDEFG")  # R without a hyphen is part of the code
    assert normalise_code("W-abc-def") == "ABCDEF"


def test_the_wish_tracking_page_takes_both_prefixes(client, c):
    wish, req = submit(c.a), order(c.a)
    response = client.get(reverse("services:wish_track"), {"code": f"W-{wish.code}"})
    assert response.status_code == 302 and response["Location"] == reverse("services:wish_status", args=[wish.code])
    response = client.get(reverse("services:wish_track"), {"code": f"r-{req.code.lower()}"})
    assert response.status_code == 302 and response["Location"] == reverse("requests:public_status", args=[req.code])


def test_the_request_tracking_page_takes_both_prefixes(client, c):
    wish, req = submit(c.a), order(c.a)
    response = client.get(reverse("requests:track"), {"code": f"R-{req.code}"})
    assert response.status_code == 302 and response["Location"] == reverse("requests:public_status", args=[req.code])
    response = client.get(reverse("requests:track"), {"code": f"W-{wish.code}"})
    assert response["Location"] == reverse("services:wish_status", args=[wish.code])


def test_status_pages_take_the_prefixed_id(client, c):
    req = order(c.a)
    response = client.get(reverse("requests:public_status", args=[f"R-{req.code}"]))
    assert response.status_code == 302 and response["Location"] == reverse("requests:public_status", args=[req.code])


def test_staff_search_takes_the_prefixed_id(client, c):
    wish, other = submit(c.a), submit(c.a)
    req, other_req = order(c.a), order(c.a)
    client.force_login(cadre(c.a))
    page = client.get(reverse("services:wish_list"), {"q": f"W-{wish.code}"}).content.decode()
    assert wish.code in page and other.code not in page
    page = client.get(reverse("requests:list"), {"q": f"R-{req.code}"}).content.decode()
    assert req.code in page and other_req.code not in page
