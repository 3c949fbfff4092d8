"""Reads of 组织关系转接, already scoped to the user (``Transfer.visible_to``)."""
from django.db.models import Case, IntegerField, Q, Value, When

from dangjian.scoping import InArea, InOrg, get_scope
from dangjian.trees import NOTHING
from organizations.orgs.choices import OrgKind
from organizations.orgs.models import PartyOrg
from organizations.transfers.choices import TRANSFER_ROLES, TransferKind, TransferStatus
from organizations.transfers.models import IntroductionLetter, Transfer, _org_side_q

DESTINATION_KINDS = (OrgKind.BRANCH, OrgKind.GENERAL_BRANCH)

LIST_RELATED = ("member", "from_org", "to_org")


def destination_orgs():
    """Every branch of the tree a member may be transferred to (or keep as a 流动党员's contact
    branch): the picker lists them all, by name and superior only — no member, no figure."""
    return PartyOrg.objects.filter(kind__in=DESTINATION_KINDS)


def pickable_destinations():
    return destination_orgs().select_related("parent").order_by("name", "pk")


def receiving_orgs(user):
    """The branches the user manages, where an incoming member may be registered."""
    return destination_orgs().granted(user, InOrg("", TRANSFER_ROLES), InArea("area", TRANSFER_ROLES))


def destination_label(org) -> str:
    """An organization as the destination picker shows it: its name and its superior's."""
    return f"{org.name}（{org.parent.name}）" if org.parent_id else org.name


def transfers_for(user):
    return Transfer.objects.visible_to(user)


def _side(user, path):
    scope = get_scope(user)
    if scope.is_global:
        return Q(**{f"{path}__isnull": False})
    if scope.user_id is None:
        return NOTHING
    return _org_side_q(scope, path)


def outgoing(user):
    """Transfers whose sending organization the user manages."""
    return transfers_for(user).filter(_side(user, "from_org"))


def incoming(user):
    """Transfers whose receiving organization the user manages."""
    return transfers_for(user).filter(_side(user, "to_org"))


def open_first(rows):
    """Pending (the overdue first: the earliest due) before the answered, newest first."""
    return rows.annotate(
        _open=Case(When(status=TransferStatus.PENDING, then=Value(0)), default=Value(1), output_field=IntegerField())
    ).order_by("_open", "due_on", "-started_at", "-pk")


def filter_transfers(rows, *, q="", status="", kind="", overdue=False, today=None):
    if q:
        rows = rows.filter(Q(member__name__icontains=q) | Q(letter__number__icontains=q))
    if status:
        rows = rows.filter(status=status)
    if kind:
        rows = rows.filter(kind=kind)
    if overdue and today is not None:
        rows = rows.filter(status=TransferStatus.PENDING, due_on__lt=today)
    return rows


def incoming_waiting(user):
    """Transfers within the portal waiting for the user's answer (the home page's queue)."""
    return incoming(user).filter(kind=TransferKind.WITHIN, status=TransferStatus.PENDING)


def member_history(user, member):
    return transfers_for(user).filter(member=member).select_related(*LIST_RELATED, "letter").order_by("-started_at", "-pk")


def transfer_detail(user, pk):
    return (
        transfers_for(user).select_related("member__organization", "from_org__area", "to_org__area", "started_by",
                                           "answered_by", "letter__issuer")
        .filter(pk=pk).first()
    )


def transfer_events(transfer):
    return list(transfer.events.select_related("actor").order_by("at", "pk"))


def letters_for(user):
    return IntroductionLetter.objects.visible_to(user)


def manages_any(user) -> bool:
    return get_scope(user).has_role(*TRANSFER_ROLES)
