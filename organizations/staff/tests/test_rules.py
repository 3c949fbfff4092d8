"""Escalation attempts against 账号管理, through the actions and the pages: a street cadre
never grants district or street, never grants outside its street, never touches an account
holding a grant it could not give, nor itself, nor a superuser; out of scope is 404."""
import pytest
from django.http import Http404
from django.urls import reverse

from dangjian.errors import PermissionDeniedError
from dangjian.models import AuditEvent
from dangjian.testing import logged_in
from organizations.grants.choices import Role
from organizations.grants.models import Grant
from organizations.staff import actions, permissions, selectors
from organizations.tests.factories import UserFactory, grant, user_with


def _create(actor, role, node, username="new-cadre"):
    return actions.account_create(actor=actor, username=username, display_name="新干部", role=role, node=node)


# ------------------------------------------------------------------ granting roles
@pytest.mark.parametrize("role", [Role.DISTRICT, Role.STREET, Role.ADMIN])
def test_street_cannot_grant_its_own_role_or_higher(world, role):
    with pytest.raises(PermissionDeniedError):
        _create(world.street, role, world.c.street)
    account, _ = _create(world.street, Role.COMMUNITY, world.c.a.area)
    with pytest.raises(PermissionDeniedError):
        actions.grant_add(actor=world.street, account=account, role=role, node=world.c.a.area)
    assert list(Grant.objects.filter(user=account).values_list("role", flat=True)) == [Role.COMMUNITY]


@pytest.mark.parametrize("role", [Role.COMMUNITY, Role.GRID, Role.MEMBER, Role.DEPARTMENT])
def test_street_grants_the_roles_below_it_inside_its_street(world, role):
    account, password = _create(world.street, role, world.c.a.compound)
    assert Grant.objects.get(user=account).role == role and password
    assert permissions.grantable_roles(world.street) == [Role.COMMUNITY, Role.GRID, Role.MEMBER, Role.DEPARTMENT]


def test_street_cannot_grant_at_another_street_or_the_district(world):
    for node in (world.other.area, world.other_street, world.c.district, world.c.city, world.other.branch):
        with pytest.raises(Http404):
            _create(world.street, Role.COMMUNITY, node, username=f"x{node.pk}{type(node).__name__}")
    account, _ = _create(world.street, Role.COMMUNITY, world.c.a.area)
    with pytest.raises(Http404):
        actions.grant_add(actor=world.street, account=account, role=Role.GRID, node=world.other.compound)
    assert not Grant.objects.filter(area__in=[world.other.area, world.other.compound]).exists()


def test_street_grants_at_an_organization_of_its_street(world):
    account, _ = _create(world.street, Role.COMMUNITY, world.c.a.committee)
    assert Grant.objects.get(user=account).org == world.c.a.committee


def test_street_cannot_grant_at_an_organization_reaching_outside_its_street(world):
    """An organization grant covers the organization's subtree; a branch of it anchored in
    another street would put the grantee beyond the street cadre's own reach."""
    from organizations.orgs.choices import OrgCategory, OrgKind
    from organizations.tests.factories import PartyOrgFactory

    PartyOrgFactory(name="驻外支部", kind=OrgKind.BRANCH, category=OrgCategory.COMPOUND, area=world.other.compound,
                    parent=world.c.a.committee)
    with pytest.raises(PermissionDeniedError):
        _create(world.street, Role.COMMUNITY, world.c.a.committee)
    account, _ = _create(world.district, Role.STREET, world.c.a.committee, "reaches-further")  # the district covers both
    assert Grant.objects.get(user=account).org == world.c.a.committee


