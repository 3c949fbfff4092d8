"""The province-scale service-hours ledger seed: synthetic rows in their own id range, hours
and dates in bounds, a second call continuing after the first (COPY on PostgreSQL)."""
import random
from datetime import date
from decimal import Decimal

from django.db.models import Max, Min

from services.ledger.demo import SYNTHETIC_SOURCE_BASE, seed_service_records, synthetic_records
from services.ledger.models import ServiceRecord


def test_seeds_synthetic_rows_in_bounds_and_continues(city):
    members = [m.pk for m in city.a.members + city.b.members]
    result = seed_service_records(rng=random.Random(1), target_rows=300, year=2025, member_ids=members)
    assert result["records"] == 300
    rows = synthetic_records()
    assert rows.count() == ServiceRecord.objects.count() == 300
    bounds = rows.aggregate(lo=Min("source_id"), hi=Max("source_id"), h0=Min("hours"), h1=Max("hours"),
                            d0=Min("occurred_on"), d1=Max("occurred_on"))
    assert bounds["lo"] >= SYNTHETIC_SOURCE_BASE
    assert Decimal("0.5") <= bounds["h0"] and bounds["h1"] <= Decimal("4.0")
    assert date(2025, 1, 1) <= bounds["d0"] and bounds["d1"] <= date(2025, 12, 31)
    assert set(rows.values_list("member_id", flat=True)) <= set(members)

    seed_service_records(rng=random.Random(1), target_rows=50, year=2025, member_ids=members)
    assert synthetic_records().count() == 350
    assert synthetic_records().aggregate(lo=Min("source_id"))["lo"] == bounds["lo"]
    assert synthetic_records().filter(source_id__gt=bounds["hi"]).count() == 50  # continued after the first call


def test_nothing_to_do_writes_nothing(city):
    assert seed_service_records(rng=random.Random(1), target_rows=0, year=2025)["records"] == 0
    assert seed_service_records(rng=random.Random(1), target_rows=10, year=2025, member_ids=[])["records"] == 0
    assert not ServiceRecord.objects.exists()
