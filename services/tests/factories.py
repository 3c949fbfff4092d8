"""Helpers for the services tests: wishes moved through the real actions."""
import itertools
import uuid

import pytest

from organizations.grants.choices import Role
from organizations.tests.factories import UserFactory, user_with
from services.wishes import actions

_phones = itertools.count(1)
PASSWORD = "pass-123456"


def new_phone() -> str:
    return f"138{next(_phones):08d}"


def submit(community, *, name="王秀兰", phone=None, building=None, text="想要一台助听器", kind="material"):
    return actions.wish_submit(
        community=community.area if hasattr(community, "area") else community,
        building=building if building is not None else getattr(community, "building", None),
        name=name, phone=phone or new_phone(), kind=kind, text=text, address="",
    )


def cadre(community, username=None):
    area = community.area if hasattr(community, "area") else community
    return user_with(Role.COMMUNITY, area, username=username)


def member_user(member, username=None):
    # random, not the member's number: "m-123456-…" can come out "too similar" to the password
    user = UserFactory(username=username or f"member-{uuid.uuid4().hex[:10]}", password=PASSWORD)
    member.user = user
    member.save(update_fields=["user"])
    return user


def published(community, **kwargs):
    wish = submit(community, **kwargs)
    return actions.wish_publish(actor=cadre(community), wish=wish)


def claimed(community, member_user_, **kwargs):
    wish = published(community, **kwargs)
    return actions.wish_claim(actor=member_user_, wish=wish)


def fulfilled(community, member_user_, **kwargs):
    wish = claimed(community, member_user_, **kwargs)
    return actions.wish_fulfil(actor=member_user_, wish=wish, note="已送到家中")


class CityWorld:
    """For the contract classes (``dangjian.testing.contracts``): the ``build_city`` world on
    ``self.w`` — community 甲 (``w.a``) is in scope, community 乙 (``w.b``) is not — and a
    community cadre of 甲 (``self.cadre``) as the user in scope."""

    @pytest.fixture(autouse=True)
    def _world(self, city):
        self.w = city
        self.cadre = cadre(city.a)

    @pytest.fixture
    def user_in_scope(self):
        return self.cadre
