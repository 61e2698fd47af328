"""Manager actions history: every change a manager makes is written here, in the same
transaction as the change; `details_label` turns the stored details into words."""

from __future__ import annotations

from django.core.exceptions import FieldDoesNotExist
from django.utils.translation import gettext as _

from portal import areas
from portal.areas import Mode
from structures.enums import IdentifierType, ManagerActionCode, Role
from structures.models import ManagerAction, Structure

_AREA_ACTIONS = (ManagerActionCode.AREA_OPENED, ManagerActionCode.AREA_CLOSED)
_REQUEST_ACTIONS = (ManagerActionCode.SUBSCRIPTION_APPROVED, ManagerActionCode.SUBSCRIPTION_REFUSED)


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


def _area(code: str) -> str:
    area = areas.BY_CODE.get(code)
    return str(area.label) if area else code


def _mode(value: str) -> str:
    try:
        return str(areas.MODE_LABELS[Mode(value)])
    except ValueError:
        return value


# Stored by SERVICES_CHANGED when the user is given the whole structure; older rows hold
# the words themselves, in the language of the manager who did it.
WHOLE_STRUCTURE = "*"
_WHOLE_STRUCTURE_STORED = {WHOLE_STRUCTURE, "", "Toute la structure", "Whole structure"}


def _field(name: str) -> str:
    try:
        return str(Structure._meta.get_field(name).verbose_name)
    except FieldDoesNotExist:
        return name


def details_label(action: ManagerAction) -> str:
    """The "Détails" column in the reader's language: role names and area labels, never the
    codes stored (role value, area code, `code (mode)`, `code=mode, ...`)."""
    details = action.details
    if action.action == ManagerActionCode.USER_ATTACHED and details in Role.values:
        return str(Role(details).label)
    if action.action in _AREA_ACTIONS:
        return _area(details)
    if action.action in _REQUEST_ACTIONS and details:
        code, _space, rest = details.partition(" ")
        mode, _paren, comment = rest.partition(")")
        if mode.startswith("("):
            words = f"{_area(code)} ({_mode(mode[1:])})"
            return f"{words} {comment.strip()}".strip()
    if action.action == ManagerActionCode.SUBSCRIPTIONS_CHANGED:
        parts = []
        for change in details.split(", "):
            code, _equals, mode = change.partition("=")
            parts.append(f"{_area(code)} : {_mode(mode) if mode != '-' else '—'}")
        return ", ".join(parts)
    if action.action == ManagerActionCode.SERVICES_CHANGED and details in _WHOLE_STRUCTURE_STORED:
        return _("Toute la structure")
    if action.action == ManagerActionCode.STRUCTURE_UPDATED and details:
        return ", ".join(_field(name) for name in details.split(", "))
    if action.action == ManagerActionCode.STRUCTURE_CREATED:
        kind, _space, identifier = details.partition(" ")
        if kind in IdentifierType.values:
            return f"{IdentifierType(kind).label} {identifier}".strip()
    return details
