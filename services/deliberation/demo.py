"""Demo residents' deliberation (居民议事) for ``seed_demo``, written with ``bulk_create``.

``seed_deliberation(rng=..., community_ids=..., full_ids=..., today=...)`` gives every
community in ``full_ids`` a year of topics in every stage (proposals waiting to be screened,
one merged, one declined with its reason, topics open for supports and comments, a meeting
recorded and voted, decisions handed over, work done, ratings) and every other community
1–3 topics of a random stage (the dandong sample).  A meeting is an organizational-life
``Activity`` (居民议事会, step 民事民议) of the community's party organization, made in bulk the
way ``assessments.life.demo`` makes its activities; the work of a decision links an existing
demo request, whistle or checklist item of the community, finished for a topic done, open
for one in progress (a topic whose community has none stays decided).

Per batch of communities: five reads (the communities with their buildings and residents,
the organizations, the requests, the whistles, the checklist items) and a fixed number of
bulk writes, whatever the number of topics.
"""
from __future__ import annotations

import math
from collections import Counter, defaultdict
from datetime import datetime, time, timedelta

from django.utils import timezone

from dangjian import trees
from dangjian.crypto import keyed_hash
from services.deliberation import voting
from services.deliberation.choices import (
    DECIDED_STATUSES,
    OPEN_STATUSES,
    PUBLIC_STATUSES,
    SETTLED_STATUSES,
    VOTER_KINDS,
    CommentStatus,
    ParticipantKind,
    RaterRole,
    TopicSource,
    TopicStatus,
    WorkKind,
)
from services.deliberation.models import (
    Meeting,
    MeetingParticipant,
    MeetingRule,
    MeetingVote,
    Topic,
    TopicComment,
    TopicEvent,
    TopicOption,
    TopicRating,
    TopicSupport,
)
from services.resident.choices import Satisfaction
from services.resident.demo import community_batches, requester, unique_code

WRITE_BATCH = 2000
S = TopicStatus
# the stages a community of the small tree (and the demo community) has over the year
FULL_PLAN = (S.PROPOSED, S.PROPOSED, S.MERGED, S.DECLINED, S.ACCEPTED, S.ACCEPTED, S.DELIBERATING, S.DELIBERATING,
             S.DECIDED, S.IN_PROGRESS, S.IN_PROGRESS, S.DONE, S.DONE, S.RATED, S.RATED, S.RATED, S.RATED)
SAMPLE_STAGES = (S.PROPOSED, S.DECLINED, S.ACCEPTED, S.DELIBERATING, S.DECIDED, S.IN_PROGRESS, S.DONE, S.RATED, S.RATED)

MATTERS = (
    ("东门口加装电动自行车充电桩", "不少居民把电动车推进楼道充电，有安全隐患。", ("在东门口加装充电桩", "在小区北侧空地加装充电桩", "维持现状")),
    ("老旧楼栋加装电梯", "楼里老人多，上下楼困难，希望加装电梯，费用怎么分摊需要商量。", ("按楼层分摊加装电梯", "暂不加装，先装扶手", "维持现状")),
    ("小区停车位重新划线", "车位不够，消防通道常被占用。", ("重新划线并增设临时车位", "实行错峰停车", "维持现状")),
    ("楼道杂物集中清理", "楼道堆放杂物，影响通行和消防安全。", ("统一时间集中清理", "各户自行清理，网格员督促")),
    ("小区绿地改建休闲广场", "中心绿地长期荒废，居民希望改成休闲场地。", ("改建为休闲广场", "补种绿植，保留绿地", "维持现状")),
    ("垃圾分类投放点调整", "投放点离楼太近，夏天气味大。", ("投放点移到小区西侧", "增加清运次数，原地保留")),
    ("单元门禁系统更换", "门禁经常损坏，外来人员随意进出。", ("更换人脸识别门禁", "维修原有门禁")),
    ("广场舞时间和音量约定", "晚上广场舞音量大，影响低楼层居民休息。", ("晚八点半前结束并限制音量", "换到小区南门外空地")),
)
DECLINE_REASONS = ("属于个人诉求，已转居民点单办理", "涉及的事项已由物业公司按合同处理", "不属于本社区议事范围，已告知相关部门")
PROPERTY_COMPANIES = ("宏城物业服务有限公司", "安居物业", "社区物业服务中心")
REPRESENTATIVES = "王李张刘陈杨赵黄周吴孙马朱胡郭何"
COMMENTS = ("同意，希望尽快落实。", "建议先听听楼里老人的意见。", "费用要公开透明。", "支持，我们楼也有这个问题。",
            "施工时间请避开午休。", "希望物业一起参加议事会。")
