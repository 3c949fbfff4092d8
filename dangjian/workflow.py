"""Workflows: transition tables, lock-check-record, and the steps a user may take.

* ``transitions_from(actions, statuses)`` builds a model's table from its use cases
  (``verb → (start statuses, end status)``); ``Workflow`` bundles the two with the
  feature's permission rules, declared once in the feature's choices.py.
* ``transition`` (and ``transition_locked``, for a row already locked) takes the row with
  ``select_for_update()``, re-checks its status against the table, writes the change and
  records one event row (``obj.make_event``, a ``dangjian.models.StatusEvent``); a refused
  change raises ``dangjian.errors.TransitionError`` (409).  ``action_transition`` adds the
  refusal messages of a use case and the audit event.
* ``available_transitions(obj, user)`` gives the steps the status allows and the user may
  take, for the buttons of pages and the API.
"""
from dataclasses import dataclass

from django.db import transaction
from django.http import Http404
from django.utils.functional import cached_property
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from dangjian.audit import record
from dangjian.errors import TransitionError


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

    For a status change made under locks the caller already holds, in its lock order — a
    whistle's status following its targets, an item of a locked checklist — so the row is
    neither read nor locked twice.  Returns the event (or ``Step``)."""
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
    """The from → to table implied by an action table (so the two cannot disagree): the one
    way a transition table is built."""
    table = {status: set() for status in statuses}
    for starts, to in actions.values():
        for status in starts:
            table[status].add(to)
    return {status: frozenset(to) for status, to in table.items()}


# ------------------------------------------------------------------ workflows and buttons
class Workflow:
    """The use cases of a model's ``status``, declared once in its feature's choices.py.

    ``actions`` maps each use case (verb) to ``(start statuses, end status)``; ``table`` is
    built from them (``transitions_from``).  ``rules`` is the dotted path of the feature's
    ``{verb: may(user, obj)}`` in its permissions module, read when first needed (choices.py
    cannot import permissions); a verb without a rule is the system's own (a whistle
    following its targets) and is never offered to a user.  The model names its workflow
    in a ``workflow`` class attribute."""

    def __init__(self, statuses, actions, *, rules):
        self.statuses = statuses
        self.actions = dict(actions)
        self.table = transitions_from(self.actions, statuses)
        self.rules_path = rules

    @cached_property
    def rules(self) -> dict:
        return import_string(self.rules_path)

    def verbs_from(self, status) -> list:
        """The verbs ``status`` allows, whoever asks (in the order of ``actions``)."""
        return [verb for verb, (starts, _to) in self.actions.items() if status in starts]


def anyone(user, obj) -> bool:
    """The rule of a step open to whoever reaches the object (a resident rating by code)."""
    return True


def available_transitions(obj, user, *, settled=None) -> frozenset:
    """The steps (verbs of ``type(obj).workflow``) ``user`` may take on ``obj`` now: those the
    object's status allows and the feature's rule grants — what decides the buttons of the
    pages and the API; the action checks the same again on the locked row.  Each distinct
    rule is asked once.

    ``settled``: for a list whose selector already holds only rows the user answers for (my
    tasks, my claims), the verbs it settles; only those are considered, by status alone, so
    the list asks no rule per row."""
    workflow = type(obj).workflow
    verbs = workflow.verbs_from(obj.status)
    if settled is not None:
        return frozenset(verb for verb in verbs if verb in settled)
    rules, answers, out = workflow.rules, {}, set()
    for verb in verbs:
        rule = rules.get(verb)
        if rule is None:
            continue
        if rule not in answers:
            answers[rule] = bool(rule(user, obj))
        if answers[rule]:
            out.add(verb)
    return frozenset(out)
