"""The one access layer (ARCHITECTURE rule 2).

Roles live on `Membership`. Area subscriptions are guardian object permissions on
`Structure` (direct-FK models, one permission per area and mode), granted and revoked
only here. Every check a view, a form or the API needs is a function of this module.

Semantics:
- HOME and ACCOUNT are always there; REQUESTS_SENT / REQUESTS_RECEIVED for every attached
  user (AREA-1); MANAGER for main and secondary managers.
- Managers hold every area opened on the structures they manage, in modification mode (ROL-5).
- Other users hold an area on a structure when the area is open there and they have the
  permission for it; the modification permission implies consultation.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import wraps

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from portal import areas
from portal.areas import Mode
from structures.enums import Role
from structures.holdings import (
    AREA_BY_CODENAME,
    MEMBERSHIPS_ATTR,
    ROLE_AREAS,
    TECHNICAL_SENTINEL,
    cached_scopes,
    holdings_of,
    service_scopes_of,
    technical_holdings,
    technical_statement,
    user_rows,
)
from structures.models import Membership, OpenedArea, Structure, StructureUserObjectPermission

__all__ = [  # re-exported
    "AREA_BY_CODENAME",
    "ROLE_AREAS",
    "TECHNICAL_SENTINEL",
    "holdings_of",
    "service_scopes_of",
    "technical_statement",
]
_CACHE_ATTR = "_structures_access_cache"

# --- Roles ---------------------------------------------------------------------------


def membership_of(user, structure: Structure | int) -> Membership | None:
    if not user.is_authenticated:
        return None
    return Membership.objects.of(user).on(structure).select_related("structure").first()


def member_structures(user) -> QuerySet[Structure]:
    if not user.is_authenticated:
        return Structure.objects.none()
    return Structure.objects.filter(pk__in=Membership.objects.of(user).values("structure"))


def managed_structures(user) -> QuerySet[Structure]:
    if not user.is_authenticated:
        return Structure.objects.none()
    return Structure.objects.filter(
        pk__in=Membership.objects.of(user).managers().values("structure")
    )


def is_manager(user, structure: Structure | int) -> bool:
    return managed_structures(user).filter(pk=getattr(structure, "pk", structure)).exists()


def is_main_manager(user, structure: Structure | int) -> bool:
    return Membership.objects.of(user).on(structure).main_managers().exists()


def require_manager(actor, structure: Structure | int) -> None:
    """The guard of every manager use case: PermissionDenied unless `actor` manages it."""
    if actor is None or not actor.is_authenticated or not is_manager(actor, structure):
        raise PermissionDenied(_("Vous n'êtes pas gestionnaire de cette structure."))


def require_main_manager(actor, structure: Structure | int) -> None:
    if actor is None or not actor.is_authenticated or not is_main_manager(actor, structure):
        raise PermissionDenied(_("Seul le gestionnaire principal de la structure peut le faire."))


def get_managed_structure_or_404(user, pk: int) -> Structure:
    """A structure the user manages; any other id (foreign or unknown) is a 404."""
    return get_object_or_404(managed_structures(user), pk=pk)


def managers_of(structure: Structure | int) -> QuerySet:
    """Active accounts managing `structure` (main and secondary): notification targets."""
    managing = Membership.objects.on(structure).active().managers().values("user")
    return get_user_model().objects.filter(pk__in=managing)


def detach_allowed(membership: Membership, *, by_main_manager: bool) -> bool:
    """LNK-5: the main manager is never detached (the role is transferred first); only the
    main manager detaches a secondary manager; any manager detaches a simple user."""
    if membership.role == Role.MAIN_MANAGER:
        return False
    return by_main_manager or membership.role == Role.USER


def role_change_allowed(membership: Membership, *, by_main_manager: bool) -> bool:
    """ROL-2: only the main manager appoints or removes secondary managers; the main role
    itself moves only by a transfer (ROL-3)."""
    return by_main_manager and membership.role != Role.MAIN_MANAGER


def can_detach(actor, membership: Membership) -> bool:
    structure_id = membership.structure_id
    return is_manager(actor, structure_id) and detach_allowed(
        membership, by_main_manager=is_main_manager(actor, structure_id)
    )


def is_support(user) -> bool:
    return user.is_authenticated and (
        user.is_superuser or user.groups.filter(name="Support").exists()
    )


def in_support_group():
    """An expression telling, for users in bulk, who is in the "Support" group (with
    `is_superuser`, what `is_support` tells of one user)."""
    return Exists(
        get_user_model().groups.through.objects.filter(
            user_id=OuterRef("pk"), group__name="Support"
        )
    )


# --- Areas on structures -------------------------------------------------------------


def opened_area_codes(structure: Structure) -> set[str]:
    codes = set(OpenedArea.objects.filter(structure=structure).values_list("area", flat=True))
    codes.update(area.code for area in areas.AREAS if area.always_open)
    return codes


def is_area_open(structure: Structure, code: str) -> bool:
    if areas.get(code).always_open:
        return True
    return OpenedArea.objects.filter(structure=structure, area=code).exists()


def opened_among(structures: Iterable[Structure], code: str) -> set[int]:
    """The pks of `structures` on which the area is open (`is_area_open` of many, 1 query)."""
    structures = list(structures)
    if areas.get(code).always_open:
        return {structure.pk for structure in structures}
    return set(
        OpenedArea.objects.filter(structure__in=structures, area=code).values_list(
            "structure_id", flat=True
        )
    )


def _permission(code: str, mode: Mode | str) -> Permission:
    return Permission.objects.get(
        content_type__app_label="structures",
        codename=areas.get(code).codename(mode),
    )


def _forget(user) -> None:
    for attr in (_CACHE_ATTR, MEMBERSHIPS_ATTR):
        if hasattr(user, attr):
            delattr(user, attr)


@transaction.atomic
def open_area(structure: Structure, code: str, *, actor) -> OpenedArea:
    area = areas.get(code)
    if not area.subscribable:
        raise ValidationError(_("Cet espace ne s'ouvre pas sur une structure."))
    opened, _created = OpenedArea.objects.get_or_create(
        structure=structure, area=code, defaults={"opened_by": actor}
    )
    return opened


@transaction.atomic
def close_area(structure: Structure, code: str, *, actor) -> None:
    """AREA-9: closing an area removes every subscription to it."""
    area = areas.get(code)
    if area.always_open:
        raise ValidationError(_("Cet espace est ouvert sur toutes les structures."))
    OpenedArea.objects.filter(structure=structure, area=code).delete()
    StructureUserObjectPermission.objects.filter(
        content_object=structure,
        permission__codename__in=[area.codename(mode) for mode in Mode],
    ).delete()


@transaction.atomic
def grant_area(user, structure: Structure, code: str, mode: Mode | str, *, actor) -> None:
    """Subscribe `user` to area `code` of `structure` in `mode` (replacing another mode)."""
    area = areas.get(code)
    if not area.subscribable:
        raise ValidationError(_("On ne s'abonne pas à cet espace."))
    if not is_area_open(structure, code):
        raise ValidationError(_("L'espace n'est pas ouvert sur cette structure."))
    if not Membership.objects.of(user).on(structure).exists():
        raise ValidationError(_("L'utilisateur n'est pas rattaché à cette structure."))
    revoke_area(user, structure, code, actor=actor)
    StructureUserObjectPermission.objects.create(
        user=user, content_object=structure, permission=_permission(code, mode)
    )
    _forget(user)


@transaction.atomic
def revoke_area(user, structure: Structure, code: str, *, actor) -> None:
    area = areas.get(code)
    StructureUserObjectPermission.objects.filter(
        user=user,
        content_object=structure,
        permission__codename__in=[area.codename(m) for m in Mode],
    ).delete()
    _forget(user)


def revoke_all(user, structure: Structure) -> None:
    """LNK-5: detaching removes every area of that structure at once."""
    StructureUserObjectPermission.objects.filter(user=user, content_object=structure).delete()
    _forget(user)


def grant_default_areas(user, structure: Structure, *, actor) -> None:
    """AREA-1: users of a public structure get ISSUED and RECEIVED by default."""
    if structure.is_public:
        for area in areas.AREAS:
            if area.default_public:
                if not area.always_open:
                    open_area(structure, area.code, actor=actor)
                grant_area(user, structure, area.code, Mode.CHANGE, actor=actor)


# --- What a user holds ---------------------------------------------------------------


def _holdings(user) -> dict[int, dict[str, Mode]]:
    """{structure_id: {area_code: mode}} of the user, cached on it for the request (AREA-8)."""
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is not None:
        return cached
    if user.is_authenticated:
        holdings = holdings_of([user], rows=user_rows(user)).get(user.pk, {})
    else:
        holdings = {}
    setattr(user, _CACHE_ATTR, holdings)
    return holdings


def load_technical_scope(user, rows: list[tuple] | None = None) -> bool:
    """Read a technical account's holdings in one query (or from `rows`, already read:
    `holdings.technical_statement`) and keep them on it for the request (as `_holdings`
    does); True when it manages an active structure (TEC-9)."""
    holdings, active_managed = technical_holdings(user, rows)
    setattr(user, _CACHE_ATTR, holdings)
    return active_managed


def area_mode(user, structure: Structure | int, code: str) -> Mode | None:
    """The mode in which `user` holds area `code` on `structure`, or None."""
    return _holdings(user).get(getattr(structure, "pk", structure), {}).get(code)


def areas_held(user, structure: Structure | int) -> dict[str, Mode]:
    """{area_code: mode} held by `user` on `structure` (roles and subscriptions)."""
    return dict(_holdings(user).get(getattr(structure, "pk", structure), {}))


def has_area(user, structure: Structure | int, code: str, mode: Mode | str = Mode.VIEW) -> bool:
    held = area_mode(user, structure, code)
    if held is None:
        return False
    return Mode(mode) == Mode.VIEW or held == Mode.CHANGE


def area_codes_of(user) -> set[str]:
    codes: set[str] = set()
    for held in _holdings(user).values():
        codes.update(held)
    return codes


def structure_ids_with_area(user, code: str, mode: Mode | str = Mode.VIEW) -> list[int]:
    return [sid for sid in _holdings(user) if has_area(user, sid, code, mode)]


def structures_with_area(user, code: str, mode: Mode | str = Mode.VIEW) -> QuerySet[Structure]:
    return Structure.objects.filter(pk__in=structure_ids_with_area(user, code, mode))


def subscriptions_by_user(
    structure: Structure, user_ids: Iterable[int] | None = None
) -> dict[int, dict[str, Mode]]:
    """{user_id: {area_code: mode}}: the subscriptions (guardian permissions) held on
    `structure`, in one query; areas not opened on the structure are left out, and
    modification wins over consultation. Roles are not taken into account here."""
    perms = StructureUserObjectPermission.objects.filter(content_object=structure)
    if user_ids is not None:
        perms = perms.filter(user_id__in=list(user_ids))
    opened = opened_area_codes(structure)
    result: dict[int, dict[str, Mode]] = {}
    for user_id, codename in perms.values_list("user_id", "permission__codename"):
        code, mode = AREA_BY_CODENAME.get(codename, (None, None))
        if code is None or code not in opened:
            continue
        held = result.setdefault(user_id, {})
        if held.get(code) != Mode.CHANGE:
            held[code] = mode
    return result


def area_required(code: str, mode: Mode | str = Mode.VIEW):
    """View decorator: the user must hold `code` (in `mode`) on at least one structure.

    Object-level checks stay in the view's scoped queryset (a foreign object is a 404).
    """

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not structure_ids_with_area(request.user, code, mode):
                raise PermissionDenied(_("Vous n'avez pas accès à cet espace."))
            return view(request, *args, **kwargs)

        wrapper.area_code = code
        wrapper.area_mode = Mode(mode)
        return wrapper

    return decorator


def sees_service(user, structure: Structure | int, service_id: int | None) -> bool:
    """SRV-3: a user attached to some services only sees those services' objects; a user
    attached to the whole structure (no service) sees all of them. Managers see everything."""
    scopes = cached_scopes(user)
    structure_id = getattr(structure, "pk", structure)
    if structure_id not in scopes:
        return False
    allowed = scopes[structure_id]
    return allowed is None or service_id in allowed


def service_scope(user, structure_ids: Iterable[int]) -> dict[int, set[int] | None]:
    """{structure_id: allowed service ids, or None for the whole structure}: no query past
    the user's memberships, read once per request (scoped querysets filter by service)."""
    scopes = cached_scopes(user)
    return {sid: scopes[sid] for sid in structure_ids if sid in scopes}


def open_area_exists(code: str) -> Exists:
    """An `Exists` to filter structures on which area `code` is opened (AREA-3)."""
    return Exists(OpenedArea.objects.filter(structure=OuterRef("pk"), area=code))


def subscriptions_held(structure: Structure) -> list[tuple[int, str, Mode]]:
    """(user_id, area code, mode) of every subscription row held on `structure`, opened or
    not (a SIRET change copies them all)."""
    rows = StructureUserObjectPermission.objects.filter(content_object=structure).values_list(
        "user_id", "permission__codename"
    )
    return [(uid, *AREA_BY_CODENAME[name]) for uid, name in rows if name in AREA_BY_CODENAME]


def copy_opened_areas(source: Structure, target: Structure) -> None:
    """SIR-5: the structure created by a SIRET change keeps the areas opened on the old one."""
    OpenedArea.objects.bulk_create(
        OpenedArea(
            structure=target,
            area=opened.area,
            opened_at=opened.opened_at,
            opened_by_id=opened.opened_by_id,
        )
        for opened in source.opened_areas.all()
    )
