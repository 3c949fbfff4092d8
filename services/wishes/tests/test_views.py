"""Public pages (no personal data, rate limits), staff pages (scoping, actions, messages),
the API (409 on refused transitions, public endpoints), and pinned query counts."""
import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from dangjian.testing import api_client, assert_max_queries
from organizations.grants.choices import Role
from organizations.tests.factories import build_city, user_with
from services.tests.budgets import BUDGETS
from services.tests.factories import cadre, fulfilled, member_user, new_phone, published, submit
from services.wishes import actions
from services.wishes.choices import WishStatus
from services.wishes.models import Wish

pytestmark = pytest.mark.django_db

NAME = "赵美华"
PHONE = "13912345678"


@pytest.fixture
def c():
    return build_city()


def _form(c, **extra):
    return {"community": c.a.area.pk, "building": c.a.building.pk, "address": "", "kind": "material",
            "text": "想要一台收音机", "name": NAME, "phone": PHONE, **extra}


# ------------------------------------------------------------------------------ public
def test_resident_submits_and_sees_the_code_but_no_personal_data(client, c):
    response = client.post(reverse("services:wish_submit"), _form(c))
    wish = Wish.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("services:wish_status", args=[wish.code])
    assert wish.requester_name == NAME and wish.requester_phone == PHONE and wish.status == WishStatus.SUBMITTED
    page = client.get(response["Location"]).content.decode()
    assert wish.code in page and "请记下您的查询码" in page
    assert NAME not in page and PHONE not in page and PHONE[-4:] not in page


def test_status_page_never_shows_requester_or_claimant(client, c):
    member = member_user(c.a.members[0])
    wish = fulfilled(c.a, member, name=NAME, phone=PHONE)
    page = client.get(reverse("services:wish_status", args=[wish.code])).content.decode()
    assert "已由一名党员认领" in page and "已完成" in page
    for secret in (NAME, PHONE, PHONE[-4:], c.a.members[0].name, member.username):
        assert secret not in page
    data = APIClient().get(f"/api/public/wishes/{wish.code}/").json()
    text = str(data)
    assert data["status"] == "fulfilled" and data["can_rate"] is True
    for secret in (NAME, PHONE, PHONE[-4:], c.a.members[0].name):
        assert secret not in text


def test_status_by_unknown_code_is_404_and_lower_case_redirects(client, c):
    wish = submit(c.a)
    assert client.get(reverse("services:wish_status", args=["NOSUCHCODE"])).status_code == 404
    response = client.get(reverse("services:wish_status", args=[wish.code.lower()]))
    assert response.status_code == 302 and wish.code in response["Location"]


def test_form_errors_are_shown_and_nothing_is_stored(client, c):
    response = client.post(reverse("services:wish_submit"), _form(c, phone="12", text=""))
    assert response.status_code == 400
    assert "请填写正确的11位手机号" in response.content.decode()
    assert not Wish.objects.exists()


def test_submissions_over_the_ip_limit_get_429(client, c, settings):
    settings.WISH_SUBMIT_IP_LIMIT = (3, 3600)
    for _ in range(3):
        assert client.post(reverse("services:wish_submit"), _form(c, phone=new_phone())).status_code == 302
    response = client.post(reverse("services:wish_submit"), _form(c, phone=new_phone()))
    assert response.status_code == 429 and "操作过于频繁" in response.content.decode()
    assert response["Retry-After"]
    assert Wish.objects.count() == 3


def test_submissions_over_the_phone_limit_get_429_from_any_ip(c, settings):
    settings.WISH_SUBMIT_PHONE_LIMIT = (2, 86400)
    for i in range(2):
        api = APIClient(REMOTE_ADDR=f"10.0.0.{i + 1}")
        assert api.post("/api/public/wishes/", _form(c), format="json").status_code == 201
    response = APIClient(REMOTE_ADDR="10.0.0.9").post("/api/public/wishes/", _form(c), format="json")
    assert response.status_code == 429 and "频繁" in response.json()["detail"]
    assert Wish.objects.count() == 2


def test_public_api_submit_answers_without_personal_data(c):
    response = APIClient().post("/api/public/wishes/", _form(c), format="json")
    assert response.status_code == 201
    body = response.json()
    assert body["status"] == "submitted" and len(body["code"]) == 10
    assert NAME not in str(body) and PHONE not in str(body)
    bad = APIClient().post("/api/public/wishes/", _form(c, phone="1"), format="json")
    assert bad.status_code == 400 and "phone" in bad.json()


