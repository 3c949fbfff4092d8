"""Calling the resident back (the dispatcher and the assignee of an open wish or request reveal
the requester's phone, one logged POST at a time) and the resident seeing the result (note
and photo) on the public status and rating pages before rating."""
import pytest
from django.urls import reverse

from grids.tests.factories import png_upload
from organizations.grants.choices import Role
from organizations.members.choices import AccessKind
from organizations.members.models import PersonalDataAccess
from organizations.tests.factories import user_with
from services.requests import actions as request_actions
from services.requests.tests.test_support import dispatched_to_member, order, resolved_by_member
from services.tests.factories import cadre, claimed, fulfilled, member_user, published, submit
from services.wishes import actions as wish_actions

pytestmark = pytest.mark.django_db

PHONE = "13912342222"
MASKED = "139****2222"


def _reveal(client, url):
    return client.post(url, HTTP_HX_REQUEST="true")


def _log():
    return list(PersonalDataAccess.objects.order_by("id").values_list(
        "user__username", "kind", "target_type", "target_id", "fields", "refused", "member_id"))


def _no_number_logged():
    for row in PersonalDataAccess.objects.values():
        assert PHONE not in str(row) and PHONE[-4:] not in str(row)


def wish_reveal_url(wish):
    return reverse("services:wish_reveal_phone", args=[wish.pk])


def request_reveal_url(req):
    return reverse("requests:reveal_phone", args=[req.pk])


# ------------------------------------------------------------------------------ wishes
def test_the_reviewing_cadre_reveals_the_phone_of_an_open_wish_and_the_reveal_is_logged(client, city):
    wish = submit(city.a, phone=PHONE)
    staff = cadre(city.a, username="dispatcher")
    client.force_login(staff)
    page = client.get(reverse("services:wish_detail", args=[wish.pk])).content.decode()
    assert MASKED in page and PHONE not in page  # masked until revealed
    assert 'data-testid="reveal-phone"' in page and wish_reveal_url(wish) in page
    assert not PersonalDataAccess.objects.exists()  # showing the page reveals nothing

    response = _reveal(client, wish_reveal_url(wish))
    body = response.content.decode()
    assert response.status_code == 200
    assert f'href="tel:{PHONE}"' in body and PHONE in body
    assert "no-store" in response["Cache-Control"] or "no-cache" in response["Cache-Control"]
    assert _log() == [("dispatcher", AccessKind.REVEAL, "services.wish", str(wish.pk), "requester_phone", False, None)]
    _no_number_logged()


def test_the_claimant_member_reveals_the_phone_of_the_wish_they_claimed(client, city):
    member = member_user(city.a.members[0], "claimant")
    wish = claimed(city.a, member, phone=PHONE)
    client.force_login(member)
    page = client.get(reverse("services:wish_detail", args=[wish.pk])).content.decode()
    assert MASKED in page and PHONE not in page and 'data-testid="reveal-phone"' in page
    response = _reveal(client, wish_reveal_url(wish))
    assert response.status_code == 200 and f"tel:{PHONE}" in response.content.decode()
    assert [row[:2] + row[5:6] for row in _log()] == [("claimant", AccessKind.REVEAL, False)]


def test_other_roles_are_refused_and_logged_and_see_no_button(client, city):
    wish = published(city.a, phone=PHONE)
    grid = user_with(Role.GRID, city.a.area, username="grid-worker")  # reads the list, does not review
    wall_member = member_user(city.a.members[1], "wall-member")  # sees the wish on the wall
    outsider = cadre(city.b, username="outsider")  # another community
    for user in (grid, wall_member):
        client.force_login(user)
        page = client.get(reverse("services:wish_detail", args=[wish.pk])).content.decode()
        assert PHONE not in page and 'data-testid="reveal-phone"' not in page
        response = _reveal(client, wish_reveal_url(wish))
        assert response.status_code == 403 and PHONE not in response.content.decode()
        assert "只有负责审核该心愿的社区工作人员和认领人" in response.content.decode()
    client.force_login(outsider)
    assert _reveal(client, wish_reveal_url(wish)).status_code == 404  # out of scope, as for missing
    assert _reveal(client, reverse("services:wish_reveal_phone", args=[wish.pk + 999])).status_code == 404
    assert [(row[0], row[5]) for row in _log()] == [("grid-worker", True), ("wall-member", True), ("outsider", True)]
    _no_number_logged()


