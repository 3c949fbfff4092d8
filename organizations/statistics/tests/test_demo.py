"""The demo roster carries the standard fields, with shares that look like a real city's,
and the tables of a demo area add up."""
import random
from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Max, Min
from django.utils import timezone

from organizations.areas.choices import AreaLevel
from organizations.areas.models import Area
from organizations.demo.generator import member_profile
from organizations.members.choices import Education, Ethnicity, Occupation
from organizations.members.models import Member
from organizations.statistics import selectors
from organizations.statistics.tables import years_before
from organizations.statistics.tests.support import by_key


def test_member_profile_spreads_by_age():
    r = random.Random(7)
    draws = [(age, *member_profile(r, age, in_service=18 <= age < 60 and r.random() < 0.6))
             for age in (r.randint(18, 90) for _ in range(20000))]
    han = sum(1 for _age, e, _ed, _o in draws if e == Ethnicity.HAN) / len(draws)
    assert 0.90 < han < 0.94
    assert {e for _age, e, _ed, _o in draws} <= set(Ethnicity.values)
    students = [age for age, _e, _ed, o in draws if o == Occupation.STUDENT]
    retired = [age for age, _e, _ed, o in draws if o == Occupation.RETIRED]
    assert students and max(students) < 24 and min(retired) >= 55
    young = [ed for age, _e, ed, _o in draws if age <= 35]
    old = [ed for age, _e, ed, _o in draws if age > 65]
    degree = {Education.DOCTORATE, Education.MASTER, Education.BACHELOR}
    assert sum(ed in degree for ed in young) / len(young) > 2 * sum(ed in degree for ed in old) / len(old)


@pytest.mark.django_db
def test_the_demo_roster_fills_the_fields_and_its_tables_add_up():
    call_command("seed_demo", "--scale", "small", "--life", "none", stdout=StringIO())
    members = Member.objects.all()
    assert members.exists() and not members.filter(ethnicity="").exists()
    assert not members.filter(education="").exists() and not members.filter(occupation="").exists()
    today = timezone.localdate()
    retired = members.filter(occupation=Occupation.RETIRED).aggregate(youngest=Max("birth_date"))["youngest"]
    assert retired is not None and retired <= years_before(today, 54)  # retirees are about 55 or older
    students = members.filter(occupation=Occupation.STUDENT).aggregate(oldest=Min("birth_date"))["oldest"]
    assert students is None or students > years_before(today, 25)
    street = Area.objects.filter(level=AreaLevel.STREET).first()
    results = by_key(selectors.member_tables(street, today))
    total = Member.objects.current().filter(selectors.area_members_q(street, today)).count()
    assert total > 0
    for key in ("ethnicity", "age", "education", "occupation", "party_age", "status"):
        assert sum(r.value for r in results[key].rows) == results[key].total.value == total
    assert next(r for r in results["ethnicity"].rows if r.key == "ethnicity_blank").value == 0
