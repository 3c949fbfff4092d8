"""`make load` without the load: the journeys build the right URLs against the `small` demo
data (run through Django's test client, logins and TOTP codes included), load_prepare gives
the two-factor accounts devices only in the load-test mode, the locustfile imports and lists
its users, and the driver's Locust command lines and Markdown report are right."""
import json
import os
import random
import re
import stat
import subprocess
import sys
from argparse import Namespace
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client, override_settings
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from organizations.grants.models import Grant
from portal.load import journeys, report, run

ROOT = Path(__file__).resolve().parents[2]


class DjangoBrowser:
    """``journeys.Browser`` over Django's test client (the locustfile's twin)."""

    def __init__(self):
        self.client = Client(SERVER_NAME="127.0.0.1")
        self.requests = []

    def _page(self, response, name, path, expect):
        self.requests.append((name, path, response.status_code))
        assert response.status_code == expect, f"{name} {path}: {response.status_code}, expected {expect}"
        return journeys.Page(response.status_code, response.content.decode(errors="replace"),
                             response.get("Location", ""))

    def get(self, path, name, expect=200):
        return self._page(self.client.get(path), name, path, expect)

    def post(self, path, data, name, expect=302):
        return self._page(self.client.post(path, data), name, path, expect)


@pytest.fixture
def load_accounts(db, tmp_path):
    call_command("seed_demo", scale="small", workers=0, verbosity=0)
    out = tmp_path / "accounts.json"
    with override_settings(LOAD_TEST=True):
        call_command("load_prepare", pool=3, out=str(out), verbosity=0)
    return json.loads(out.read_text()), out


REDIRECTED = {"dashboard": r"/dashboard/\d+/", "area index": r"/org/areas/\d+/"}


def test_every_role_signs_in_and_its_journey_opens_every_page_on_the_small_demo_data(load_accounts):
    data, _path = load_accounts
    for role, steps in journeys.JOURNEYS.items():
        browser = DjangoBrowser()
        account = data["accounts"][role][-1]  # a copy for admin and district, with its own TOTP device
        journeys.login(browser, role, account, data["password"])
        opened = journeys.staff_journey(browser, role)
        assert list(opened) == [s.name for s in steps], f"{role}: a link step found no link"
        for step in steps:
            path = opened[step.name]
            if step.link:
                assert re.fullmatch(step.link, path), (role, step.name, path)
            elif step.redirects:
                assert re.fullmatch(REDIRECTED[step.name], path), (role, step.name, path)
            else:
                assert path == step.path
        names = [name for name, _path, _status in browser.requests]
        if role in journeys.TWO_FACTOR_ROLES:
            assert f"{role} · 2FA code" in names
        else:
            assert not any("2FA" in n for n in names)
        home = browser.get("/", f"{role} · home")
        journeys.logout(browser, role, home)
        assert browser.client.get("/").status_code == 302  # signed out


def test_residents_submit_a_wish_and_a_request_and_track_them_by_code(load_accounts):
    from services.requests.models import ServiceRequest
    from services.wishes.models import Wish

    browser = DjangoBrowser()
    rng = random.Random(7)
    wish = journeys.resident_journey(browser, journeys.WISH_FORM, rng)
    request = journeys.resident_journey(browser, journeys.REQUEST_FORM, rng)
    assert Wish.objects.filter(code=wish).exists() and ServiceRequest.objects.filter(code=request).exists()
    paths = [path for _name, path, _status in browser.requests]
    # form, the community picker's endpoint (as the phone's browser asks it), submit, status, track, status
    assert paths == ["/w/", "/w/communities/", "/w/", f"/w/{wish}/", f"/w/track/?code={wish}", f"/w/{wish}/",
                     "/r/", "/r/communities/", "/r/", f"/r/{request}/", f"/r/track/?code={request}", f"/r/{request}/"]


