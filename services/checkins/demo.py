"""Demo 双报到 for ``seed_demo``: co-building agreements and in-service members' reports.

``seed_reporting(rng=..., community_ids=..., today=...)`` is the bulk path: communities are
taken in batches, each batch read with a fixed number of queries (the communities, their
districts, the unit organizations of those districts, the compound branches and the
in-service residents) and written with ``bulk_create``.

Shape: each community signs agreements with 1–3 organ, institution or enterprise party
organizations anchored in the same district (none when the district has no such
organization), each paired with one or two of the community's compound branches, running
one to three years (those already past their end are 已结束).  About 85% of the in-service
residents have reported; about a fifth of them let their last report expire; some have an
earlier period before the current one.  Running it again adds nothing for communities that
already have agreements, and no reports where there are reports already.
"""
from __future__ import annotations

from collections import defaultdict
from datetime import timedelta

from django.db import transaction

from dangjian import trees
from organizations.areas.choices import AreaLevel
from organizations.areas.models import Area
from organizations.members.models import Member
from organizations.orgs.choices import OrgCategory
from organizations.orgs.models import PartyOrg
from services.checkins.choices import AgreementStatus
from services.checkins.models import CoBuildAgreement, MemberReport
from services.checkins.rules import add_months, valid_months

BATCH_COMMUNITIES = 200
WRITE_BATCH = 2000
REPORT_SHARE, EXPIRED_SHARE, EARLIER_SHARE = 0.85, 0.2, 0.4
UNIT_CATEGORIES = (OrgCategory.ORGAN, OrgCategory.INSTITUTION, OrgCategory.ENTERPRISE)
TEXTS = (
    "一、单位党组织每季度到社区开展一次主题党日联合活动；\n二、认领社区微心愿、参与结对小区环境整治；\n三、单位在职党员到居住地社区报到服务。",
    "一、结对小区党支部共同开展党员先锋日志愿服务；\n二、单位发挥行业优势，为居民提供政策咨询和便民服务；\n三、每半年召开一次共建联席会议。",
)
SKILLS = ("法律咨询", "义诊", "辅导功课", "家电维修", "政策宣讲", "文艺演出", "", "")


def _chunks(items, n):
    for i in range(0, len(items), n):
        yield items[i:i + n]


def _inside_q(prefix, nodes):
    """Rows whose ``prefix`` area lies in one of ``nodes`` (``(span, pk)`` pairs)."""
    return trees.ranges_q([s for s, _pk in nodes], prefix)


@transaction.atomic
def seed_reporting(*, rng, community_ids, today) -> dict:
    totals = defaultdict(int)
    months = valid_months()
    for batch in _chunks(list(community_ids), BATCH_COMMUNITIES):
        communities = list(trees.with_spans(Area.objects.filter(pk__in=batch, level=AreaLevel.COMMUNITY), "pk", "name"))
        if not communities:
            continue
        nodes = [(s, pk) for pk, _name, s in communities]
        tree_set = {s.tree for s, _pk in nodes}
        districts = [(s, pk) for pk, s in trees.with_spans(
            Area.objects.filter(trees.in_trees_q(tree_set), level=AreaLevel.DISTRICT), "pk")]
        district_of, community_of = trees.Locator(districts), trees.Locator(nodes)
        units = defaultdict(list)
        for pk, name, place in trees.with_spans(
                PartyOrg.objects.filter(_inside_q("area", districts), category__in=UNIT_CATEGORIES).order_by("pk"),
                "pk", "name", prefix="area", at_position=True):
            units[district_of.find(place)].append((pk, name))
        branches = defaultdict(list)
        for pk, place in trees.with_spans(
                PartyOrg.objects.filter(_inside_q("area", nodes), category=OrgCategory.COMPOUND).order_by("pk"),
                "pk", prefix="area", at_position=True):
            branches[community_of.find(place)].append(pk)
        residents = defaultdict(list)
        for pk, place in trees.with_spans(
                Member.objects.filter(_inside_q("residence", nodes), in_service=True).order_by("pk"),
                "pk", prefix="residence", at_position=True):
            residents[community_of.find(place)].append(pk)
        reported = set(MemberReport.objects.filter(community_id__in=[pk for _s, pk in nodes])
                       .values_list("community_id", flat=True).distinct())
        signed = set(CoBuildAgreement.objects.filter(community_id__in=[pk for _s, pk in nodes])
                     .values_list("community_id", flat=True))

        agreements, pairings, reports = [], [], []
        for community_id, name, place in communities:
            district = district_of.find(place)
            candidates = units.get(district, [])
            if not candidates or community_id in signed:
                totals["communities_without_agreements"] += 1
            else:
                for org_id, org_name in rng.sample(candidates, min(len(candidates), rng.randint(1, 3))):
                    starts = today - timedelta(days=rng.randint(30, 900))
                    ends = add_months(starts, 12 * rng.randint(1, 3))
                    agreements.append(CoBuildAgreement(
                        org_id=org_id, community_id=community_id, title=f"{org_name}与{name}共建协议",
                        text=rng.choice(TEXTS), starts_on=starts, ends_on=ends,
                        status=AgreementStatus.ENDED if ends < today else AgreementStatus.ACTIVE,
                    ))
                    own = branches.get(community_id, [])
                    pairings.append(rng.sample(own, min(len(own), rng.randint(1, 2))))
            for member_id in residents.get(community_id, []):
                if community_id in reported or rng.random() >= REPORT_SHARE:
                    continue
                if rng.random() < EXPIRED_SHARE:
                    last = add_months(today, -months) - timedelta(days=rng.randint(1, 120))
                else:
                    last = today - timedelta(days=rng.randint(0, 30 * months - 1))
                periods = [last]
                if rng.random() < EARLIER_SHARE:
                    periods.append(add_months(last, -months) - timedelta(days=rng.randint(0, 20)))
                for day in periods:
                    reports.append(MemberReport(
                        member_id=member_id, community_id=community_id, reported_on=day,
                        valid_until=add_months(day, months), skills=rng.choice(SKILLS),
                    ))
        created = CoBuildAgreement.objects.bulk_create(agreements, batch_size=WRITE_BATCH)
        Through = CoBuildAgreement.branches.through
        links = [Through(cobuildagreement_id=a.pk, partyorg_id=b) for a, chosen in zip(created, pairings) for b in chosen]
        Through.objects.bulk_create(links, batch_size=WRITE_BATCH)
        MemberReport.objects.bulk_create(reports, batch_size=WRITE_BATCH, ignore_conflicts=True)
        totals["agreements"] += len(created)
        totals["pairings"] += len(links)
        totals["member_reports"] += len(reports)
    return dict(totals)


# ------------------------------------------------------------ the demo accounts' queues
def ensure_demo_queue(*, member, today) -> dict:
    """报到 due for the demo ``member`` account (an in-service member): a report still valid
    today is taken back, so the account shows its 报到 button and the community its lapsed
    member; earlier, expired periods stay as history."""
    removed, _counts = MemberReport.objects.filter(member=member, valid_until__gte=today).delete()
    return {"reports_removed": removed} if removed else {}
