"""A duplicate ID number on create, update, the API and the roster import: inside the user's
scope the message points to the member already holding it; outside it, the message says it
belongs to a member of another organization and must come by 组织关系转接 — naming no
organization, area or member, identical whichever subtree holds it, with the same status and
the same queries."""
import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from dangjian.testing import api_client, count_queries, logged_in
from dangjian.testing.clients import fresh
from organizations.areas.choices import AreaLevel
from organizations.grants.choices import Role
from organizations.imports.importers import import_workbook
from organizations.imports.tests.test_import import errors_by_row, member_file, member_row
from organizations.members import actions
from organizations.members.models import Member
from organizations.tests.factories import build_city, user_with, valid_id_number

pytestmark = pytest.mark.django_db

TRANSFER = "组织关系转接"


@pytest.fixture
def two_cities(city):
    return city, build_city()


def _id(member):
    return Member.objects.get(pk=member.pk).id_number


def _leaks(message, *, holder):
    """Words of the holder's place that must not appear in a message."""
    org = holder.organization
    words = [holder.name, str(holder.pk), org.name, org.code]
    if holder.residence_id:
        words += [holder.residence.name, holder.residence.code]
    area = org.area
    while area is not None:
        if area.level >= AreaLevel.STREET:
            words += [area.name, area.code]
        area = area.parent
    return [w for w in words if w and w in message]


def _create(actor, org, id_number):
    try:
        actions.member_create(actor=actor, organization=org, name="新党员", gender="F", id_number=id_number)
    except ValidationError as exc:
        return exc.message_dict["id_number"][0]
    raise AssertionError("the duplicate was accepted")


def test_outside_the_scope_the_message_leads_to_a_transfer_and_names_nothing(two_cities):
    city, other = two_cities
    cadre = user_with(Role.COMMUNITY, city.a.area)
    holder_b = Member.objects.select_related("organization__area", "residence").get(pk=city.b.members[0].pk)
    holder_far = Member.objects.select_related("organization__area", "residence").get(pk=other.a.members[0].pk)
    near = _create(cadre, city.a.branch, holder_b.id_number)
    far = _create(cadre, city.a.branch, holder_far.id_number)
    assert TRANSFER in near and "其他党组织" in near
    assert _leaks(near, holder=holder_b) == [] and _leaks(far, holder=holder_far) == []
    assert near == far  # the same words whichever subtree holds it
    assert not Member.objects.filter(name="新党员").exists()


def test_inside_the_scope_the_message_points_to_the_member(city):
    cadre = user_with(Role.COMMUNITY, city.a.area)
    holder = Member.objects.get(pk=city.a.members[1].pk)
    message = _create(cadre, city.a.branch, holder.id_number)
    assert holder.name in message and str(holder.pk) in message
    assert TRANSFER not in message


def test_update_to_an_outside_id_number_is_refused_the_same_way(city):
    cadre = user_with(Role.COMMUNITY, city.a.area)
    mine = Member.objects.get(pk=city.a.members[0].pk)
    holder = Member.objects.select_related("organization__area", "residence").get(pk=city.b.members[0].pk)
    with pytest.raises(ValidationError) as raised:
        actions.member_update(actor=cadre, member=mine, id_number=holder.id_number)
    message = raised.value.message_dict["id_number"][0]
    assert TRANSFER in message and _leaks(message, holder=holder) == []


def test_inside_and_outside_run_the_same_queries(two_cities):
    city, other = two_cities
    cadre = user_with(Role.COMMUNITY, city.a.area)
    numbers = {"inside": _id(city.a.members[1]), "near": _id(city.b.members[0]), "far": _id(other.b.members[1])}
    counts = {  # a fresh copy of the cadre each time: every attempt pays for its scope alike
        name: count_queries(lambda n=number: _create(fresh(cadre), city.a.branch, n))
        for name, number in numbers.items()
    }
    assert len(set(counts.values())) == 1, counts


def test_the_api_answers_400_on_the_field_for_both(two_cities):
    city, other = two_cities
    client = api_client(user_with(Role.COMMUNITY, city.a.area))
    answers = {}
    for name, holder in (("inside", city.a.members[1]), ("outside", other.b.members[0])):
        payload = {"name": "接口党员", "gender": "M", "organization": city.a.branch.pk, "id_number": _id(holder)}
        response = client.post("/api/members/", payload, format="json")
        answers[name] = (response.status_code, list(response.json()))
        if name == "outside":
            text = response.content.decode()
            held = Member.objects.select_related("organization__area", "residence").get(pk=holder.pk)
            assert TRANSFER in text and _leaks(text, holder=held) == []
    assert answers["inside"] == answers["outside"] == (400, ["id_number"])


def test_the_form_shows_the_transfer_message(client, city):
    logged_in(user_with(Role.COMMUNITY, city.a.area), client)
    holder = Member.objects.select_related("organization__area", "residence").get(pk=city.b.members[0].pk)
    data = {
        "name": "新党员", "gender": "F", "status": "full", "organization": city.a.branch.pk, "org_role": "member",
        "residence": "", "employer": "", "employer_org": "", "phone": "", "id_number": holder.id_number,
    }
    response = client.post(reverse("organizations:member_create"), data)
    message = response.context["form"].errors["id_number"][0]
    assert TRANSFER in message and _leaks(message, holder=holder) == []


def test_the_import_reports_both_kinds_without_leaking(two_cities):
    city, other = two_cities
    cadre = user_with(Role.COMMUNITY, city.a.area)
    inside = Member.objects.get(pk=city.a.members[0].pk)
    outside = Member.objects.select_related("organization__area", "residence").get(pk=other.b.members[0].pk)
    rows = [
        member_row(city.a.branch, 出生日期="1975-05-05", 身份证号=valid_id_number(931, "19750505")),  # 2: good
        member_row(city.a.branch, 身份证号=inside.id_number),      # 3: in scope
        member_row(city.a.branch, 身份证号=outside.id_number),     # 4: another organization
    ]
    errs = errors_by_row(import_workbook("members", member_file(rows), actor=cadre))
    assert 2 not in errs
    assert inside.name in errs[3][0] and TRANSFER not in errs[3][0]
    assert TRANSFER in errs[4][0] and _leaks(errs[4][0], holder=outside) == []
