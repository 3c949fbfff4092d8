"""The demo centres at small scale: the same rules as Dandong's on the small tree."""
import pytest
from django.core.management import call_command

from network.centres import selectors
from network.centres.choices import CentreLevel
from network.centres.models import FloorAreaStandard, ServiceCentre
from organizations.areas.choices import AreaLevel
from organizations.areas.models import Area

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(db):
    call_command("seed_demo", scale="small", workers=0, verbosity=0)


def test_one_centre_per_district_street_and_community_and_stations_for_some_compounds(demo):
    def count(level):
        return ServiceCentre.objects.filter(level=level).count()

    assert count(CentreLevel.DISTRICT) == Area.objects.filter(level=AreaLevel.DISTRICT).count() == 1
    assert count(CentreLevel.STREET) == Area.objects.filter(level=AreaLevel.STREET).count() == 2
    assert count(CentreLevel.COMMUNITY) == Area.objects.filter(level=AreaLevel.COMMUNITY).count() == 6
    compounds = Area.objects.filter(level=AreaLevel.COMPOUND).count()
    assert count(CentreLevel.COMPOUND) == round(compounds * 0.3)
    # every centre on a place of its level, each street and community on its own
    for level, area_level in ((CentreLevel.STREET, AreaLevel.STREET), (CentreLevel.COMMUNITY, AreaLevel.COMMUNITY)):
        places = ServiceCentre.objects.filter(level=level).values_list("area__level", "area_id")
        assert {lv for lv, _ in places} == {area_level}
        assert len({pk for _, pk in places}) == len(places)
    stations = selectors.with_standard(ServiceCentre.objects.filter(level=CentreLevel.COMMUNITY))
    meeting = [c.meets for c in stations]
    assert None not in meeting and sum(meeting) == 5  # 6 communities, 20 % (one) below 300 m²
    assert FloorAreaStandard.objects.filter(level=CentreLevel.COMMUNITY, area__parent__isnull=True).get().min_floor_area == 300
    assert all(c.runner_id for c in ServiceCentre.objects.exclude(level=CentreLevel.COMPOUND))
    assert all(c.name.endswith(("党群服务中心", "党群服务站")) and c.facilities for c in ServiceCentre.objects.all())


def test_seeding_again_replaces_the_rows(demo):
    before = ServiceCentre.objects.count()
    call_command("seed_demo", scale="small", workers=0, verbosity=0, flush=True)
    assert ServiceCentre.objects.count() == before
