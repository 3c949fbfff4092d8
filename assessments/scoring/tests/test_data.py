"""Records of one scoring period planted directly for the scoring tests (the feature actions are tested on their
own): wishes, requests, a whistle, reports, service hours, checklists, a grid."""
import itertools
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from assessments.checklists.models import Checklist, ChecklistItem
from assessments.life import schedule
from assessments.scoring.models import ManualScore
from assessments.tests.factories import fill_window
from services.checkins.models import MemberReport
from services.ledger.models import ServiceRecord
from services.requests.models import RequestCategory, ServiceRequest
from services.whistles.models import Department, Whistle, WhistleTarget
from services.wishes.models import Wish

_codes = itertools.count(1)
PERIOD = "2025-Q3"
START, END = date(2025, 7, 1), date(2025, 9, 30)


def moment(day, hour=10):
    return datetime.combine(day, time(hour), tzinfo=schedule.SHANGHAI)


def wish(community, *, status="published", published=date(2025, 7, 10), rating="", rated=None, building=True):
    return Wish.objects.create(
        code=f"W{next(_codes):09d}", community=community.area, building=community.building if building else None,
        requester_name="王秀兰", requester_phone="13800000000", kind="material", text="助听器", status=status,
        published_at=moment(published) if published else None, rating=rating, rated_at=moment(rated) if rated else None,
    )


def request(community, *, accepted_in_time=True, resolved=True, rating="", created=date(2025, 8, 3)):
    made = moment(created)
    category = RequestCategory.objects.order_by("sort_order").last()
    return ServiceRequest.objects.create(
        code=f"R{next(_codes):09d}", community=community.area, building=community.building, requester_name="李",
        requester_phone="13900000000", category=category, text="路灯坏了", created_at=made,
        response_due=made + timedelta(hours=24), resolve_due=made + timedelta(days=7),
        status="rated" if rating else ("resolved" if resolved else "accepted"),
        accepted_at=made + timedelta(hours=2 if accepted_in_time else 48),
        resolved_at=made + timedelta(days=2) if resolved or rating else None, rating=rating,
        rated_at=made + timedelta(days=3) if rating else None,
    )


def whistle(area, district, *, reported_in_time=True, confirmed=True, satisfaction="satisfied"):
    made = moment(date(2025, 9, 2))
    w = Whistle.objects.create(
        code=f"H{next(_codes):09d}", area=area, title="占道经营", description="多次劝导无效", created_at=made,
        report_due=made + timedelta(hours=24), resolve_due=made + timedelta(days=7),
    )
    department, _ = Department.objects.get_or_create(area=district, name="城管局")
    WhistleTarget.objects.create(
        whistle=w, department=department, status="confirmed" if confirmed else "reported",
        reported_at=made + timedelta(hours=3 if reported_in_time else 30), satisfaction=satisfaction if confirmed else "",
    )
    return w


def in_service_report(member, community, *, reported=date(2025, 6, 1)):
    member.in_service = True
    member.save(update_fields=["in_service"])
    return MemberReport.objects.create(member=member, community=community.area, reported_on=reported,
                                       valid_until=reported + timedelta(days=182))


def hours(member, amount, day=date(2025, 8, 15)):
    return ServiceRecord.objects.create(member=member, source="activity", source_id=next(_codes), hours=Decimal(amount),
                                        occurred_on=day)


def checklist(org, *, year=2025):
    c = Checklist.objects.create(org=org, year=year)
    ChecklistItem.objects.create(checklist=c, kind="responsibility", title="落实三会一课", due_on=date(2025, 8, 1), status="done")
    ChecklistItem.objects.create(checklist=c, kind="responsibility", title="建立楼栋党小组", due_on=date(2025, 9, 1))
    ChecklistItem.objects.create(checklist=c, kind="responsibility", title="年底述职", due_on=date(2025, 12, 20))
    ChecklistItem.objects.create(checklist=c, kind="problem", title="党员活动室闲置", status="closed", closed_at=moment(date(2025, 8, 5)))
    return c


def grid(community, *, branch=True):
    from grids.grids.models import Grid, GridArea

    g = Grid.objects.create(community=community.area, code=f"G{next(_codes):06d}", name=f"网格{next(_codes)}",
                            party_branch=community.branch if branch else None)
    GridArea.objects.create(grid=g, area=community.compound)
    return g


def compliant(org):
    """Every periodic organizational life of 2025 held on time (up to the day after Q3)."""
    return fill_window(org, END + timedelta(days=1))


def manual(indicator, subject_id, area, points, note="班子团结有力"):
    return ManualScore.objects.create(indicator=indicator, period_key=PERIOD, subject_id=subject_id, area=area,
                                      points=Decimal(points), note=note)


def plant_period(city):
    """Community 甲 does well in 2025-Q3, 乙 has little on record."""
    a, b = city.a, city.b
    compliant(a.branch)
    compliant(a.group)
    wish(a, status="fulfilled")
    wish(a, status="rated", rating="basic", rated=date(2025, 8, 20))
    wish(a, status="claimed")
    wish(a, status="cancelled")  # withdrawn: not counted
    wish(a, status="fulfilled", published=date(2025, 6, 30))  # published in Q2: not counted
    wish(b, status="published")
    request(a, rating="satisfied")
    request(a, accepted_in_time=False, resolved=False)
    whistle(a.area, city.district)
    in_service_report(a.members[0], a)
    a.members[1].in_service = True
    a.members[1].save(update_fields=["in_service"])
    hours(a.members[0], "10")
    hours(a.members[1], "5")
    hours(a.members[1], "30", day=date(2025, 10, 2))  # after the period
    checklist(a.branch)
    grid(a)
