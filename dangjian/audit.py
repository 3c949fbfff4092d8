"""Audit trail: every action records who did what to which object."""
from dangjian.models import AuditEvent


def record(actor, verb: str, target, changes: dict | None = None) -> AuditEvent:
    return AuditEvent.objects.create(
        actor=actor if actor is not None and getattr(actor, "is_authenticated", False) else None,
        verb=verb,
        target_type=target._meta.label_lower,
        target_id=str(target.pk),
        target_repr=str(target)[:200],
        changes=changes or {},
    )


def apply_fields(instance, fields: dict) -> None:
    """Set ``fields`` on ``instance`` (the caller saves)."""
    for name, value in fields.items():
        setattr(instance, name, value)


def changed_fields(instance, fields: dict) -> dict:
    """The ``changes`` an audit event records: ``{name: [old, new]}`` for each field whose
    value differs, as text."""
    out = {}
    for name, value in fields.items():
        old = getattr(instance, name)
        if old != value:
            out[name] = [str(old) if old is not None else None, str(value) if value is not None else None]
    return out