OWNERS = ("物业经理", "业委会主任", "网格长", "社区民警")
PLACES = ("社区议事厅", "小区党建活动室", "网格议事厅", "楼栋会客厅")
DAY = timedelta(days=1)


def _moment(day, hour):
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


def _steps(rng, final):
    """Day offsets of each stage reached by ``final``: ``[(status, days after the proposal)]``."""
    path = [(S.PROPOSED, 0)]
    if final in (S.MERGED, S.DECLINED):
        return [*path, (final, rng.randint(1, 5))]
    if final == S.PROPOSED:
        return path
    day = rng.randint(2, 7)
    path.append((S.ACCEPTED, day))
    for status, lo, hi in ((S.DELIBERATING, 7, 20), (S.DECIDED, 0, 0), (S.IN_PROGRESS, 1, 3), (S.DONE, 10, 45),
                           (S.RATED, 2, 12)):
        if path[-1][0] == final:
            break
        day += rng.randint(lo, hi)
        path.append((status, day))
    return path


def _stages_for(rng, community_id, full_ids):
    if community_id in full_ids:
        return list(FULL_PLAN)
    return [rng.choice(SAMPLE_STAGES) for _ in range(rng.randint(1, 3))]


def _votes(rng, rule, options):
    """``(eligible, present, {option index: count})`` that pass ``rule`` for option 0."""
    eligible = rng.randint(9, 15)
    present = max(voting.quorum_needed(rule, eligible), math.ceil(eligible * rng.uniform(0.6, 1.0)))
    present = min(present, eligible)
    winner = min(present, max(voting.votes_needed(rule, present), present - rng.randint(0, 2)))
    rest = present - winner
    counts = {0: winner}
    for i in range(1, len(options)):
        counts[i] = rng.randint(0, rest) if i < len(options) - 1 else rest
        rest -= counts[i]
    return eligible, present, counts


