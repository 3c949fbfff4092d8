from functools import reduce
from operator import or_

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import BooleanField, Count, Exists, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce

from dangjian import trees
from dangjian.scoping import InArea, InOrg, get_scope
from dangjian.trees import NOTHING
from organizations.members import places
from organizations.members.choices import PERSONAL_DATA_ROLES, ROSTER_ROLES
from organizations.members.models import CentralHousehold, Member
from organizations.orgs.models import PartyOrg


def members_for(user):
    return Member.objects.visible_to(user)


def members_revealable_to(user):
    """The members whose personal data ``user`` may open in full: the rule of
    ``permissions.can_reveal`` (a personal-data role over the organization, its area or the
    residence) as a queryset, for the look-up by phone or ID number."""
    return Member.objects.granted(
        user,
        InArea("residence", PERSONAL_DATA_ROLES), InArea("organization__area", PERSONAL_DATA_ROLES),
        InOrg("organization", PERSONAL_DATA_ROLES),
    )


def id_number_holders(user, digests, *, exclude_pk=None) -> dict:
    """``{ID-number hash: (pk, name) of the member holding it}`` for the hashes already
    registered — ``None`` instead of ``(pk, name)`` when that member is outside what ``user`` may
    see.  One query whichever it is (the visibility is an ``EXISTS`` of the same statement), so
    neither the time nor the status of the answer tells which subtree holds the number.
    ``user=None`` is the system (sees every member)."""
    digests = [d for d in digests if d]
    if not digests:
        return {}
    rows = Member.objects.filter(id_number_hash__in=digests)
    if exclude_pk is not None:
        rows = rows.exclude(pk=exclude_pk)
    seen = (
        Value(True, output_field=BooleanField()) if user is None
        else Exists(Member.objects.visible_to(user).filter(pk=OuterRef("pk")))
    )
    return {
        digest: (pk, name) if visible else None
        for digest, pk, name, visible in rows.annotate(seen=seen).values_list("id_number_hash", "pk", "name", "seen")
    }


def central_households_for(user):
    return CentralHousehold.objects.visible_to(user)


def _per_node_count(nodes, members, link: str) -> tuple[str, list]:
    """SQL for the ``SUM`` over ``nodes`` of the number of ``members`` whose ``link`` is that
    node: a correlated count per node, which PostgreSQL answers by probing the members' index
    on ``link`` once per node of the subtree instead of scanning every member of the province."""
    per_node = (
        members.filter(**{link: OuterRef("pk")}).order_by().values(link)
        .annotate(n=Count("pk")).values("n")
    )
    rows = nodes.order_by().annotate(n=Coalesce(Subquery(per_node, output_field=IntegerField()), Value(0))).values("n")
    sql, params = rows.query.sql_with_params()
    return f"(SELECT COALESCE(SUM(n), 0) FROM ({sql}) part)", list(params)


def _count_sql(members) -> tuple[str, list]:
    sql, params = members.values("pk").query.sql_with_params()
    return f"(SELECT COUNT(*) FROM ({sql}) part)", list(params)


def _any(qs) -> Q:
    return reduce(or_, qs, NOTHING)


def roster_count(user, filters=None) -> int:
    """How many members ``members_for(user).filter(filters)`` holds — the same number — in one
    query that PostgreSQL answers from indexes.

    ``Member.visible_to`` is an OR of range tests over two joins (residence, organization's
    area) plus the user's own record; counting it makes PostgreSQL join and test every member
    of the province.  Here the visible set is split into disjoint parts, each a ``COUNT``:

        for each granted area (the outermost ones): residing in it  +  in an organization
        anchored in it but residing in no granted area  +  in a granted organization and
        neither  +  the user's own record if in none of these

    A granted city, district, street or community is an equality on the members' derived
    ``res_*``/``org_*`` columns (``organizations.members.places``), counted from an index alone; a
    deeper one (a compound, a building) is a small subtree.  Granted organizations are summed
    per organization (``_per_node_count``: index probes)."""
    sql, params = _roster_count_sql(user, filters)
    if sql is None:
        return 0
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + sql, params)
        return int(cursor.fetchone()[0])


def roster_counts(user, filters: dict) -> dict:
    """``{key: roster_count(user, q)}`` for each ``key: q`` of ``filters``, in ONE query (the
    sums of ``roster_count`` side by side): a list's total and its figures by state together."""
    sqls, params, keys = [], [], []
    for key, q in filters.items():
        sql, part_params = _roster_count_sql(user, q)
        sqls.append(sql if sql is not None else "0")
        params += part_params if sql is not None else []
        keys.append(key)
    if not keys:
        return {}
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(f"({sql})" for sql in sqls), params)
        row = cursor.fetchone()
    return {key: int(value) for key, value in zip(keys, row, strict=True)}


def _roster_count_sql(user, filters) -> tuple:
    """The SQL expression (and its params) of ``roster_count``; ``(None, [])`` when the user
    sees nothing of it.  A global user's count is one plain ``COUNT``."""
    base = Member.objects.filter(filters if filters is not None else Q()).order_by()
    scope = get_scope(user)
    if scope.is_global:
        try:
            return _count_sql(base)
        except EmptyResultSet:
            return None, []
    areas = trees.outermost(scope.areas_for(ROSTER_ROLES))
    orgs = scope.orgs_for(ROSTER_ROLES)
    resides = _any(places.residing_q(r) for r in areas)
    anchored = _any(places.anchored_q(r) for r in areas)
    parts = [lambda r=r: _count_sql(base.filter(places.residing_q(r))) for r in areas]
    parts += [lambda r=r: _count_sql(base.filter(places.anchored_q(r)).exclude(resides)) for r in areas]
    taken = resides | anchored
    if orgs:
        outside = base.exclude(taken)
        parts.append(lambda: _per_node_count(PartyOrg.objects.filter(trees.ranges_q(orgs)), outside, "organization_id"))
        taken |= Q(organization_id__in=PartyOrg.objects.filter(trees.ranges_q(orgs)).values("pk"))
    if user.is_authenticated:
        own = base.filter(user_id=user.pk).exclude(taken)
        parts.append(lambda: _count_sql(own))
    sqls, params = [], []
    for part in parts:
        try:
            sql, part_params = part()
        except EmptyResultSet:  # this part holds nothing (e.g. an area filter out of scope)
            continue
        sqls.append(sql)
        params += part_params
    if not sqls:
        return None, []
    return " + ".join(sqls), params
