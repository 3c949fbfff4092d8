"""The simulated users of ``make load`` (Locust, headless, on loopback).

Mixed run (the users named in ``MIXED``): each demo role as a staff user who signs in through
the login form (admin and district with a TOTP code), runs its journey (home, lists, a detail,
the dashboard where it has one: ``portal.load.journeys.JOURNEYS``) ``JOURNEYS_PER_LOGIN``
times (``LOAD_JOURNEYS_PER_LOGIN``, 5), signs out and in again; and residents who submit a wish at /w/ or a request at /r/ and
track it by its code.  Between pages a user thinks ``LOAD_THINK`` seconds ("min,max",
default 0.5–2).

Ceiling runs (named explicitly, never in the mixed run): ``TrivialView`` asks
``/healthz/ping`` (the framework's ceiling: whole middleware stack, no database, no session)
and ``WishSaturation`` submits wishes, both without pause, so their requests/s can be compared.

Environment: ``LOAD_ACCOUNTS`` — the JSON file written by ``manage.py load_prepare`` (accounts,
TOTP keys, password).  Run through ``make load`` (``portal.load.run``), which prepares all that.
"""
from __future__ import annotations

import itertools
import json
import os
import random
import time
from urllib.parse import urlencode

import gevent
from locust import constant, task
from locust.contrib.fasthttp import FastHttpUser

from portal.load import journeys

JOURNEYS_PER_LOGIN = int(os.environ.get("LOAD_JOURNEYS_PER_LOGIN", "5"))


def _think_range() -> tuple[float, float]:
    low, _, high = os.environ.get("LOAD_THINK", "0.5,2").partition(",")
    return float(low), float(high or low)


_accounts_cache: dict = {}


def load_accounts() -> dict:
    if not _accounts_cache:
        path = os.environ.get("LOAD_ACCOUNTS", "")
        if not path:
            raise RuntimeError("LOAD_ACCOUNTS is not set: run make load (it runs manage.py load_prepare)")
        with open(path) as fh:
            _accounts_cache.update(json.load(fh))
    return _accounts_cache


class LocustBrowser:
    """``journeys.Browser`` over a Locust FastHttpSession: no redirect followed, a status
    other than the expected one is a failure of that request (and stops the journey)."""

    def __init__(self, client, rng: random.Random, think: tuple[float, float] | None = None):
        self.client, self.rng, self.think = client, rng, think

    def _pause(self):
        if self.think and self.think[1] > 0:
            gevent.sleep(self.rng.uniform(*self.think))

    def _check(self, response, name, expect) -> journeys.Page:
        if response.status_code != expect:
            response.failure(f"{name}: status {response.status_code}, expected {expect}")
            raise journeys.Unexpected(f"{name}: {response.status_code}")
        return journeys.Page(response.status_code, response.text or "", response.headers.get("Location") or "")

    def get(self, path, name, expect=200):
        self._pause()
        with self.client.get(path, name=name, allow_redirects=False, catch_response=True) as response:
            return self._check(response, name, expect)

    def post(self, path, data, name, expect=302):
        with self.client.post(path, data=urlencode(data), name=name, allow_redirects=False, catch_response=True,
                              headers={"Content-Type": "application/x-www-form-urlencoded"}) as response:
            return self._check(response, name, expect)


# --------------------------------------------------------------------------- staff users
_pool_index: dict[str, itertools.count] = {}
_last_step: dict[str, int] = {}  # account → the TOTP step its last code used (a code works once)


class StaffUser(FastHttpUser):
    abstract = True
    role = ""
    wait_time = constant(0)  # the think time is between pages (LocustBrowser)

    def on_start(self):
        data = load_accounts()
        pool = data["accounts"][self.role]
        index = next(_pool_index.setdefault(self.role, itertools.count()))
        self.account, self.password = pool[index % len(pool)], data["password"]
        self.rng = random.Random()
        self.browser = LocustBrowser(self.client, self.rng, _think_range())
        self.journeys_done = 0
        try:
            self.last = self.sign_in()
        except journeys.Unexpected:
            self.last = None  # counted as a failure already; the first task signs in again

    def sign_in(self) -> journeys.Page:
        if self.role in journeys.TWO_FACTOR_ROLES:
            # django-otp accepts each code once: wait for a step this account has not used yet
            name = self.account["username"]
            while journeys.totp_step() <= _last_step.get(name, -1):
                gevent.sleep(30 - time.time() % 30 + 0.2)
            _last_step[name] = journeys.totp_step()
        return journeys.login(self.browser, self.role, self.account, self.password)

    @task
    def journey(self):
        try:
            if self.last is None:
                self.last = self.sign_in()
            journeys.staff_journey(self.browser, self.role, choose=self.rng.choice)
            self.journeys_done += 1
            if self.journeys_done % JOURNEYS_PER_LOGIN == 0:
                home = self.browser.get("/", f"{self.role} · home")
                journeys.logout(self.browser, self.role, home)
                self.last = None
        except journeys.Unexpected:
            self.client.cookiejar.clear()  # start again from the login form
            self.last = None


def _staff(role: str, weight: int):
    return type(f"{role.capitalize()}Staff", (StaffUser,), {"role": role, "weight": weight, "__module__": __name__})


AdminStaff = _staff("admin", 2)
DistrictStaff = _staff("district", 5)
StreetStaff = _staff("street", 5)
CommunityStaff = _staff("community", 8)
GridStaff = _staff("grid", 6)
MemberStaff = _staff("member", 4)
Member2Staff = _staff("member2", 2)
DepartmentStaff = _staff("department", 2)
UnitStaff = _staff("unit", 1)


# ------------------------------------------------------------------------------ residents
class Resident(FastHttpUser):
    abstract = True
    form = journeys.WISH_FORM
    wait_time = constant(0)

    def on_start(self):
        self.rng = random.Random()
        self.browser = LocustBrowser(self.client, self.rng, _think_range())

    @task
    def submit_and_track(self):
        try:
            journeys.resident_journey(self.browser, self.form, self.rng)
        except journeys.Unexpected:
            pass


class WishResident(Resident):
    weight = 9
    form = journeys.WISH_FORM


class RequestResident(Resident):
    weight = 6
    form = journeys.REQUEST_FORM


MIXED = journeys.MIXED_USERS


# ------------------------------------------------------------------------ ceiling runs
class TrivialView(FastHttpUser):
    """The framework's ceiling: the trivial view, no pause."""

    wait_time = constant(0)

    @task
    def ping(self):
        with self.client.get("/healthz/ping", name="trivial view /healthz/ping", catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"status {response.status_code}")


class WishSaturation(FastHttpUser):
    """Anonymous wish submissions, no pause (the form fetched once per user for its token)."""

    wait_time = constant(0)

    def on_start(self):
        self.rng = random.Random()
        self.browser = LocustBrowser(self.client, self.rng)
        self.form = None

    @task
    def submit(self):
        try:
            if self.form is None:
                self.form = journeys.resident_form(self.browser, journeys.WISH_FORM)
            journeys.submit(self.browser, journeys.WISH_FORM, *self.form, self.rng, name="resident · wish submit (no pause)")
        except journeys.Unexpected:
            self.form = None