def seed_deliberation(*, rng, community_ids, today, full_ids=()) -> dict:
    """Write the topics of ``community_ids`` (a full year for ``full_ids``, a sample for the
    others) with their options, supports, comments, meetings, votes, work and ratings."""
    from assessments.checklists.choices import ItemStatus
    from assessments.checklists.models import ChecklistItem
    from assessments.life.choices import DeliberationStep
    from assessments.life.models import Activity, ActivityType
    from organizations.orgs.choices import OrgCategory
    from organizations.orgs.models import PartyOrg
    from services.requests.choices import REQUEST_DONE_STATUSES
    from services.requests.models import ServiceRequest
    from services.whistles.choices import WhistleStatus
    from services.whistles.models import Whistle

    full_ids = set(full_ids)
    rules = list(MeetingRule.objects.filter(is_active=True, name__in=("居民议事会", "会商议事团")).order_by("sort_order"))
    activity_type = ActivityType.objects.filter(code="residents_deliberation").first()
    taken = set(Topic.objects.values_list("code", flat=True))
    totals = Counter()
    now = timezone.now()
    for communities, _nodes, buildings, residents in community_batches(community_ids):
        ids = [pk for pk, _span in communities]
        orgs = {}
        for pk, area_id, category in (PartyOrg.objects.filter(area_id__in=ids).order_by("pk")
                                      .values_list("pk", "area_id", "category")):
            if area_id not in orgs or (category == OrgCategory.COMMUNITY and orgs[area_id][1] != OrgCategory.COMMUNITY):
                orgs[area_id] = (pk, category)
        work = defaultdict(lambda: {True: [], False: []})  # community → done? → [(kind, pk)]
        for pk, community_id, status in ServiceRequest.objects.filter(community_id__in=ids).order_by("pk").values_list(
                "pk", "community_id", "status"):
            work[community_id][status in REQUEST_DONE_STATUSES].append((WorkKind.REQUEST, pk))
        for pk, area_id, status in Whistle.objects.filter(area_id__in=ids).order_by("pk").values_list("pk", "area_id", "status"):
            work[area_id][status == WhistleStatus.CLOSED].append((WorkKind.WHISTLE, pk))
        for pk, area_id, status in (ChecklistItem.objects.filter(checklist__org__area_id__in=ids).order_by("pk")
                                    .values_list("pk", "checklist__org__area_id", "status")):
            work[area_id][status in (ItemStatus.DONE, ItemStatus.CLOSED)].append((WorkKind.CHECKLIST, pk))
        for pools in work.values():
            for pool in pools.values():
                rng.shuffle(pool)

        plans = []
        for community_id, _span in communities:
            can_meet = rules and activity_type is not None and community_id in orgs
            for final in _stages_for(rng, community_id, full_ids):
                if final not in (S.PROPOSED, S.MERGED, S.DECLINED, S.ACCEPTED) and not can_meet:
                    final = S.ACCEPTED
                link = None
                if final in (S.IN_PROGRESS, *SETTLED_STATUSES):
                    pool = work[community_id][final != S.IN_PROGRESS]
                    link = pool.pop() if pool else None
                    if link is None:
                        final = S.DECIDED
                plans.append(_plan(rng, community_id, final, today, buildings, link))
        if not plans:
            continue
        topics = [p["topic"] for p in plans]
        for topic in topics:
            topic.code = unique_code(rng, taken)
        Topic.objects.bulk_create(topics, batch_size=WRITE_BATCH)

        options, events = [], []
        for plan in plans:
            topic = plan["topic"]
            for i, label in enumerate(plan["options"], start=1):
                options.append(TopicOption(topic=topic, label=label, position=i))
            previous = ""
            for status, at in plan["path"]:
                events.append(TopicEvent(topic=topic, from_status=previous, to_status=status, at=at,
                                         note=topic.decline_reason if status == S.DECLINED else ""))
                previous = status
        TopicOption.objects.bulk_create(options, batch_size=WRITE_BATCH)
        by_topic = defaultdict(list)
        for option in options:
            by_topic[option.topic_id].append(option)
        TopicEvent.objects.bulk_create(events, batch_size=WRITE_BATCH)

        # merged proposals point at an open topic of their community; decided ones at option 1
        open_by_community = defaultdict(list)
        for topic in topics:
            if topic.status in OPEN_STATUSES:
                open_by_community[topic.community_id].append(topic)
        for plan in plans:
            topic = plan["topic"]
            topic.created_at = plan["path"][0][1]
            if topic.status == S.MERGED and open_by_community[topic.community_id]:
                topic.merged_into = rng.choice(open_by_community[topic.community_id])
            if topic.status in DECIDED_STATUSES:
                topic.decided_option = by_topic[topic.pk][0]
        Topic.objects.bulk_update(topics, ["created_at", "merged_into", "decided_option"], batch_size=WRITE_BATCH)

        supports, comments, ratings, activities, meetings = [], [], [], [], []
        for plan in plans:
            topic = plan["topic"]
            if topic.status not in PUBLIC_STATUSES:
                continue
            accepted_at = topic.accepted_at
            phones = set()
            for _n in range(rng.randint(2, 9)):
                phone = requester(rng)["requester_phone"]
                if phone != topic.proposer_phone and phone not in phones:
                    phones.add(phone)
                    supports.append(TopicSupport(topic=topic, phone=phone))
            for n in range(rng.randint(1, 4)):
                pending = topic.status in OPEN_STATUSES and (n == 0 or rng.random() < 0.4)
                status = CommentStatus.PENDING if pending else (
                    CommentStatus.SHOWN if rng.random() < 0.85 else CommentStatus.HIDDEN)
                comments.append(TopicComment(
                    topic=topic, text=rng.choice(COMMENTS), phone=requester(rng)["requester_phone"], status=status,
                    moderated_at=None if pending else min(now, accepted_at + DAY * rng.randint(1, 3))))
            if topic.status == S.RATED:
                raters = [(RaterRole.PROPOSER, topic.proposer_phone)] + [
                    (RaterRole.SUPPORTER, p) for p in sorted(phones)[:rng.randint(0, 3)]]
                for role, phone in raters:
                    ratings.append(TopicRating(
                        topic=topic, rater=role, phone_hash=keyed_hash(phone),
                        rating=rng.choices(Satisfaction.values, weights=(70, 20, 10)[:len(Satisfaction.values)])[0]))
            if plan["meeting_at"] is not None:
                rule = rules[0] if rng.random() < 0.8 else rules[-1]
                starts = plan["meeting_at"]
                activities.append(Activity(
                    org_id=orgs[topic.community_id][0], activity_type_id=activity_type.pk, starts_at=starts,
                    ends_at=starts + timedelta(minutes=90), place=rng.choice(PLACES), topic=topic.question[:200],
                    minutes=f"居民议事会：{topic.question}。到会代表逐一发表意见，物业公司说明情况。",
                    step=DeliberationStep.DISCUSS))
                meetings.append((plan, rule))
        TopicSupport.objects.bulk_create(supports, batch_size=WRITE_BATCH)
        TopicComment.objects.bulk_create(comments, batch_size=WRITE_BATCH)
        TopicRating.objects.bulk_create(ratings, batch_size=WRITE_BATCH)
        Activity.objects.bulk_create(activities, batch_size=WRITE_BATCH)

        meeting_rows, participants, votes = [], [], []
        for activity, (plan, rule) in zip(activities, meetings, strict=True):
            topic = plan["topic"]
            opts = by_topic[topic.pk]
            eligible, present, counts = _votes(rng, rule, opts)
            voters = VOTER_KINDS[rule.voters]
            rows = [MeetingParticipant(kind=ParticipantKind.REPRESENTATIVE,
                                       name=f"{rng.choice(REPRESENTATIVES)}代表{i + 1}") for i in range(present)]
            if ParticipantKind.PROPERTY not in voters:
                rows.append(MeetingParticipant(kind=ParticipantKind.PROPERTY, name=rng.choice(PROPERTY_COMPANIES)))
                members = residents.get(topic.community_id) or []
                if members:
                    rows.append(MeetingParticipant(kind=ParticipantKind.MEMBER, member_id=rng.choice(members)))
            meeting = Meeting(topic=topic, activity=activity, rule=rule, eligible=eligible,
                              present=sum(1 for r in rows if r.kind in voters),
                              voted_at=plan["decided_at"])
            meeting_rows.append(meeting)
            participants.append(rows)
            votes.append(counts if plan["decided_at"] is not None else None)
        Meeting.objects.bulk_create(meeting_rows, batch_size=WRITE_BATCH)
        flat, vote_rows = [], []
        for meeting, rows, counts in zip(meeting_rows, participants, votes, strict=True):
            for row in rows:
                row.meeting = meeting
                flat.append(row)
            if counts is not None:
                opts = by_topic[meeting.topic_id]
                vote_rows += [MeetingVote(meeting=meeting, option=opts[i], count=n) for i, n in counts.items()]
        MeetingParticipant.objects.bulk_create(flat, batch_size=WRITE_BATCH)
        MeetingVote.objects.bulk_create(vote_rows, batch_size=WRITE_BATCH)

        for topic in topics:
            totals[topic.status] += 1
        totals["topics"] += len(topics)
        totals["supports"] += len(supports)
        totals["comments"] += len(comments)
        totals["pending_comments"] += sum(1 for c in comments if c.status == CommentStatus.PENDING)
        totals["meetings"] += len(meeting_rows)
        totals["ratings"] += len(ratings)
    return dict(totals)


