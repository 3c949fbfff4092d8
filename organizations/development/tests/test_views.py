"""The pages of 发展党员 through the test client: opening a case, the next-step form offering
only the allowed steps, a refused step shown on the form, the vote picking a meeting, the
printable notice, the pickers' scope, a member's own record, the 党员档案 link."""
from datetime import date, timedelta

import pytest
from django.urls import reverse

from dangjian.testing.clients import logged_in
from organizations.development.models import DevelopmentCase
from organizations.development.tests.factories import full_members, make_case, meeting, walk
from organizations.grants.choices import Role
from organizations.members.models import PersonalDataAccess
from organizations.tests.factories import MemberFactory, UserFactory, user_with

pytestmark = pytest.mark.django_db


@pytest.fixture
def cadre(city):
    return user_with(Role.COMMUNITY, city.a.area)


def test_case_create_page_opens_a_case(city, cadre):
    client = logged_in(cadre)
    assert client.get(reverse("organizations:development_case_create")).status_code == 200
    response = client.post(reverse("organizations:development_case_create"), {
        "organization": city.a.branch.pk, "name": "李华", "gender": "F", "birth_date": "1999-05-06",
        "applied_on": (date.today() - timedelta(days=3)).isoformat(), "phone": "13912345678", "id_number": "",
    })
    case = DevelopmentCase.objects.get(name="李华")
    assert response.status_code == 302 and response["Location"] == reverse(
        "organizations:development_case_detail", args=[case.pk])
    page = client.get(response["Location"]).content.decode()
    assert "党组织派人谈话" in page and "13912345678" not in page


def test_case_create_refuses_a_branch_out_of_scope_and_keeps_what_was_typed(city, cadre):
    response = logged_in(cadre).post(reverse("organizations:development_case_create"), {
        "organization": city.b.branch.pk, "name": "李华", "gender": "F", "birth_date": "1999-05-06",
        "applied_on": "2026-11-01"})
    assert response.status_code == 400 and "不在您的管辖范围内" in response.content.decode()
    assert "李华" in response.content.decode() and not DevelopmentCase.objects.exists()


def test_the_step_form_offers_only_the_next_step_and_shows_a_refusal(city, cadre):
    case = make_case(city.a.branch, applied_on=date(2026, 11, 2))
    client = logged_in(cadre)
    page = client.get(reverse("organizations:development_case_detail", args=[case.pk])).content.decode()
    assert 'data-testid="step-form"' in page and reverse(
        "organizations:development_step_create", args=[case.pk, "talk"]) in page
    assert reverse("organizations:development_step_create", args=[case.pk, "activist_recommend"]) not in page
    response = client.post(reverse("organizations:development_step_create", args=[case.pk, "activist_recommend"]),
                           {"step-on": "2026-11-20"})
    assert response.status_code == 400 and "须先完成“党组织派人谈话”" in response.content.decode()
    response = client.post(reverse("organizations:development_step_create", args=[case.pk, "talk"]),
                           {"step-on": "2026-10-01"})
    assert response.status_code == 400 and "不能早于上一环节" in response.content.decode()
    response = client.post(reverse("organizations:development_step_create", args=[case.pk, "talk"]),
                           {"step-on": "2026-11-10", "step-note": "书记谈话"})
    assert response.status_code == 302 and case.steps.filter(code="talk", note="书记谈话").exists()


def test_a_grid_member_sees_the_case_but_no_step_form(city):
    case = make_case(city.a.branch)
    grid = user_with(Role.GRID, city.a.area)
    page = logged_in(grid).get(reverse("organizations:development_case_detail", args=[case.pk]))
    assert page.status_code == 200 and 'data-testid="step-form"' not in page.content.decode()
    refused = logged_in(grid).post(reverse("organizations:development_step_create", args=[case.pk, "talk"]),
                                   {"step-on": "2023-01-05"})
    assert refused.status_code == 403


def test_the_vote_through_the_form_with_the_meeting_picked(city, cadre):
    for _i in range(3):
        MemberFactory(organization=city.a.branch)
    case = walk(make_case(city.a.branch), cadre, until="branch_vote")
    from organizations.development import schedule

    day = schedule.add_interval(case.steps.get(code="notice").on, 5, "working_days")
    gathering = meeting(city.a.branch, day)
    client = logged_in(cadre)
    page = client.get(reverse("organizations:development_case_detail", args=[case.pk])).content.decode()
    assert reverse("organizations:development_pick_meetings", args=[case.pk]) in page
    options = client.get(reverse("organizations:development_pick_meetings", args=[case.pk])).json()
    assert [o["id"] for o in options["results"]] == [gathering.pk]
    url = reverse("organizations:development_step_create", args=[case.pk, "branch_vote"])
    refused = client.post(url, {"step-on": day.isoformat(), "step-activity": gathering.pk, "step-votes_yes": 2,
                                "step-votes_no": 3, "step-votes_abstain": 0, "step-votes_written": 0})
    assert refused.status_code == 400 and "决议未通过" in refused.content.decode()
    passed = client.post(url, {"step-on": day.isoformat(), "step-activity": gathering.pk, "step-votes_yes": 5,
                               "step-votes_no": 0, "step-votes_abstain": 0, "step-votes_written": 0})
    assert passed.status_code == 302 and case.steps.filter(code="branch_vote", votes_yes=5).exists()


