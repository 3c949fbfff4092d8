"""On a phone-sized screen (390×844) in the system Chromium, the five steps of 居民议事:

1. 民事民提 — a resident without an account proposes a matter at ``/y/`` and gets a code;
2. the community cadre finds it on the home page's to-do and accepts it as a topic with options;
3. 民事民议 — two more residents (other phones) support it on the public topic page;
4. 民事民决 — the cadre records the 议事会 (participants, eligible voters), a tied vote that
   cannot decide, then the vote that meets the rule's quorum and majority, and decides;
5. 民事民办 — the decision becomes a request, dispatched by the cadre, accepted and resolved
   by a member, then confirmed done on the topic;
6. 民事民评 — the proposer rates the result by code and the last four digits of the phone;

and the public topic page then shows every step — and no resident's name or phone.
Only the community tree and the accounts are set up with factories; every step is the UI."""
import re
from datetime import timedelta

import pytest
from django.utils import timezone

from dangjian.testing.browser import PHONE_VIEWPORT, login
from organizations.tests.factories import build_city
from services.deliberation.models import Topic
from services.requests.models import ServiceRequest
from services.tests.factories import PASSWORD, cadre, member_user

pytestmark = [pytest.mark.browser]

PROPOSER = ("赵淑芬", "13712345678")
SUPPORTERS = ("13698761234", "13587654321")
REPRESENTATIVES = ("钱志强", "孙桂兰", "周德明")


# Content-Security-Policy violations of every page a phone opens (none is expected).
COLLECT_CSP = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__csp.push(e.violatedDirective + " " + (e.blockedURI || "inline"));
});
"""
FITS = "document.documentElement.scrollWidth <= window.innerWidth"


def _phone(browser):
    context = browser.new_context(**PHONE_VIEWPORT)
    context.add_init_script(COLLECT_CSP)
    page = context.new_page()
    page.set_default_timeout(15_000)
    return page


def _clean(page):
    """The page fits the phone's width and broke no CSP rule."""
    assert page.evaluate(FITS), page.url
    assert page.evaluate("window.__csp") == [], page.url


def _signed_in(browser, live_server, username):
    page = _phone(browser)
    login(page, live_server, username, PASSWORD)
    return page


def _submit(page, step):
    """Press the submit button of the topic page's form that posts to ``…/<step>/``."""
    page.locator(f"form[action$='/{step}/'] button[type=submit]").click()
    page.wait_for_load_state()


def _local(dt):
    return timezone.localtime(dt).strftime("%Y-%m-%dT%H:%M")