def _plan(rng, community_id, final, today, buildings, link):
    title, text, labels = rng.choice(MATTERS)
    path = _steps(rng, final)
    span = path[-1][1]
    if final == S.PROPOSED:
        start = today - DAY * rng.randint(0, 10)
    else:
        start = today - DAY * (span + rng.randint(1, max(1, 350 - span)))
    times = [(status, _moment(start + DAY * offset, 9 + i)) for i, (status, offset) in enumerate(path)]
    at = dict(times)
    person = requester(rng)
    source = TopicSource.RESIDENT if rng.random() < 0.8 else TopicSource.STAFF
    topic = Topic(
        community_id=community_id, building_id=rng.choice(buildings[community_id]) if buildings.get(community_id) else None,
        title=title, text=text, proposer_name=person["requester_name"], proposer_phone=person["requester_phone"],
        source=source, status=final,
    )
    if final == S.DECLINED:
        topic.decline_reason = rng.choice(DECLINE_REASONS)
    if S.ACCEPTED in at:
        topic.question = f"{title}？"
        topic.facts = "网格员走访了楼内住户，物业公司提供了场地和费用测算。"
        topic.accepted_at = at[S.ACCEPTED]
    if S.DECIDED in at:
        topic.decided_at = at[S.DECIDED]
        topic.decision_reasons = f"议事会表决通过“{labels[0]}”：多数代表认为能解决问题、费用可以承受。"
    if link is not None:
        kind, pk = link
        topic.work_kind = kind
        setattr(topic, {WorkKind.REQUEST: "work_request_id", WorkKind.WHISTLE: "work_whistle_id",
                        WorkKind.CHECKLIST: "work_item_id"}[kind], pk)
        topic.work_owner = rng.choice(OWNERS)
        topic.work_started_at = at[S.IN_PROGRESS]
        topic.work_due = timezone.localdate(at[S.IN_PROGRESS]) + DAY * 30
    if S.DONE in at:
        topic.done_at = at[S.DONE]
        topic.done_note = "已按议事会决定完成，居民代表参加了验收。"
    if S.RATED in at:
        topic.rated_at = at[S.RATED]
    return {"topic": topic, "path": times, "options": labels if S.ACCEPTED in at else (),
            "meeting_at": at.get(S.DELIBERATING), "decided_at": at.get(S.DECIDED)}


def flush_deliberation(area_trees, org_trees) -> None:
    """Remove the demo trees' topics (they protect their communities) and their meetings
    (they protect the activities), before those go."""
    topics = Topic.objects.none()
    if area_trees:
        topics = Topic.objects.filter(trees.in_trees_q(area_trees, "community"))
    meetings = Meeting.objects.filter(topic__in=topics.values("pk"))
    if org_trees:
        meetings = Meeting.objects.filter(trees.in_trees_q(org_trees, "activity__org")) | meetings
    meeting_ids = list(meetings.values_list("pk", flat=True))
    MeetingVote.objects.filter(meeting_id__in=meeting_ids).delete()
    MeetingParticipant.objects.filter(meeting_id__in=meeting_ids).delete()
    Meeting.objects.filter(pk__in=meeting_ids).delete()
    if area_trees:
        for model in (TopicRating, TopicEvent, TopicComment, TopicSupport):
            model.objects.filter(topic__in=topics.values("pk")).delete()
        topics.update(merged_into=None, decided_option=None)
        TopicOption.objects.filter(topic__in=topics.values("pk")).delete()
        topics.delete()