def test_resident_rates_with_the_last_four_digits(client, c):
    member = member_user(c.a.members[0])
    wish = fulfilled(c.a, member, phone=PHONE)
    url = reverse("services:wish_rate", args=[wish.code])
    wrong = client.post(url, {"rating": "satisfied", "phone_last4": "0000"})
    assert wrong.status_code == 400 and "不一致" in wrong.content.decode()
    ok = client.post(url, {"rating": "satisfied", "phone_last4": PHONE[-4:], "comment": "谢谢"})
    assert ok.status_code == 302
    wish.refresh_from_db()
    assert wish.status == WishStatus.RATED and wish.rating_comment == "谢谢"
    again = client.post(url, {"rating": "satisfied", "phone_last4": PHONE[-4:]}, follow=True)
    assert "已经评价过了" in again.content.decode()
    api = APIClient().post(f"/api/public/wishes/{wish.code}/rate/", {"rating": "basic", "phone_last4": PHONE[-4:]},
                           format="json")
    assert api.status_code == 409 and "已经评价过了" in api.json()["detail"]


def test_wrong_rating_digits_are_rate_limited(client, c, settings):
    settings.WISH_RATE_CODE_LIMIT = (2, 3600)
    wish = fulfilled(c.a, member_user(c.a.members[0]))
    url = reverse("services:wish_rate", args=[wish.code])
    for _ in range(2):
        assert client.post(url, {"rating": "satisfied", "phone_last4": "0000"}).status_code == 400
    assert client.post(url, {"rating": "satisfied", "phone_last4": "0000"}).status_code == 429


# ------------------------------------------------------------------------------- staff
def test_a_member_cannot_open_a_wish_not_yet_on_the_wall(client, c):
    """Scope of the review list and of a wish's page for a cadre, and the member's 403 on the
    list: ``test_contracts.TestWishListPage`` and ``TestWishDetailPage``."""
    mine = submit(c.a, text="甲社区的心愿")
    client.force_login(member_user(c.a.members[0]))
    assert client.get(reverse("services:wish_detail", args=[mine.pk])).status_code == 404  # not yet on the wall


def test_review_list_filters_by_status(client, c):
    waiting, out = submit(c.a), published(c.a)
    client.force_login(cadre(c.a))
    page = client.get(reverse("services:wish_list"), {"status": "submitted"}).content.decode()
    assert waiting.code in page and out.code not in page


def test_cadre_publishes_then_a_second_publish_is_a_flash_message(client, c):
    wish = submit(c.a)
    client.force_login(cadre(c.a))
    url = reverse("services:wish_publish", args=[wish.pk])
    assert client.post(url).status_code == 302
    assert Wish.objects.get(pk=wish.pk).status == WishStatus.PUBLISHED
    page = client.post(url, follow=True).content.decode()
    assert "该心愿已经发布" in page


