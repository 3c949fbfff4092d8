"""Topics moved through the real actions, for the tests."""
import itertools
from datetime import timedelta

from django.utils import timezone

from services.deliberation import actions
from services.deliberation.models import MeetingRule
from services.tests.factories import cadre

_phones = itertools.count(1)


def phone() -> str:
    return f"139{next(_phones):08d}"


def rules():
    return MeetingRule.objects.get(name="居民议事会")


def proposed(community, *, proposer_phone=None, title="东门口加装电动自行车充电桩"):
    area = community.area if hasattr(community, "area") else community
    return actions.topic_propose(community=area, building=getattr(community, "building", None), title=title,
                                 text="晚上楼道里充电不安全，电话13800001111", name="李大爷",
                                 phone=proposer_phone or phone())


def accepted(community, actor=None, **kwargs):
    topic = proposed(community, **kwargs)
    return actions.topic_accept(actor=actor or cadre(community), topic=topic, question="东门口是否加装充电桩？",
                                options=["加装", "维持现状"], facts="物业同意提供场地")


def deliberating(community, actor=None, *, eligible=5, representatives=("张三", "李四", "王五"), **kwargs):
    actor = actor or cadre(community)
    topic = accepted(community, actor, **kwargs)
    start = timezone.now() - timedelta(hours=2)
    actions.meeting_record(actor=actor, topic=topic, rule=rules(), starts_at=start, ends_at=start + timedelta(hours=1),
                           eligible=eligible, place="社区议事厅", minutes="讨论充电桩",
                           participants=[{"kind": "representative", "name": n} for n in representatives]
                           + [{"kind": "property", "name": "某物业公司"}])
    return topic


def decided(community, actor=None, **kwargs):
    actor = actor or cadre(community)
    topic = deliberating(community, actor, **kwargs)
    first, second = topic.options.all()
    actions.meeting_vote(actor=actor, topic=topic, counts={first.pk: 3, second.pk: 0})
    return actions.topic_decide(actor=actor, topic=topic, reasons="多数代表同意加装，物业负责施工")