def test_once_the_wish_is_done_the_button_is_gone_and_a_post_is_refused_and_logged(client, city):
    member = member_user(city.a.members[0], "claimant")
    wish = fulfilled(city.a, member, phone=PHONE)
    staff = cadre(city.a, username="dispatcher")
    for user in (staff, member):
        client.force_login(user)
        page = client.get(reverse("services:wish_detail", args=[wish.pk])).content.decode()
        assert 'data-testid="reveal-phone"' not in page and PHONE not in page
        response = _reveal(client, wish_reveal_url(wish))
        assert response.status_code == 403 and "事项已结束" in response.content.decode()
        assert PHONE not in response.content.decode()
    assert [(row[0], row[5]) for row in _log()] == [("dispatcher", True), ("claimant", True)]


def test_reveal_is_a_post_only(client, city):
    wish = submit(city.a, phone=PHONE)
    client.force_login(cadre(city.a))
    assert client.get(wish_reveal_url(wish)).status_code == 405
    assert not PersonalDataAccess.objects.exists()


# ---------------------------------------------------------------------------- requests
def test_the_dispatcher_and_the_assignee_reveal_the_phone_of_an_open_request(client, city):
    member = member_user(city.a.members[0], "assignee")
    staff = cadre(city.a, username="dispatcher")
    req = dispatched_to_member(city.a, member, by=staff, phone=PHONE)
    for user in (staff, member):
        client.force_login(user)
        page = client.get(reverse("requests:detail", args=[req.pk])).content.decode()
        assert MASKED in page and PHONE not in page and 'data-testid="reveal-phone"' in page
        response = _reveal(client, request_reveal_url(req))
        assert response.status_code == 200 and f'href="tel:{PHONE}"' in response.content.decode()
    assert [(row[0], row[2], row[3], row[5]) for row in _log()] == [
        ("dispatcher", "services.servicerequest", str(req.pk), False),
        ("assignee", "services.servicerequest", str(req.pk), False),
    ]
    _no_number_logged()


def test_a_request_waiting_for_dispatch_is_revealed_to_the_dispatcher_only(client, city):
    req = order(city.a, phone=PHONE)
    grid = user_with(Role.GRID, city.a.area, username="grid-worker")
    client.force_login(grid)
    page = client.get(reverse("requests:detail", args=[req.pk])).content.decode()
    assert MASKED in page and 'data-testid="reveal-phone"' not in page
    assert _reveal(client, request_reveal_url(req)).status_code == 403
    client.force_login(cadre(city.b, username="outsider"))
    assert _reveal(client, request_reveal_url(req)).status_code == 404
    client.force_login(cadre(city.a, username="dispatcher"))
    assert _reveal(client, request_reveal_url(req)).status_code == 200
    assert [(row[0], row[5]) for row in _log()] == [("grid-worker", True), ("outsider", True), ("dispatcher", False)]


def test_once_the_request_is_resolved_or_cancelled_the_reveal_is_refused_and_logged(client, city):
    member = member_user(city.a.members[0], "assignee")
    staff = cadre(city.a, username="dispatcher")
    req = resolved_by_member(city.a, member, phone=PHONE)
    cancelled = request_actions.request_cancel(actor=staff, request=order(city.a, phone=PHONE), reason="重复提交")
    for user, target in ((member, req), (staff, req), (staff, cancelled)):
        client.force_login(user)
        page = client.get(reverse("requests:detail", args=[target.pk])).content.decode()
        assert 'data-testid="reveal-phone"' not in page and PHONE not in page
        response = _reveal(client, request_reveal_url(target))
        assert response.status_code == 403 and "事项已结束" in response.content.decode()
    assert [(row[0], row[5]) for row in _log()] == [("assignee", True), ("dispatcher", True), ("dispatcher", True)]


def test_a_former_assignee_may_no_longer_reveal_after_a_redispatch(client, city):
    first = member_user(city.a.members[0], "first")
    second = member_user(city.a.members[1], "second")
    staff = cadre(city.a)
    req = dispatched_to_member(city.a, first, by=staff, phone=PHONE)
    request_actions.request_dispatch(actor=staff, request=req, member=second.member)
    client.force_login(first)
    assert _reveal(client, request_reveal_url(req)).status_code == 404  # no longer theirs to open
    client.force_login(second)
    assert _reveal(client, request_reveal_url(req)).status_code == 200
    assert [(row[0], row[5]) for row in _log()] == [("first", True), ("second", False)]