def test_a_member_opens_the_wishes_of_their_own_wall_only(client, c):
    """The wall's rows (甲's, never 乙's): ``test_contracts.TestWishWallPage``."""
    mine, theirs = published(c.a, text="甲社区墙上的心愿"), published(c.b, text="乙社区墙上的心愿")
    client.force_login(member_user(c.a.members[0]))
    assert client.get(reverse("services:wish_wall"), {"area": c.b.area.pk}).status_code == 404
    assert client.get(reverse("services:wish_detail", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("services:wish_detail", args=[mine.pk])).status_code == 200


def test_street_cadre_sees_the_wall_of_the_whole_street(client, c):
    published(c.a, text="甲社区墙上的心愿"), published(c.b, text="乙社区墙上的心愿")
    client.force_login(user_with(Role.STREET, c.street))
    page = client.get(reverse("services:wish_wall"), {"area": c.street.pk}).content.decode()
    assert "甲社区墙上的心愿" in page and "乙社区墙上的心愿" in page


def test_member_claims_from_the_wall_fulfils_and_sees_my_claims(client, c):
    wish = published(c.a)
    user = member_user(c.a.members[0])
    client.force_login(user)
    assert client.post(reverse("services:wish_claim", args=[wish.pk])).status_code == 302
    page = client.get(reverse("services:my_claims")).content.decode()
    assert wish.text in page
    response = client.post(reverse("services:wish_fulfil", args=[wish.pk]), {"fulfil-note": "已送到"})
    assert response.status_code == 302
    assert Wish.objects.get(pk=wish.pk).status == WishStatus.FULFILLED
    other = member_user(c.a.members[1])
    client.force_login(other)
    late = published(c.a)
    actions.wish_claim(actor=user, wish=late)
    page = client.post(reverse("services:wish_claim", args=[late.pk]), follow=True).content.decode()
    assert "已被认领，不能重复认领" in page


# --------------------------------------------------------------------------------- API
def test_api_shows_personal_data_to_the_cadre_and_the_claim_race_loser_gets_409(c):
    """Scope of the list and the detail: ``test_contracts.TestWishApi``."""
    mine = published(c.a)
    row = api_client(cadre(c.a)).get(f"/api/wishes/{mine.pk}/").json()
    assert row["requester_name"] and "*" in row["requester_phone_masked"]
    first, second = member_user(c.a.members[0]), member_user(c.a.members[1])
    assert api_client(first).post(f"/api/wishes/{mine.pk}/claim/", {}, format="json").status_code == 200
    response = api_client(second).post(f"/api/wishes/{mine.pk}/claim/", {}, format="json")
    assert response.status_code == 409 and "已被认领" in response.json()["detail"]
    row = api_client(first).post(f"/api/wishes/{mine.pk}/fulfil/", {"note": "完成"}, format="json").json()
    assert row["status"] == "fulfilled" and row["requester_name"] == ""  # a member sees no personal data


def test_api_publish_by_a_grid_worker_is_403(c):
    wish = submit(c.a)
    assert api_client(user_with(Role.GRID, c.a.area)).post(f"/api/wishes/{wish.pk}/publish/").status_code == 403


# ------------------------------------------------------------------------ query counts
def _fill(c, n, member):
    for i in range(n):
        wish = published(c.a, text=f"心愿{i}")
        if i % 2:
            actions.wish_claim(actor=member, wish=wish)


@pytest.mark.parametrize("size", [2, 12])
def test_public_status_query_count_does_not_grow_with_rows(client, c, size):
    """The public status page by code; the staff pages and the API are measured by
    ``test_contracts`` (lists, wish pages, the wall, my claims)."""
    member = member_user(c.a.members[0], f"qm-{size}")
    _fill(c, size, member)
    wish = Wish.objects.filter(status=WishStatus.CLAIMED).first()
    with assert_max_queries(BUDGETS["services:wish_status"]):
        assert client.get(reverse("services:wish_status", args=[wish.code])).status_code == 200


def test_claim_form_picks_an_organization_from_the_users_scope(client, c):
    """The claim form renders no option list; its picker lists the organizations the user may
    claim for (searched by ``q``), refuses anonymous callers, and a claim for an organization
    outside the user's scope is refused."""
    wish = published(c.a)
    other = published(c.b)
    pick = reverse("services:wish_pick_orgs")
    assert client.get(pick).status_code == 403
    client.force_login(cadre(c.a))
    page = client.get(reverse("services:wish_detail", args=[wish.pk])).content.decode()
    assert f'data-picker="{pick}"' in page and f'value="{c.a.branch.pk}"' not in page
    ids = {r["id"] for r in client.get(pick).json()["results"]}
    assert {c.a.committee.pk, c.a.branch.pk} <= ids and c.b.branch.pk not in ids and c.b.committee.pk not in ids
    found = client.get(pick, {"q": c.a.branch.name}).json()
    assert [r["text"] for r in found["results"]] == [c.a.branch.name] and found["more"] is False
    client.post(reverse("services:wish_claim", args=[other.pk]), {"claim-org": c.b.branch.pk})
    client.post(reverse("services:wish_claim", args=[wish.pk]), {"claim-org": c.b.branch.pk})
    assert Wish.objects.filter(pk__in=[wish.pk, other.pk], claimed_org__isnull=False).count() == 0
    client.post(reverse("services:wish_claim", args=[wish.pk]), {"claim-org": c.a.branch.pk})
    wish.refresh_from_db()
    assert wish.claimed_org == c.a.branch
    client.force_login(member_user(c.a.members[0]))
    assert client.get(pick).json() == {"results": [], "more": False}  # a plain member claims for no organization
