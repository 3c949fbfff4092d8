"""The catalogue's 居民议事 figures (assessments.figures): satisfaction from the ratings,
the share settled from the topics accepted — equal to the rows, per community."""
import pytest
from django.utils import timezone

from assessments.figures import catalogue
from assessments.figures.subjects import subjects_within
from assessments.scoring import periods
from services.deliberation import actions
from services.deliberation.models import Topic
from services.deliberation.tests.helpers import accepted, decided, phone
from services.requests.models import RequestCategory
from services.tests.factories import cadre

pytestmark = pytest.mark.django_db


def _settled_and_rated(community, *ratings):
    supporters = [phone() for _ in ratings[1:]]
    proposer = phone()
    topic = accepted(community, proposer_phone=proposer)
    for p in supporters:
        actions.topic_support(code=topic.code, phone=p)
    topic = Topic.objects.get(pk=topic.pk)
    from services.deliberation.tests.helpers import rules

    start = timezone.now() - timezone.timedelta(hours=2)
    actor = cadre(community)
    actions.meeting_record(actor=actor, topic=topic, rule=rules(), starts_at=start, ends_at=start + timezone.timedelta(hours=1),
                           eligible=3, participants=[{"kind": "representative", "name": n} for n in ("甲", "乙", "丙")])
    first = topic.options.first()
    actions.meeting_vote(actor=actor, topic=topic, counts={first.pk: 3})
    actions.topic_decide(actor=actor, topic=topic, reasons="同意")
    topic = actions.topic_start_work(actor=actor, topic=topic, kind="request", owner="物业", category=RequestCategory.objects.first(),
                                     due=timezone.localdate())
    from services.requests import actions as request_actions
    from services.requests.tests.test_support import worker

    req = topic.work_request
    me = worker(community)
    request_actions.request_dispatch(actor=actor, request=req, worker=me)
    request_actions.request_accept(actor=me.user, request=req)
    request_actions.request_resolve(actor=me.user, request=req, note="装好了")
    actions.topic_complete(actor=actor, topic=topic, note="已装好")
    for p, rating in zip([proposer, *supporters], ratings, strict=True):
        actions.topic_rate(code=topic.code, phone_last4=p[-4:], rating=rating)
    return topic


def test_satisfaction_and_settled_share_equal_the_rows(city):
    _settled_and_rated(city.a, "satisfied", "basic", "unsatisfied")
    accepted(city.a)
    decided(city.b)
    subjects = subjects_within(areas=[city.a.area, city.b.area])
    period = periods.parse(str(timezone.localdate().year))
    satisfaction = catalogue.compute(catalogue.get("deliberation.satisfaction"), subjects, period)
    settled = catalogue.compute(catalogue.get("deliberation.settled"), subjects, period)
    assert satisfaction[city.a.area.pk].text == "2/3 = 66.7%"
    assert settled[city.a.area.pk].text == "1/2 = 50.0%"
    assert settled[city.b.area.pk].text == "0/1 = 0.0%" and satisfaction[city.b.area.pk].value is None


def test_the_figures_are_on_ratings_and_decisions_not_supports():
    for code in ("deliberation.satisfaction", "deliberation.settled"):
        figure = catalogue.get(code)
        assert "TopicSupport" not in " ".join(figure.basis) and figure.part not in catalogue.FORBIDDEN_MEASURES
