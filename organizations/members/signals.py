"""Events of a member's record that other features follow.

``member_moved`` is sent by every action that changes a member's organization (a transfer
accepted, an edit of the record), inside its transaction, after the change is written:
``sender`` is ``Member``, with ``member``, ``from_org_id``, ``to_org_id`` and ``actor``.
A receiver writes what follows the member (a probationary member's development record goes
with them) in the same transaction; it never sends a message itself (``transaction.on_commit``).
"""
from django.dispatch import Signal

member_moved = Signal()
