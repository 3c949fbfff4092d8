"""Who may do what with 组织关系转接 and a member's contact state.

* **The sending side** — a managing role (``TRANSFER_ROLES``) whose grant covers the
  member's organization: starts a transfer (within the portal, or out of it with a letter),
  cancels it while nobody has answered, records the 回执 of a letter, prints the letter.
* **The receiving side** — a managing role covering the transfer's ``to_org``: accepts or
  returns (with a reason) a transfer within the portal; registers an incoming member from an
  outside letter into a branch it manages.
* Either side sees the transfer (``Transfer.visible_to``); a member sees their own; out of
  scope is a 404 (the helpers here answer in-scope questions only).

Every rule reads the request's cached scope (no query); ``org.area`` must be loaded.
"""
from dangjian.scoping import get_scope
from organizations.members.permissions import has_member_record
from organizations.transfers.choices import TRANSFER_ROLES, TransferAction, TransferKind


def _manages(user, org) -> bool:
    return org is not None and get_scope(user).covers_org(org, TRANSFER_ROLES)


def can_work_on_transfers(user) -> bool:
    """May open the transfer lists (a branch cadre somewhere)."""
    return get_scope(user).has_role(*TRANSFER_ROLES)


def can_open_transfer_pages(user) -> bool:
    """May open a transfer's page or a member's transfer history: a cadre, or a member (their own)."""
    return can_work_on_transfers(user) or has_member_record(user)


def can_start_for(user, member) -> bool:
    """Start a transfer of ``member`` (``member.organization.area`` loaded)."""
    return _manages(user, member.organization)


def can_set_state(user, member) -> bool:
    """Mark the member lost/流动 or clear it (the cadres of their organization)."""
    return _manages(user, member.organization)


def can_register_incoming(user) -> bool:
    return can_work_on_transfers(user)


def is_sender(user, transfer) -> bool:
    return _manages(user, transfer.from_org)


def is_receiver(user, transfer) -> bool:
    return _manages(user, transfer.to_org)


def can_answer(user, transfer) -> bool:
    """Accept or return: a transfer within the portal, by the receiving branch's cadres."""
    return transfer.kind == TransferKind.WITHIN and is_receiver(user, transfer)


def can_cancel(user, transfer) -> bool:
    """Cancel: the sender (a transfer within the portal or a letter out of it)."""
    return transfer.kind in (TransferKind.WITHIN, TransferKind.OUT) and is_sender(user, transfer)


def can_record_receipt(user, transfer) -> bool:
    """Record the 回执 of a letter out of the portal: the sender."""
    return transfer.kind == TransferKind.OUT and is_sender(user, transfer)


def can_print_letter(user, transfer) -> bool:
    return is_sender(user, transfer) or is_receiver(user, transfer)


# Who may take each step (``dangjian.workflow.available_transitions``).
TRANSFER_RULES = {
    TransferAction.ACCEPT: can_answer,
    TransferAction.RETURN: can_answer,
    TransferAction.CANCEL: can_cancel,
    TransferAction.RECEIPT: can_record_receipt,
}
