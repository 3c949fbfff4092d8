"""Reads of designations: the user's rows, current counts per area (one grouped query over
the places' positions, folded onto the areas in memory), an organization's current
designations and the dashboard tiles."""
from __future__ import annotations

from collections import Counter, defaultdict

from django.db.models import Count
from django.urls import reverse
from django.utils import timezone

from dangjian import trees
from dangjian.scoping import InArea, InOrg
from network.designations.choices import SITE_KINDS, STARS, DesignationKind
from network.designations.models import Designation, current_q
from network.designations.permissions import READ_ROLES


def designations_for(user):
    """The designations of the staff pages: those of the user's granted subtree (managing roles)."""
    return Designation.objects.granted(user, InArea("place", READ_ROLES), InOrg("org", READ_ROLES))


def api_designations_for(user):
    return Designation.objects.visible_to(user)


def _by_position(rows_qs, *fields):
    """``(position, *fields, n)`` of current designations grouped by their place's position."""
    return rows_qs.order_by().values_list(*trees.position_fields("place"), *fields).annotate(n=Count("pk"))


def current_counts(areas, today=None, *, by_kind=False, within=None) -> dict:
    """Current designations in the subtree of each of ``areas`` (nodes that do not nest, e.g.
    the children of one area): ``{area pk: n}`` (``by_kind``: ``{area pk: Counter(kind)}``) —
    one grouped query, folded onto the areas by ``trees.Locator``.  ``within``: the areas are
    the children of this one (its subtree is read instead of one range per child)."""
    areas = list(areas)
    if not areas:
        return {}
    locator = trees.Locator((trees.span(a), a.pk) for a in areas)
    inside = trees.subtree_q(within, "place", include_self=False) if within is not None else trees.ranges_q(areas, "place")
    rows = Designation.objects.filter(current_q(today or timezone.localdate()), inside)
    out = defaultdict(Counter) if by_kind else defaultdict(int)
    for tree, start, *rest in _by_position(rows, *(("kind",) if by_kind else ())):
        pk = locator.find(trees.Span(tree, start, start))
        if pk is None:
            continue
        if by_kind:
            kind, n = rest
            out[pk][kind] += n
        else:
            out[pk] += rest[-1]
    return dict(out)


def org_current(org, today=None):
    """An organization's current designations (one query)."""
    return list(Designation.objects.filter(current_q(today or timezone.localdate()), org=org).order_by("-granted_on", "pk"))


def area_tiles(user, area) -> list[dict]:
    """The dashboard's tiles for ``area``: current demonstration branches, star-rated branches
    by stars and other demonstration sites in its subtree (those the user may see) — one
    grouped query."""
    today = timezone.localdate()
    rows = (
        designations_for(user).filter(current_q(today), trees.subtree_q(area, "place"))
        .order_by().values_list("kind", "stars").annotate(n=Count("pk"))
    )
    kinds, stars = Counter(), Counter()
    for kind, star, n in rows:
        kinds[kind] += n
        if kind == DesignationKind.STAR_BRANCH:
            stars[star] += n
    base = f"{reverse('designations:list')}?area={area.pk}"
    star_note = " · ".join(f"{s}星 {stars[s]}" for s in reversed(STARS) if stars[s])
    return [
        {"label": "示范党支部", "value": str(kinds[DesignationKind.DEMO_BRANCH]),
         "url": f"{base}&kind={DesignationKind.DEMO_BRANCH}", "note": ""},
        {"label": "星级党支部", "value": str(kinds[DesignationKind.STAR_BRANCH]),
         "url": f"{base}&kind={DesignationKind.STAR_BRANCH}", "note": star_note},
        {"label": "示范点", "value": str(sum(kinds[k] for k in SITE_KINDS)),
         "url": f"{base}&sites=on", "note": "示范社区、示范党群服务中心等"},
    ]


def pickable_centres(user):
    """The centres a grant form offers (``designations:pick_centres``): active ones of the user's subtree."""
    from network.centres import selectors as centres_selectors

    return centres_selectors.centres_for(user).filter(is_active=True).select_related("area").order_by(
        *trees.tree_order("area"), "name")


def state_q(state, today=None):
    """Rows in one ``DesignationState``."""
    from django.db.models import Q

    today = today or timezone.localdate()
    if state == "current":
        return current_q(today)
    if state == "pending":
        return Q(revoked_on__isnull=True, granted_on__gt=today)
    if state == "expired":
        return Q(revoked_on__isnull=True, granted_on__lte=today, valid_until__lt=today)
    if state == "revoked":
        return Q(revoked_on__isnull=False)
    return Q()
