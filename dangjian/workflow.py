from dataclasses import dataclass

from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext as _

from dangjian.audit import record
from dangjian.errors import TransitionError


def _apply(instance, fields: dict):
    for name, value in fields.items():
        setattr(instance, name, value)


def _changed(instance, fields: dict) -> dict:
    out = {}
    for name, value in fields.items():
        old = getattr(instance, name)
        if old != value:
            out[name] = [str(old) if old is not None else None, str(value) if value is not None else None]
    return out


# ------------------------------------------------------------------------ transitions
@dataclass(frozen=True)
class Step:
    """The change ``transition`` made to an object that keeps no status history (no
    ``make_event``), in place of the event row it writes for the others."""

    from_status: str
    to_status: str


def transition(obj_model, pk, to_status, table, *, actor, note="", allowed_from=None, refusal=None,
               check=None, **changes):
    """Lock, check, record: change ``obj_model`` row ``pk`` to ``to_status``.

    ``table`` maps a status to the statuses it may change to; ``allowed_from`` narrows the
    start statuses for one use case (e.g. publish vs. release, both ending in "published").
    ``refusal(current)`` gives the message of a refused change; ``check(locked_obj)`` runs
    after the status check on the locked row (claimant checks, etc.) and may raise.
    ``changes`` are field values written with the status.  Returns ``(obj, event)``: the
    event row written (``obj.make_event(...)``), or a ``Step`` for a model without history.
    A missing row is ``Http404``; a refused change ``TransitionError``.
    """
    with transaction.atomic():
        try:
            obj = obj_model.objects.select_for_update().get(pk=pk)
        except obj_model.DoesNotExist:
            raise Http404 from None
        event = transition_locked(obj, to_status, table, actor=actor, note=note, allowed_from=allowed_from,
                                  refusal=refusal, check=check, **changes)
    return obj, event


def transition_locked(obj, to_status, table, *, actor, note="", allowed_from=None, refusal=None, check=None,
                      **changes):
    """``transition`` for a row the caller has already locked (``select_for_update`` in the
    transaction it is still in): check the status, write the change, record the event.

    For a status change that follows another write under the same locks — a whistle's
    status following its targets, an item of a locked checklist — where taking the row
    again would break the lock order.  Returns the event (or ``Step``)."""
    if not transaction.get_connection().in_atomic_block:
        raise transaction.TransactionManagementError("transition_locked needs the row locked in a transaction")
    current = obj.status
    allowed = to_status in table.get(current, ())
    if allowed_from is not None:
        allowed = allowed and current in allowed_from
    if not allowed:
        if refusal is not None:
            message = refusal(current)
        else:
            message = _("当前状态为“%(now)s”，不能改为“%(to)s”。") % {
                "now": _status_label(obj, current), "to": _status_label(obj, to_status)}
        raise TransitionError(message, code="transition")
    if check is not None:
        check(obj)
    for name, value in changes.items():
        setattr(obj, name, value)
    obj.status = to_status
    fields = ["status", *changes]
    if any(f.name == "updated_at" for f in obj._meta.concrete_fields):
        fields.append("updated_at")
    obj.save(update_fields=fields)
    make_event = getattr(obj, "make_event", None)
    if make_event is None:
        return Step(from_status=current, to_status=to_status)
    event = make_event(actor=actor, from_status=current, to_status=to_status, note=note)
    event.save()
    return event


def _status_label(obj, status):
    field = obj._meta.get_field("status")
    return dict(field.flatchoices).get(status, status)


def action_refusal(verb, *, known, statuses, verbs, otherwise):
    """The ``refusal`` of use case ``verb``: the ``known`` message of (verb, current status)
    if there is one, else ``otherwise`` (with ``now`` and ``verb``: the status and verb labels)."""
    def message(current):
        found = known.get((verb, current))
        if found is not None:
            return str(found)
        return str(otherwise) % {"now": statuses(current).label, "verb": verbs(verb).label}
    return message


def action_transition(model, verb, obj, *, actions, table, refusal, audit, actor, note="", check=None, **changes):
    """``transition`` of use case ``verb`` (``actions[verb]``: its start statuses and its end
    status), with the audit event ``<audit>.<verb>`` in the same transaction."""
    starts, to_status = actions[verb]
    with transaction.atomic():
        locked, event = transition(
            model, obj.pk, to_status, table, actor=actor, note=note, allowed_from=starts,
            refusal=refusal, check=check, **changes,
        )
        record(actor, f"{audit}.{verb}", locked, {"from": event.from_status, "to": to_status})
    return locked


def transitions_from(actions, statuses) -> dict:
    """The from → to table implied by an action table (so the two cannot disagree)."""
    table = {status: set() for status in statuses}
    for starts, to in actions.values():
        for status in starts:
            table[status].add(to)
    return {status: frozenset(to) for status, to in table.items()}
