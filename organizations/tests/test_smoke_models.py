import pytest
from django.db import connection

from organizations.areas.models import Area
from organizations.members.models import Member
from organizations.orgs.models import PartyOrg
from organizations.tests.factories import build_city, user_with


@pytest.mark.django_db
def test_scoping_basics():
    c = build_city()
    cadre = user_with("community", c.a.area)
    assert set(Area.objects.visible_to(cadre)) == {c.a.area, c.a.compound, c.a.building}
    assert set(PartyOrg.objects.visible_to(cadre)) == {c.a.committee, c.a.branch, c.a.group}
    assert set(Member.objects.visible_to(cadre)) == set(c.a.members)
    with connection.cursor() as cur:
        cur.execute("SELECT id_number FROM organizations_member")
        raw = [r[0] for r in cur.fetchall()]
    assert all(r.startswith("fernet:") for r in raw)
    m = Member.objects.get(pk=c.a.members[0].pk)
    assert len(m.id_number) == 18