def test_street_grant_form_refuses_a_node_outside_like_a_missing_one(world, client):
    logged_in(world.street, client)
    response = client.post(reverse("organizations:account_create"), {
        "username": "sneaky", "display_name": "越权", "role": Role.COMMUNITY, "area": world.other.area.pk,
        "mode": "generate",
    })
    assert response.status_code == 400
    assert "不在您的管辖范围内" in response.content.decode()
    assert not UserFactory._meta.model.objects.filter(username="sneaky").exists()
    # the picker never offers it
    answer = client.get(reverse("organizations:account_pick_areas"), {"q": "丙"}).json()
    assert world.other.area.pk not in {row["id"] for row in answer["results"]}
    assert world.c.a.area.pk in {row["id"] for row in client.get(reverse("organizations:account_pick_areas"),
                                                                   {"q": "甲"}).json()["results"]}
    orgs = {row["id"] for row in client.get(reverse("organizations:account_pick_orgs"), {"q": "社区党委"}).json()["results"]}
    assert world.c.a.committee.pk in orgs and world.other.committee.pk not in orgs


def test_the_audit_trail_names_no_node_outside_the_viewer_s_scope(world, client):
    account, _ = _create(world.district, Role.COMMUNITY, world.c.a.area, "two-places")
    actions.grant_add(actor=world.district, account=account, role=Role.GRID, node=world.other.compound)
    logged_in(world.street, client)
    page = client.get(reverse("organizations:account_detail", args=[account.pk])).content.decode()
    assert world.c.a.area.name in page and world.other.compound.name not in page and "管辖范围外" in page


def test_street_form_offers_no_role_above_community(world, client):
    logged_in(world.street, client)
    page = client.get(reverse("organizations:account_create")).content.decode()
    assert 'value="community"' in page and 'value="district"' not in page and 'value="street"' not in page
    response = client.post(reverse("organizations:account_create"), {
        "username": "boss", "display_name": "越级", "role": Role.DISTRICT, "area": world.c.street.pk, "mode": "generate",
    })
    assert response.status_code == 400 and not Grant.objects.filter(role=Role.DISTRICT, user__username="boss").exists()


# ------------------------------------------------------------------ touching accounts
def test_street_cannot_reach_a_district_user_above_it(world, client):
    assert selectors.account_for_view(world.street, world.district.pk) is None
    with pytest.raises(Http404):
        actions.account_set_active(actor=world.street, account=world.district, active=False)
    logged_in(world.street, client)
    assert client.get(reverse("organizations:account_detail", args=[world.district.pk])).status_code == 404
    assert client.post(reverse("organizations:account_deactivate", args=[world.district.pk])).status_code == 404
    world.district.refresh_from_db()
    assert world.district.is_active


def test_street_cannot_edit_a_user_holding_a_higher_or_outside_grant(world, client):
    """Visible (a grant inside the street), but another grant is one the street could not give."""
    higher = user_with(Role.COMMUNITY, world.c.a.area, "two-hats")
    grant(higher, Role.DISTRICT, world.c.district)
    elsewhere = user_with(Role.COMMUNITY, world.c.b.area, "two-streets")
    grant(elsewhere, Role.GRID, world.other.compound)
    peer = user_with(Role.STREET, world.c.street, "peer")
    logged_in(world.street, client)
    for account in (higher, elsewhere, peer):
        page = client.get(reverse("organizations:account_detail", args=[account.pk]))
        assert page.status_code == 200 and 'data-testid="not-manageable"' in page.content.decode()
        for name in ("account_deactivate", "account_password_reset", "account_grant"):
            response = client.post(reverse(f"organizations:{name}", args=[account.pk]), {
                "grant-role": Role.GRID, "grant-area": world.c.a.compound.pk, "reset-mode": "generate"})
            assert response.status_code == 403, (account, name)
        first = Grant.objects.filter(user=account).order_by("pk").first()
        assert client.post(reverse("organizations:grant_revoke", args=[first.pk])).status_code == 403
        account.refresh_from_db()
        assert account.is_active and Grant.objects.filter(user=account, is_active=True).count() == (1 if account is peer else 2)