def test_load_prepare_copies_the_two_factor_accounts_with_devices_whose_keys_it_writes(load_accounts):
    data, path = load_accounts
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    User = get_user_model()
    for role in journeys.TWO_FACTOR_ROLES:
        pool = data["accounts"][role]
        assert [a["username"] for a in pool] == [role, f"{role}-load-01", f"{role}-load-02"]
        demo = User.objects.get(username=role)
        grants = sorted(Grant.objects.filter(user=demo).values_list("role", "area_id", "org_id"))
        for account in pool:
            user = User.objects.get(username=account["username"])
            assert sorted(Grant.objects.filter(user=user).values_list("role", "area_id", "org_id")) == grants
            assert (user.is_staff, user.is_superuser) == (demo.is_staff, demo.is_superuser)
            device = TOTPDevice.objects.get(user=user, confirmed=True)
            assert device.key == account["key"]
            assert device.verify_token(journeys.totp(account["key"]))
    for role in ("street", "community", "grid", "member", "department"):
        assert data["accounts"][role] == [{"username": role}]
        assert not TOTPDevice.objects.filter(user__username=role).exists()


def test_load_prepare_leaves_an_enrolled_authenticator_alone(load_accounts, tmp_path):
    district = get_user_model().objects.get(username="district")
    TOTPDevice.objects.filter(user=district).delete()
    own = TOTPDevice.objects.create(user=district, name="phone", key="00" * 20, confirmed=True)
    out = tmp_path / "again.json"
    with override_settings(LOAD_TEST=True):
        call_command("load_prepare", pool=2, out=str(out), verbosity=0)
    pool = json.loads(out.read_text())["accounts"]["district"]
    assert [a["username"] for a in pool] == ["district-load-01"]
    assert list(TOTPDevice.objects.filter(user=district)) == [own]


def test_load_prepare_refuses_outside_the_load_test_mode(db, tmp_path):
    with pytest.raises(CommandError, match="负载测试"):
        call_command("load_prepare", out=str(tmp_path / "a.json"))
    assert not (tmp_path / "a.json").exists()
    assert not TOTPDevice.objects.exists()


@pytest.mark.parametrize("at", [0, 59, 1_111_111_109, 1_796_000_000.5])
def test_the_totp_codes_are_django_otps(at):
    key = "3132333435363738393031323334353637383930"  # RFC 6238's SHA-1 test key
    reference = TOTP(bytes.fromhex(key), step=30, t0=0, digits=6)
    reference.time = at
    assert journeys.totp(key, at=at) == str(reference.token()).zfill(6)
    if at == 59:
        assert journeys.totp(key, at=at, digits=8) == "94287082"  # RFC 6238, appendix B


def test_the_helpers_read_forms_and_links():
    page = journeys.Page(200, '<input type="hidden" name="csrfmiddlewaretoken" value="abc">'
                              '<select name="community" id="x"><option value="">请选择</option><option value="7">A</option>'
                              '<option value="9">B</option></select>'
                              '<a href="/org/members/3/">x</a><a href="/org/members/3/?page=2">y</a>'
                              '<a href="/org/members/new/">n</a><a href="/org/members/4/edit/">e</a>')
    assert journeys.csrf_token(page) == "abc"
    assert journeys.options(page, "community") == ["7", "9"]
    assert journeys.links(page, journeys.MEMBER) == ["/org/members/3/"]
    assert journeys.local_path("http://127.0.0.1:8000/dashboard/4/") == "/dashboard/4/"
    with pytest.raises(journeys.Unexpected):
        journeys.csrf_token(journeys.Page(200, "<p>no form</p>"))


def test_the_locustfile_imports_and_lists_every_user_class():
    """In a process of its own: Locust monkey-patches the standard library when imported."""
    listed = subprocess.run([sys.executable, "-m", "locust", "-f", str(run.LOCUSTFILE), "--list"], cwd=ROOT,
                            env={**os.environ, "PYTHONPATH": str(ROOT)}, capture_output=True, text=True, timeout=120)
    assert listed.returncode == 0, listed.stderr
    names = set(listed.stdout.split())
    assert set(journeys.MIXED_USERS) | {"TrivialView", "WishSaturation"} <= names


