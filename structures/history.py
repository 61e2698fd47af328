"""Manager actions history: every change a manager makes is written here, in the same
transaction as the change."""

from __future__ import annotations

from structures.models import ManagerAction, Structure


def log_action(
    structure: Structure, *, actor, action: str, target_user=None, details: str = ""
) -> ManagerAction:
    return ManagerAction.objects.create(
        structure=structure,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action,
        target_user=target_user,
        details=details[:500],
    )