def test_the_meeting_picker_is_refused_out_of_scope(city, cadre):
    other = make_case(city.b.branch)
    response = logged_in(cadre).get(reverse("organizations:development_pick_meetings", args=[other.pk]))
    assert response.status_code == 404


def test_the_people_picker_lists_the_branchs_full_members_only(city, cadre):
    case = walk(make_case(city.a.branch), cadre, until="contacts_assigned")
    MemberFactory(organization=city.a.branch, status="probationary", name="预备甲")
    MemberFactory(organization=city.b.branch, name="乙支部的人")
    names = [o["text"] for o in logged_in(cadre).get(
        reverse("organizations:development_pick_members", args=[case.pk])).json()["results"]]
    assert sorted(names) == sorted(f"{m.name}（正式党员）" for m in full_members(city.a.branch))


def test_the_notice_page_lists_the_candidate_with_sponsors_and_period(city, cadre):
    case = walk(make_case(city.a.branch, name="赵公示"), cadre, until="application_form")
    page = logged_in(cadre).get(reverse("organizations:development_case_notice", args=[case.pk])).content.decode()
    sponsors = [m.name for m in case.steps.get(code="sponsors_assigned").people.all()]
    assert "赵公示" in page and all(name in page for name in sponsors) and "print_notice.css" in page
    batch_url = reverse("organizations:development_branch_notices", args=[city.a.branch.pk])
    assert "赵公示" not in logged_in(cadre).get(batch_url).content.decode()  # its notice ended long ago
    case.steps.filter(code="notice").update(on=date.today(), notice_until=date.today() + timedelta(days=6))
    assert "赵公示" in logged_in(cadre).get(batch_url).content.decode()


def test_a_member_sees_their_own_record_and_no_one_elses(city, cadre):
    case = walk(make_case(city.a.branch), cadre, until="approval_filed")
    user = UserFactory()
    case.member.user = user
    case.member.save()
    other = walk(make_case(city.a.branch), cadre, until="talk")
    client = logged_in(user)
    own = client.get(reverse("organizations:development_member_record", args=[case.member_id]))
    assert own.status_code == 302 and own["Location"] == reverse("organizations:development_case_detail", args=[case.pk])
    assert client.get(own["Location"]).status_code == 200
    assert client.get(reverse("organizations:development_case_detail", args=[other.pk])).status_code == 404
    member_page = client.get(reverse("organizations:member_detail", args=[case.member_id])).content.decode()
    assert reverse("organizations:development_member_record", args=[case.member_id]) in member_page


def test_the_pipeline_counts_the_stages_and_the_overdue(city, cadre):
    make_case(city.a.branch)  # applied in 2023: the talk is overdue
    walk(make_case(city.a.branch), cadre, until="candidate_determined")
    make_case(city.b.branch)
    page = logged_in(cadre).get(reverse("organizations:development_index"))
    counts = page.context["counts"]
    assert (counts["applicant"], counts["activist"], counts["overdue"]) == (1, 1, 2)


def test_revealing_an_applicants_numbers_is_logged(city, cadre):
    case = make_case(city.a.branch)
    response = logged_in(cadre).post(reverse("organizations:development_case_reveal", args=[case.pk]))
    assert case.phone in response.content.decode()
    assert PersonalDataAccess.objects.filter(user=cadre, target_id=str(case.pk), refused=False).exists()
    grid = user_with(Role.GRID, city.a.area)
    assert logged_in(grid).post(reverse("organizations:development_case_reveal", args=[case.pk])).status_code == 403


def test_the_list_filters_by_stage_due_and_name(city, cadre):
    overdue = make_case(city.a.branch, name="逾期甲")
    fresh = make_case(city.a.branch, name="新申请乙", applied_on=date.today())
    client = logged_in(cadre)
    url = reverse("organizations:development_case_list")

    def listed(**params):
        return {c.pk for c in client.get(url, params).context["page_obj"]}

    assert listed(due="overdue") == {overdue.pk}
    assert listed(q="新申请") == {fresh.pk}
    assert listed(stage="activist") == set()


def test_evidence_is_capped_checked_and_downloadable_in_scope(city, cadre, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = str(tmp_path)
    case = make_case(city.a.branch, applied_on=date(2026, 11, 2))
    client = logged_in(cadre)
    url = reverse("organizations:development_step_create", args=[case.pk, "talk"])

    def pdf(name):
        return SimpleUploadedFile(name, b"%PDF-1.4\n% demo\n", content_type="application/pdf")

    too_many = client.post(url, {"step-on": "2026-11-10", "step-evidence": [pdf(f"谈话{i}.pdf") for i in range(4)]})
    assert too_many.status_code == 400 and "最多保留 3 个" in too_many.content.decode()
    fake = client.post(url, {"step-on": "2026-11-10",
                             "step-evidence": [SimpleUploadedFile("谈话.pdf", b"not a pdf")]})
    assert fake.status_code == 400 and "不符" in fake.content.decode()
    assert client.post(url, {"step-on": "2026-11-10", "step-evidence": [pdf("谈话记录.pdf")]}).status_code == 302
    step = case.steps.get(code="talk")
    assert [e["name"] for e in step.evidence] == ["谈话记录.pdf"] and "谈话记录" not in step.evidence[0]["path"]
    download = reverse("organizations:development_evidence", args=[case.pk, step.pk, 0])
    assert client.get(download).status_code == 200
    outsider = user_with(Role.COMMUNITY, city.b.area)
    assert logged_in(outsider).get(download).status_code == 404
