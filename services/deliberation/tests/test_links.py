""""提为议事" on a diary entry page and on a meeting (activity) page: shown to those who may
enter a proposal there, and the link's form records where the matter came from."""
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments.tests.factories import activity
from dangjian.testing.clients import logged_in
from grids.diary.choices import DiaryKind, DiaryStatus
from grids.tests.factories import DiaryEntryFactory, grid_over
from organizations.grants.choices import Role
from organizations.tests.factories import grant, user_with
from services.deliberation.choices import TopicSource
from services.deliberation.models import Topic
from services.tests.factories import cadre, member_user

pytestmark = pytest.mark.django_db


def test_diary_entry_links_to_a_proposal_that_remembers_it(city):
    grid_user = user_with(Role.GRID, city.a.area)
    entry = DiaryEntryFactory(grid=grid_over(city.a.area, city.a.compound), kind=DiaryKind.PROBLEM,
                              status=DiaryStatus.OPEN, text="居民反映楼道里电动车充电", author=grid_user)
    link = f"{reverse('deliberation:topic_enter')}?diary={entry.pk}"
    page = logged_in(grid_user).get(reverse("grids:diary_detail", args=[entry.pk])).content.decode()
    assert "提为议事" in page and link in page
    response = logged_in(grid_user).post(link, {"title": "楼道电动车充电", "text": "居民反映楼道里电动车充电"})
    assert response.status_code == 302
    topic = Topic.objects.get()
    assert topic.source == TopicSource.DIARY and topic.diary_id == entry.pk and topic.community_id == city.a.area.pk


def test_activity_page_links_to_a_proposal_for_staff_only(city):
    meeting = activity(city.a.committee, "residents_deliberation", timezone.localdate() - timedelta(days=1))
    link = f"{reverse('deliberation:topic_enter')}?activity={meeting.pk}"
    page = logged_in(cadre(city.a)).get(reverse("assessments:activity_detail", args=[meeting.pk])).content.decode()
    assert "提为议事" in page and link in page
    # a member who may see the meeting (the member role over the community's committee) gets
    # the page itself, without the link
    member = member_user(city.a.members[0])
    grant(member, Role.MEMBER, city.a.committee)
    response = logged_in(member).get(reverse("assessments:activity_detail", args=[meeting.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert meeting.topic in page
    assert "提为议事" not in page and link not in page
    # a member account without a role there does not see the meeting at all
    other = member_user(city.a.members[1])
    assert logged_in(other).get(reverse("assessments:activity_detail", args=[meeting.pk])).status_code == 404