def test_the_three_locust_runs_and_their_command_lines(tmp_path):
    args = Namespace(users=50, duration=120, spawn_rate=0, ceiling_users=8, ceiling_seconds=20)
    trivial, wish, mixed = run.phases(args)
    assert (trivial["classes"], wish["classes"]) == (["TrivialView"], ["WishSaturation"])
    assert mixed["classes"] == list(journeys.MIXED_USERS) and (mixed["users"], mixed["seconds"]) == (50, 120)
    assert mixed["spawn_rate"] == 5
    argv = run.locust_command(python="py", url="http://127.0.0.1:8100", classes=mixed["classes"], users=50,
                              spawn_rate=5, seconds=120, csv_prefix=tmp_path / "mixed")
    assert argv[:5] == ["py", "-m", "locust", "-f", str(run.LOCUSTFILE)]
    for option, value in (("--host", "http://127.0.0.1:8100"), ("--users", "50"), ("--spawn-rate", "5"),
                          ("--run-time", "120s"), ("--csv", str(tmp_path / "mixed"))):
        assert argv[argv.index(option) + 1] == value
    assert "--headless" in argv and argv[-len(mixed["classes"]):] == mixed["classes"]
    assert [run.parse_duration(t) for t in ("2m", "90s", "1h30m", "45")] == [120, 90, 5400, 45]


STATS = "\n".join([
    "Type,Name,Request Count,Failure Count,Median Response Time,Average Response Time,Min Response Time,"
    "Max Response Time,Average Content Size,Requests/s,Failures/s,50%,66%,75%,80%,90%,95%,98%,99%,99.9%,99.99%,100%",
    "GET,district · home,10,0,40,45,30,90,100,0.5,0,40,45,50,55,60,70,80,90,90,90,90",
    "POST,resident · wish submit,20,1,60,70,50,400,0,1.0,0.05,60,70,80,90,100,300,350,400,400,400,400",
    ",Aggregated,30,1,50,60,30,400,0,1.5,0.05,50,60,70,80,90,250,300,390,400,400,400",
]) + "\n"


def test_the_report_tables_from_locusts_csv(tmp_path):
    (tmp_path / "x_stats.csv").write_text(STATS)
    (tmp_path / "x_failures.csv").write_text(
        "Method,Name,Error,Occurrences,First Seen,Last Seen\nPOST,resident · wish submit,status 429,1,0,0\n")
    rows = report.read_stats(tmp_path / "x_stats.csv")
    total = report.aggregated(rows)
    assert (total.count, total.failures, total.p95, total.p99) == (30, 1, 250, 390)
    table = report.stats_table(rows).splitlines()
    assert table[2].startswith("| POST resident · wish submit | 20 | 1.0 | 60 | 300 | 400 | 400 | 1 |")  # worst p95 first
    assert table[3].startswith("| GET district · home |") and table[-1].startswith("| **all requests** | 30 |")
    failures = report.read_failures(tmp_path / "x_failures.csv")
    assert "status 429" in report.failures_table(failures)
    assert report.failures_table([]) == "No errors."
    assert report.label("postgres: 15/main: postgres dangjian_serve_dandong 127.0.0.1(5) idle") == \
        "postgres backend (dangjian_serve_dandong)"


def test_cpu_seconds_per_process_between_two_snapshots():
    first = {(10, 1): (5.0, 1, "python -m dangjian.serve"), (11, 2): (2.0, 10, "python -m gunicorn dangjian.wsgi"),
             (20, 3): (1.0, 1, "postgres: 15/main: postgres dangjian_serve_small 127.0.0.1(1) idle")}
    last = {(10, 1): (5.0, 1, "python -m dangjian.serve"), (11, 2): (6.0, 10, "python -m gunicorn dangjian.wsgi"),
            (12, 9): (1.5, 10, "python -m gunicorn dangjian.wsgi"),  # a gunicorn worker started meanwhile
            (20, 3): (3.0, 1, "postgres: 15/main: postgres dangjian_serve_small 127.0.0.1(1) SELECT"),
            (30, 4): (9.0, 1, "python -m locust -f x")}
    seconds = report.cpu_seconds(first, last, {10: "make serve"}, extra={"locust": 2.5}, skip={30})
    assert seconds == {"make serve: gunicorn": 5.5, "postgres backend (dangjian_serve_small)": 2.0, "locust": 2.5}
    assert report.per_request(seconds, 1000, "dangjian_serve_small") == \
        "CPU per request: gunicorn 5.5 ms, PostgreSQL (dangjian_serve_small) 2.0 ms."
    table = report.cpu_table(seconds, busy=(12.0, 20.0))
    assert "| make serve: gunicorn | 5.5 |" in table.splitlines()[2]
    assert "| 2.0 |" in table and "**12.0** (60 %)" in table