# ------------------------------------------------------------- the resident sees the result
def test_the_resident_sees_the_fulfilment_note_and_photo_before_rating(client, city):
    member = member_user(city.a.members[0])
    wish = claimed(city.a, member, phone=PHONE)
    status_url = reverse("services:wish_status", args=[wish.code])
    photo_url = reverse("services:wish_result_photo", args=[wish.code])
    assert 'data-testid="result"' not in client.get(status_url).content.decode()
    assert client.get(photo_url).status_code == 404  # not done yet
    wish_actions.wish_fulfil(actor=member, wish=wish, note="已把收音机送到家中，联系电话13800001111", photo=png_upload())

    for url in (status_url, reverse("services:wish_rate", args=[wish.code])):
        page = client.get(url).content.decode()
        assert 'data-testid="result-note"' in page and "已把收音机送到家中" in page
        assert "13800001111" not in page and "138****1111" in page  # numbers in the note masked
        assert f'src="{photo_url}"' in page
        assert city.a.members[0].name not in page and PHONE not in page
    rate_page = client.get(reverse("services:wish_rate", args=[wish.code])).content.decode()
    assert rate_page.index('data-testid="result"') < rate_page.index('data-testid="rate-form"')
    photo = client.get(photo_url)  # anonymous: the tracking code is the authority
    assert photo.status_code == 200 and photo["Content-Type"] == "image/png"
    assert photo["X-Content-Type-Options"] == "nosniff" and "private" in photo["Cache-Control"]
    assert b"".join(photo.streaming_content).startswith(b"\x89PNG")
    assert client.get(reverse("services:wish_result_photo", args=["NOSUCHCODE"])).status_code == 404


def test_a_fulfilled_wish_without_a_photo_shows_the_note_and_no_photo(client, city):
    wish = fulfilled(city.a, member_user(city.a.members[0]))
    page = client.get(reverse("services:wish_status", args=[wish.code])).content.decode()
    assert "已送到家中" in page and 'data-testid="result-photo"' not in page
    assert client.get(reverse("services:wish_result_photo", args=[wish.code])).status_code == 404


def test_the_resident_sees_the_request_result_note_before_rating(client, city):
    member = member_user(city.a.members[0])
    req = resolved_by_member(city.a, member, phone=PHONE)
    for url in (reverse("requests:public_status", args=[req.code]), reverse("requests:public_rate", args=[req.code])):
        page = client.get(url).content.decode()
        assert 'data-testid="result-note"' in page and "已更换灯泡" in page
        assert city.a.members[0].name not in page and PHONE not in page
    open_req = order(city.a)
    page = client.get(reverse("requests:public_status", args=[open_req.code])).content.decode()
    assert 'data-testid="result"' not in page


def test_the_assignee_resolves_with_a_photo_that_the_resident_sees_before_rating(client, city):
    from services.requests.tests.test_support import accepted_by_member

    member = member_user(city.a.members[0])
    req = accepted_by_member(city.a, member, phone=PHONE)
    photo_url = reverse("requests:public_result_photo", args=[req.code])
    assert client.get(photo_url).status_code == 404  # not resolved yet
    client.force_login(member)
    response = client.post(reverse("requests:resolve", args=[req.pk]),
                           {"resolve-note": "已更换楼道灯，居民确认恢复照明", "resolve-photo": png_upload()})
    assert response.status_code == 302
    staff_page = client.get(reverse("requests:detail", args=[req.pk])).content.decode()
    assert reverse("requests:result_photo", args=[req.pk]) in staff_page
    assert client.get(reverse("requests:result_photo", args=[req.pk])).status_code == 200
    client.logout()
    for url in (reverse("requests:public_status", args=[req.code]), reverse("requests:public_rate", args=[req.code])):
        page = client.get(url).content.decode()
        assert "已更换楼道灯" in page and f'src="{photo_url}"' in page and PHONE not in page
    photo = client.get(photo_url)
    assert photo.status_code == 200 and photo["Content-Type"] == "image/png"
    assert b"".join(photo.streaming_content).startswith(b"\x89PNG")
    # the staff route stays for those who may open the request
    assert client.get(reverse("requests:result_photo", args=[req.pk])).status_code == 302  # to the login page


def test_a_result_photo_that_is_not_a_picture_is_refused_and_nothing_changes(client, city):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from services.requests.choices import RequestStatus
    from services.requests.models import ServiceRequest
    from services.requests.tests.test_support import accepted_by_member

    member = member_user(city.a.members[0])
    req = accepted_by_member(city.a, member)
    client.force_login(member)
    fake = SimpleUploadedFile("x.png", b"not an image", content_type="image/png")
    response = client.post(reverse("requests:resolve", args=[req.pk]), {"resolve-note": "已处理", "resolve-photo": fake})
    assert response.status_code == 400
    req = ServiceRequest.objects.get(pk=req.pk)
    assert req.status == RequestStatus.ACCEPTED and not req.resolve_photo
