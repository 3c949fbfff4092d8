"""Factories of dues: bases and payments written through the actions (by a system admin
unless told), so the stored amount, the rule version and the derived state are real."""
from datetime import date
from decimal import Decimal

from organizations.dues import actions
from organizations.grants.choices import Role
from organizations.tests.factories import UserFactory, grant


def cadre_for(community):
    """A community cadre (社区党委) over the community's area."""
    user = UserFactory()
    grant(user, Role.COMMUNITY, community.area)
    return user


def declare(member, *, actor, year=2026, from_month=1, category="in_service", base="4000.00", declared_on=None):
    return actions.dues_base_declare(
        actor=actor, member=member, year=year, from_month=from_month, category=category,
        base=Decimal(base) if base is not None else None, declared_on=declared_on or date(year, from_month, 1),
    )


def pay(member, *, actor, first_month, count=1, paid_on=None, amount=None):
    return actions.dues_payment_record(actor=actor, member=member, first_month=first_month, count=count,
                                       paid_on=paid_on or first_month, amount_paid=amount)
