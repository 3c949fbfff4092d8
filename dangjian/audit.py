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