def test_nobody_manages_their_own_account(world, client):
    for actor in (world.street, world.district):
        with pytest.raises(PermissionDeniedError):
            actions.account_set_active(actor=actor, account=actor, active=False)
        logged_in(actor, client)
        assert client.post(reverse("organizations:account_deactivate", args=[actor.pk])).status_code == 403
        own = Grant.objects.get(user=actor)
        assert client.post(reverse("organizations:grant_revoke", args=[own.pk])).status_code in (403, 404)
        actor.refresh_from_db()
        assert actor.is_active and Grant.objects.get(user=actor).is_active


def test_superusers_and_staff_are_kept_in_the_django_admin(world):
    root = UserFactory(username="root-user")
    root.is_superuser = True
    root.save()
    grant(root, Role.COMMUNITY, world.c.a.area)
    staff = user_with(Role.COMMUNITY, world.c.a.area, "staff-user")
    staff.is_staff = True
    staff.save()
    for account in (root, staff):
        with pytest.raises(PermissionDeniedError):
            actions.account_reset_password(actor=world.district, account=account)


def test_an_account_of_another_street_is_404_everywhere(world, client):
    stranger = user_with(Role.COMMUNITY, world.other.area, "stranger")
    logged_in(world.street, client)
    assert client.get(reverse("organizations:account_detail", args=[stranger.pk])).status_code == 404
    listed = client.get(reverse("organizations:account_list")).context["page_obj"]
    assert stranger.pk not in {a.pk for a in listed}
    for name in ("account_deactivate", "account_password_reset", "account_grant", "account_reactivate"):
        assert client.post(reverse(f"organizations:{name}", args=[stranger.pk])).status_code == 404
    assert client.post(reverse("organizations:grant_revoke", args=[Grant.objects.get(user=stranger).pk])).status_code == 404


@pytest.mark.parametrize("role", [Role.COMMUNITY, Role.GRID, Role.MEMBER, Role.DEPARTMENT])
def test_roles_below_street_cannot_manage_accounts(world, client, role):
    user = user_with(role, world.c.street)
    assert not permissions.can_manage_accounts(user)
    logged_in(user, client)
    assert client.get(reverse("organizations:account_list")).status_code == 403
    assert client.get(reverse("organizations:account_create")).status_code == 403
    assert client.get(reverse("organizations:account_pick_areas")).status_code == 403
    with pytest.raises(PermissionDeniedError):
        _create(user, Role.MEMBER, world.c.a.building)


def test_district_grants_street_but_not_district(world):
    account, _ = _create(world.district, Role.STREET, world.other_street, "xinhua")
    with pytest.raises(PermissionDeniedError):
        actions.grant_add(actor=world.district, account=account, role=Role.DISTRICT, node=world.c.district)
    # the street cadre of 兴东 cannot touch the 新华 street cadre
    assert selectors.account_for_view(world.street, account.pk) is None


def test_every_change_is_audited_and_no_password_is(world):
    account, password = _create(world.street, Role.COMMUNITY, world.c.a.area)
    new_grant = actions.grant_add(actor=world.street, account=account, role=Role.GRID, node=world.c.a.compound)
    actions.grant_revoke(actor=world.street, grant=new_grant)
    second = actions.account_reset_password(actor=world.street, account=account)
    actions.account_set_active(actor=world.street, account=account, active=False)
    actions.account_set_active(actor=world.street, account=account, active=True)
    events = AuditEvent.objects.filter(target_type="auth.user", target_id=str(account.pk)).order_by("pk")
    assert [e.verb for e in events] == [
        "account.create", "account.grant", "account.revoke", "account.password_reset", "account.deactivate",
        "account.reactivate",
    ]
    assert {e.actor_id for e in events} == {world.street.pk}
    assert events[1].changes["role"] == Role.GRID and events[1].changes["node"] == world.c.a.compound.name
    for event in events:
        assert password not in str(event.changes) and second not in str(event.changes)
