"""Every input is labelled (issue 14): on every page each demo role reaches from its home
page (the benchmark's crawl, one page per route, on the small demo data), every visible
``<input>``, ``<select>`` and ``<textarea>`` has a ``<label for>``, sits inside a ``<label>``
or carries ``aria-label`` / ``aria-labelledby``.  A placeholder is no label.

The world is seeded once for the module inside one transaction, rolled back at the end."""
from html.parser import HTMLParser

import pytest
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse

from dangjian import crawl
from dangjian.testing import logged_in
from portal.management.commands.bench import ANONYMOUS, ANONYMOUS_STARTS, ROLES, Command
from services.whistles.tests.test_support import build_world, target_of, whistle

SEED = 2020
CONTROLS = {"input", "select", "textarea"}
NOT_FIELDS = {"hidden", "submit", "button", "reset", "image"}


class Controls(HTMLParser):
    """The form controls of a page, the ids labels point at, and which controls a label wraps."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.controls = []  # (attrs, inside a <label>)
        self.label_for = set()
        self.open_labels = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "label":
            self.open_labels += 1
            if attrs.get("for"):
                self.label_for.add(attrs["for"])
        elif tag in CONTROLS:
            if tag != "input" or (attrs.get("type") or "text").lower() not in NOT_FIELDS:
                self.controls.append((tag, attrs, self.open_labels > 0))

    def handle_endtag(self, tag):
        if tag == "label" and self.open_labels:
            self.open_labels -= 1


def unlabelled(html: str) -> list[str]:
    parser = Controls()
    parser.feed(html)
    missing = []
    for tag, attrs, wrapped in parser.controls:
        if wrapped or attrs.get("aria-label") or attrs.get("aria-labelledby"):
            continue
        if attrs.get("id") and attrs["id"] in parser.label_for:
            continue
        missing.append(f"<{tag} name={attrs.get('name')!r} id={attrs.get('id')!r}>")
    return missing


def test_the_check_tells_a_labelled_input_from_a_placeholder_only_one():
    html = """<form><label for="a">甲</label><input id="a" name="a">
      <label>乙 <input name="b"></label><input name="c" aria-label="丙">
      <input type="hidden" name="d"><button type="submit">提交</button>
      <input name="e" id="e" placeholder="如：已安排专人对接"><select name="f" id="f"></select></form>"""
    assert unlabelled(html) == ["<input name='e' id='e'>", "<select name='f' id='f'>"]


@pytest.mark.django_db
def test_a_whistle_s_report_in_and_confirmation_boxes_are_labelled(client):
    """The department's report-in box had a placeholder and no label (issue 14)."""
    w = build_world()
    wh = whistle(w, departments=[w.housing])
    th = target_of(wh, w.housing)
    page = logged_in(w.housing_user, client).get(reverse("whistles:detail", args=[wh.pk])).content.decode()
    assert f'<label class="form-label small mb-0" for="id_report-{th.pk}-note">报到说明（可选）</label>' in page
    assert unlabelled(page) == []
    client.post(reverse("whistles:report", args=[th.pk]))
    client.post(reverse("whistles:resolve", args=[th.pk]), {f"resolve-{th.pk}-answer": "已疏通"})
    page = logged_in(w.cadre_a, client).get(reverse("whistles:detail", args=[wh.pk])).content.decode()
    assert 'data-testid="confirm"' in page and f'for="id_confirm-{th.pk}-note"' in page
    assert unlabelled(page) == []


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("seed_demo", scale="small", seed=SEED, workers=0, verbosity=0)
        yield
        transaction.set_rollback(True)


@pytest.mark.parametrize("role", [*ROLES, ANONYMOUS])
def test_every_input_a_role_meets_is_labelled(world, db, role):
    client = Command().signed_in(role)
    starts = ANONYMOUS_STARTS if role == ANONYMOUS else ("/",)
    result = crawl.crawl(client, starts=starts, per_route=1)
    assert len(result.pages) > 3
    missing = {}
    for page in result.pages:
        response = client.get(page.url)
        found = unlabelled(response.content.decode())
        if found:
            missing[page.url] = found
    assert missing == {}