def test_resident_proposes_community_deliberates_decides_acts_resident_rates(transactional_db, live_server, browser):
    c = build_city()
    helper = c.a.members[0]
    member_user(helper, "delib-member")
    cadre(c.a, "delib-cadre")  # the factories' password: PASSWORD
    url = live_server.url

    # 1. 民事民提: the resident proposes from a phone, without an account
    resident = _phone(browser)
    resident.goto(f"{url}/y/")
    resident.fill("#id_community_q", c.a.area.name)  # the community picker: type, tap the match
    resident.locator(f"#id_community_options [data-id='{c.a.area.pk}']").click()
    resident.locator(f"#id_building option[value='{c.a.building.pk}']").wait_for(state="attached")
    resident.select_option("#id_building", str(c.a.building.pk))
    resident.fill("#id_title", "东门口能否加装电动自行车充电桩")
    resident.fill("#id_text", "楼里不少人把电动车推进楼道充电，晚上很不安全，希望在东门口加装充电桩。")
    resident.fill("#id_name", PROPOSER[0])
    resident.fill("#id_phone", PROPOSER[1])
    resident.click("[data-testid=propose-form] button[type=submit]")
    resident.wait_for_url(re.compile(r"/y/[0-9A-Z]+/$"))
    code = resident.locator("[data-testid=topic-code]").inner_text().strip()
    assert len(code) == 10 and resident.url == f"{url}/y/{code}/"
    assert "待审核" in resident.content()
    assert "社区审核后公开" in resident.content()
    assert PROPOSER[0] not in resident.content() and PROPOSER[1] not in resident.content()
    _clean(resident)
    topic = Topic.objects.get(code=code)
    assert topic.status == "proposed" and topic.building_id == c.a.building.pk

    # 2. the cadre finds it on the home page's to-do and accepts it as a topic with options
    staff = _signed_in(browser, live_server, "delib-cadre")
    queue = staff.locator("[data-testid=queue-deliberation_screen]")
    assert queue.locator("[data-testid=queue-count]").inner_text().strip() == "1"
    _clean(staff)
    queue.locator(".queue-item", has_text=code).click()
    staff.wait_for_url(f"{url}/services/deliberation/{topic.pk}/")
    assert PROPOSER[0] in staff.locator("[data-testid=proposer]").inner_text()  # staff see who proposed
    assert PROPOSER[1] not in staff.content()  # … with the phone masked
    staff.fill("#id_accept-question", "东门口是否加装电动自行车充电桩？")
    staff.fill("#id_accept-options", "加装充电桩\n维持现状")
    staff.fill("#id_accept-facts", "物业同意在东门口提供场地，供电公司可以接入。")
    _submit(staff, "accept")
    assert "已立为议题" in staff.content()
    staff.goto(f"{url}/services/deliberation/?status=accepted")
    assert staff.locator("[data-testid=topic-list]").get_by_text(code).count() == 1

    # 3. 民事民议: two more residents support it on the public topic page; one support per phone
    resident.goto(f"{url}/y/{code}/")
    assert "东门口是否加装电动自行车充电桩？" in resident.locator("[data-testid=topic-question]").inner_text()
    assert resident.locator("[data-testid=topic-options] li").all_inner_texts() == ["加装充电桩", "维持现状"]
    assert resident.locator("[data-testid=supports-count]").inner_text() == "0"
    neighbours = []
    for n, phone in enumerate(SUPPORTERS, start=1):
        page = _phone(browser)
        page.goto(f"{url}/y/{code}/")
        page.fill("#id_support-phone", phone)
        page.click("[data-testid=support-form] button[type=submit]")
        page.wait_for_url(f"{url}/y/{code}/")
        assert "感谢您的附议" in page.content()
        assert page.locator("[data-testid=supports-count]").inner_text() == str(n)
        _clean(page)
        neighbours.append(page)
    again = neighbours[1]
    again.fill("#id_support-phone", SUPPORTERS[1])
    again.click("[data-testid=support-form] button[type=submit]")
    again.wait_for_load_state()
    assert "每个手机号只能附议一次" in again.content()
    assert again.locator("[data-testid=supports-count]").inner_text() == "2"

    # 4. 民事民决: the cadre records the meeting with its participants, then the vote
    staff.goto(f"{url}/services/deliberation/{topic.pk}/")
    staff.select_option("#id_meeting-rule", label="居民议事会")
    start = timezone.now() - timedelta(hours=3)
    staff.fill("#id_meeting-starts_at", _local(start))
    staff.fill("#id_meeting-ends_at", _local(start + timedelta(hours=1, minutes=30)))
    staff.fill("#id_meeting-place", "社区议事厅")
    staff.fill("#id_meeting-eligible", "5")
    staff.fill("#id_meeting-members_q", helper.name[1:])  # the member picker: part of the name
    staff.locator(f"#id_meeting-members_options [data-id='{helper.pk}']").click()
    staff.fill("#id_meeting-representatives", "\n".join(REPRESENTATIVES))
    staff.fill("#id_meeting-property_company", "东兴物业公司")
    staff.fill("#id_meeting-minutes", "居民代表、党员和物业公司讨论了充电桩的位置、费用和消防要求。")
    _submit(staff, "meeting")
    assert "已登记议事会" in staff.content()
    meeting = staff.locator("[data-testid=meeting]")
    assert "应到表决人数 5，实到表决人员 3" in meeting.inner_text()
    for name in (*REPRESENTATIVES, helper.name, "东兴物业公司"):
        assert name in meeting.inner_text()
    _clean(staff)
    options = list(Topic.objects.get(pk=topic.pk).options.order_by("position"))

    # a tie at the top decides nothing: the page says so and the decision is refused
    staff.fill(f"#id_vote-option_{options[0].pk}", "1")
    staff.fill(f"#id_vote-option_{options[1].pk}", "1")
    _submit(staff, "vote")
    assert "已登记表决票数" in staff.content()
    assert "票数相同" in staff.locator("[data-testid=outcome]").inner_text()
    staff.fill("#id_decide-reasons", "多数代表同意加装。")
    _submit(staff, "decide")
    assert "票数相同" in staff.content() and "未形成决定" in staff.content()
    assert Topic.objects.get(pk=topic.pk).status == "deliberating"

    # voted again: three of three present for 加装 — quorum (3 of 5 ≥ half) and majority met
    staff.fill(f"#id_vote-option_{options[0].pk}", "3")
    staff.fill(f"#id_vote-option_{options[1].pk}", "0")
    _submit(staff, "vote")
    assert "表决结果符合议事规则，可以形成决定" in staff.locator("[data-testid=outcome]").inner_text()
    staff.fill("#id_decide-reasons", "到会居民代表一致同意在东门口加装充电桩，由物业负责施工。")
    _submit(staff, "decide")
    assert "已形成决定" in staff.content()
    assert "加装充电桩" in staff.locator("[data-testid=decision]").inner_text()

    # 5. 民事民办: the decision becomes a request, dispatched, accepted, resolved, confirmed done
    due = timezone.localdate() + timedelta(days=14)
    staff.select_option("#id_work-kind", "request")
    staff.fill("#id_work-owner", "社区居委会主任")
    staff.fill("#id_work-due", due.isoformat())
    staff.select_option("#id_work-category", index=1)
    _submit(staff, "work")
    assert "已交办落实" in staff.content()
    work = staff.locator("[data-testid=work]")
    assert "待派单" in work.inner_text()
    req = Topic.objects.select_related("work_request").get(pk=topic.pk).work_request
    assert req is not None and req.code in work.inner_text()
    work.locator("a").click()
    staff.wait_for_url(f"{url}/services/requests/{req.pk}/")
    staff.fill("#id_dispatch-assignee_q", helper.name[1:])
    staff.locator(f"#id_dispatch-assignee_options [data-id='m{helper.pk}']").click()
    staff.click("[data-testid=dispatch]")
    staff.wait_for_load_state()
    assert "已派单" in staff.content()

    doer = _signed_in(browser, live_server, "delib-member")
    doer.goto(f"{url}/services/requests/mine/")
    doer.locator(f"[data-testid=task][data-code='{req.code}'] [data-testid=task-accept]").click()
    doer.wait_for_load_state()
    assert "接单成功" in doer.content()
    doer.fill("#id_resolve-note", "充电桩已在东门口装好并通电，物业贴了使用须知")
    doer.click("[data-testid=resolve]")
    doer.wait_for_load_state()
    assert "已登记办结" in doer.content()
    _clean(doer)
    assert ServiceRequest.objects.get(pk=req.pk).status == "resolved"

    resident.goto(f"{url}/y/{code}/")  # the public page reads the request's live state
    assert "已办结" in resident.locator("[data-testid=work-status]").inner_text()
    assert resident.locator("[data-testid=rate-link]").count() == 0  # not rated before the topic is done

    staff.goto(f"{url}/services/deliberation/{topic.pk}/")
    assert "已办结" in staff.locator("[data-testid=work]").inner_text()
    staff.fill("#id_complete-note", "东门口充电桩 6 个已投入使用。")
    _submit(staff, "complete")
    assert "已确认办结" in staff.content()

    # 6. 民事民评: the proposer rates the result (code + last four digits)
    resident.goto(f"{url}/y/{code}/")
    resident.click("[data-testid=rate-link]")
    resident.wait_for_url(f"{url}/y/{code}/rate/")
    resident.select_option("#id_rating", "satisfied")
    resident.fill("#id_comment", "充电方便多了，谢谢社区")
    resident.fill("#id_phone_last4", PROPOSER[1][-4:])
    resident.click("[data-testid=rate-form] button[type=submit]")
    resident.wait_for_url(f"{url}/y/{code}/")
    assert "感谢您的评价" in resident.content()

    # 7. the public page shows every step, and no name or phone of any resident
    page = _phone(browser)  # a fresh visitor: no flash message, no session
    page.goto(f"{url}/y/{code}/")
    assert "已评价" in page.locator(".badge").first.inner_text()
    propose = page.locator("[data-testid=step-propose]").inner_text()
    assert "东门口是否加装电动自行车充电桩？" in propose and "加装充电桩" in propose and "物业同意" in propose
    discuss = page.locator("[data-testid=step-discuss]")
    assert discuss.locator("[data-testid=supports-count]").inner_text() == "2"
    meeting = discuss.locator("[data-testid=topic-meeting]").inner_text()
    assert "居民议事会" in meeting and "居民代表 3 人" in meeting and "应到表决人数 5，实到 3" in meeting
    assert discuss.locator("[data-testid=topic-votes] li").all_inner_texts() == ["加装充电桩：3 票", "维持现状：0 票"]
    decide = page.locator("[data-testid=step-decide]").inner_text()
    assert "表决通过：加装充电桩" in decide and "由物业负责施工" in decide
    act = page.locator("[data-testid=step-act]").inner_text()
    assert "居民诉求" in act and due.strftime("%Y年%-m月%-d日") in act and "已办结" in act and "6 个已投入使用" in act
    assert page.locator("[data-testid=ratings-count]").inner_text() == "1"
    _clean(page)
    timeline = page.locator("[data-testid=topic-timeline]").inner_text()
    for label in ("待审核", "已立为议题", "议事中", "已表决", "办理中", "已办结", "已评价"):
        assert label in timeline
    assert page.locator("[data-testid=topic-progress] .active").inner_text() == "已评价"
    html, text = page.content(), page.inner_text("body")
    for secret in (PROPOSER[0], PROPOSER[1], *SUPPORTERS, *REPRESENTATIVES, helper.name):
        assert secret not in html, secret
    for last4 in (PROPOSER[1][-4:], *(p[-4:] for p in SUPPORTERS)):
        assert last4 not in text, last4
    assert not re.search(r"1[3-9]\d[*＊]{4}\d{4}", html)  # not even a masked phone

    topic = Topic.objects.get(pk=topic.pk)
    assert topic.status == "rated" and topic.decided_option_id == options[0].pk
    assert list(topic.ratings.values_list("rater", "rating")) == [("proposer", "satisfied")]
