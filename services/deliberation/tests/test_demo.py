"""seed_demo at the small scale: a year of topics in every stage in every community, each
consistent with what the actions would have written (meetings are 议事会 activities of the
community's organization, decisions pass their rule, settled topics link finished work), the
demo community account finds proposals to screen and comments to moderate, and the flush
removes it all.  The query count does not grow with the number of communities."""
import random
from collections import defaultdict
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from dangjian.testing.clients import logged_in
from organizations.areas.choices import AreaLevel
from organizations.areas.models import Area
from organizations.tests.factories import build_city
from services.deliberation import actions, selectors
from services.deliberation.choices import SETTLED_STATUSES, TopicStatus
from services.deliberation.demo import seed_deliberation
from services.deliberation.models import Meeting, Topic, TopicComment, TopicRating

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded():
    call_command("seed_demo", "--scale", "small", stdout=StringIO())


def test_every_community_has_every_stage_and_the_rows_agree(seeded):
    communities = set(Area.objects.filter(level=AreaLevel.COMMUNITY).values_list("pk", flat=True))
    stages = defaultdict(set)
    for community_id, status in Topic.objects.values_list("community_id", "status"):
        stages[community_id].add(status)
    assert set(stages) == communities
    with_org = {m.topic.community_id for m in Meeting.objects.select_related("topic")}
    for community_id in with_org:  # a community with a party organization holds meetings
        assert stages[community_id] == set(TopicStatus.values), community_id
    assert min(Topic.objects.values_list("created_at", flat=True)) < timezone.now() - timezone.timedelta(days=200)

    for topic in Topic.objects.filter(status=TopicStatus.MERGED).select_related("merged_into"):
        assert topic.merged_into.community_id == topic.community_id and topic.merged_into.is_public
    for meeting in Meeting.objects.select_related("topic", "rule", "activity__org", "activity__activity_type"):
        assert meeting.activity.activity_type.code == "residents_deliberation"
        assert meeting.activity.org.area_id == meeting.topic.community_id
        assert meeting.participants.count() >= meeting.present
        if meeting.topic.decided_option_id:
            assert actions.decision_of(meeting).winner == meeting.topic.decided_option_id
    for topic in Topic.objects.filter(status__in=(TopicStatus.IN_PROGRESS, *SETTLED_STATUSES)).select_related(
            "work_request", "work_whistle", "work_item"):
        progress = selectors.work_progress(topic)
        assert progress is not None and progress["done"] == (topic.status != TopicStatus.IN_PROGRESS), topic.code
    rated = Topic.objects.filter(status=TopicStatus.RATED)
    assert rated.exists() and not rated.exclude(ratings__rater="proposer").exists()
    assert not TopicRating.objects.exclude(topic__status=TopicStatus.RATED).exists()
    assert TopicComment.objects.filter(status="pending").exclude(topic__status__in=("accepted", "deliberating")).count() == 0


def test_the_demo_community_account_finds_work_and_the_public_page_shows_no_personal_data(seeded):
    user = get_user_model().objects.get(username="community")
    assert selectors.awaiting_screening_for(user).exists()
    assert selectors.comments_to_moderate(user).exists()
    home = logged_in(user).get(reverse("home")).content.decode()
    assert "待审核的居民议事提议" in home and "待审核的居民议事意见" in home
    topic = Topic.objects.filter(status=TopicStatus.RATED).first()
    page = logged_in(user).get(reverse("deliberation:public_topic", args=[topic.code])).content.decode()
    assert topic.question in page
    assert topic.proposer_name not in page and topic.proposer_phone[-4:] + "<" not in page


def test_flush_removes_the_topics_and_meetings(seeded):
    from organizations.demo.generator import flush_demo_data
    from organizations.management.commands.seed_demo import flush_dependents

    flush_dependents()
    flush_demo_data()
    assert not Topic.objects.exists() and not Meeting.objects.exists()


def test_a_fixed_number_of_queries_whatever_the_number_of_communities():
    city = build_city()
    today = timezone.localdate()

    def queries(ids):
        with CaptureQueriesContext(connection) as ctx:
            seed_deliberation(rng=random.Random(3), community_ids=ids, full_ids=ids, today=today)
        sql = [q["sql"] for q in ctx.captured_queries]
        reads = [s for s in sql if not s.startswith("INSERT")]
        inserted = {s.split('"')[1] for s in sql if s.startswith("INSERT")}
        return len(reads), inserted, len(sql)

    reads, tables, total = queries([city.a.area.pk])
    more_reads, more_tables, more_total = queries([city.a.area.pk, city.b.area.pk])
    assert reads == more_reads == 11 and tables == more_tables  # inserts: by batch (SQLite splits long ones)
    assert more_total <= 2 * len(tables) + reads
