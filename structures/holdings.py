"""Roles and area holdings of many users at once: the read side of `structures.access`,
kept apart for size. Import it through `structures.access` (the one access layer), which
re-exports `holdings_of` and `service_scopes_of`; nothing here writes."""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db import connection

from portal import areas
from portal.areas import AreaCode, Mode
from structures.enums import Role
from structures.models import Membership, OpenedArea, StructureUserObjectPermission

ROLE_AREAS = {AreaCode.REQUESTS_SENT, AreaCode.REQUESTS_RECEIVED}
# Guardian permission codename -> (area code, mode), built once from the area catalogue.
AREA_BY_CODENAME: dict[str, tuple[str, Mode]] = {
    area.codename(mode): (area.code, mode) for area in areas.subscribable_areas() for mode in Mode
}


def _membership_rows(users, structure_ids=None) -> list[tuple[int, int, int, str]]:
    """(membership id, user id, structure id, role) of `users` (objects or ids), in one query
    per technical account plus one for the others. A technical account (TEC-5) holds the
    memberships of its structure's current main manager (`Membership.objects.of`), reported
    under its own id."""
    rows: list[tuple[int, int, int, str]] = []
    plain: list[int] = []
    for user in users:
        if getattr(user, "is_technical", False):
            held = Membership.objects.of(user)
            if structure_ids is not None:
                held = held.filter(structure_id__in=list(structure_ids))
            rows += [
                (pk, user.pk, sid, role)
                for pk, sid, role in held.values_list("pk", "structure_id", "role")
            ]
        else:
            plain.append(getattr(user, "pk", user))
    if plain:
        held = Membership.objects.filter(user_id__in=plain)
        if structure_ids is not None:
            held = held.filter(structure_id__in=list(structure_ids))
        rows += list(held.values_list("pk", "user_id", "structure_id", "role"))
    return rows


ALWAYS_OPEN = frozenset(area.code for area in areas.AREAS if area.always_open)


def _role_areas(role: str, opened: set[str]) -> dict[str, Mode]:
    """What a role holds on a structure whose opened areas are `opened` (ROL-5, AREA-1)."""
    held: dict[str, Mode] = dict.fromkeys(ROLE_AREAS, Mode.CHANGE)
    if role in (Role.MAIN_MANAGER, Role.SECONDARY_MANAGER):
        held[AreaCode.MANAGER] = Mode.CHANGE
        held.update(dict.fromkeys(opened | ALWAYS_OPEN, Mode.CHANGE))
    return held


_TECHNICAL_COLUMNS = (
    "structure_id",
    "role",
    "structure__is_active",
    "structure__opened_areas__area",
)
_SENTINEL = -7_000_000_001  # a user id no row has: marks where the user's id goes
_technical_sql: dict[str, tuple[str, list]] = {}


def technical_statement() -> tuple[str, list] | None:
    """(sql, params) of `technical_holdings`' rows (structure id, role, structure active,
    opened area code), `TECHNICAL_SENTINEL` standing for the user's id; None if the ORM
    wrote it otherwise. Compiled by the ORM once per process (issue 12: compiling it took
    more time than running it); the API reads it inside its caller statement (api.auth)."""
    vendor = connection.vendor
    if vendor not in _technical_sql:
        template = get_user_model()(pk=_SENTINEL, is_technical=True)
        query = Membership.objects.of(template).values_list(*_TECHNICAL_COLUMNS).query
        sql, params = query.sql_with_params()
        if sum(1 for p in params if p == _SENTINEL) == 0:  # pragma: no cover - ORM change
            return None
        _technical_sql[vendor] = (sql, list(params))
    return _technical_sql[vendor]


TECHNICAL_SENTINEL = _SENTINEL


def _technical_rows(user) -> list[tuple]:
    """The rows of `Membership.objects.of(user)` for `technical_holdings`: every call asks
    the same question of another user, the statement compiled once."""
    statement = technical_statement()
    if statement is None:  # pragma: no cover - ORM change
        return list(Membership.objects.of(user).values_list(*_TECHNICAL_COLUMNS))
    sql, params = statement
    with connection.cursor() as cursor:
        cursor.execute(sql, [user.pk if p == _SENTINEL else p for p in params])
        return list(cursor)


def technical_holdings(
    user, rows: list[tuple] | None = None
) -> tuple[dict[int, dict[str, Mode]], bool]:
    """`holdings_of([user])[user.pk]` of a technical account (TEC-5: its main manager's
    roles, no subscription of its own) in one query (none when `rows`, the statement's
    rows, were read with the caller's), and whether it manages an active structure
    (TEC-9)."""
    roles: dict[int, str] = {}
    opened: dict[int, set[str]] = {}
    active_managed = False
    for sid, role, is_active, code in _technical_rows(user) if rows is None else rows:
        is_active = bool(is_active)
        roles[sid] = role
        codes = opened.setdefault(sid, set())
        if code is not None:
            codes.add(code)
        if is_active and role in (Role.MAIN_MANAGER, Role.SECONDARY_MANAGER):
            active_managed = True
    return {sid: _role_areas(role, opened[sid]) for sid, role in roles.items()}, active_managed


def memberships_with_services(user) -> list[tuple[int, int, str, int | None]]:
    """(membership id, structure id, role, service id or None) of one user's memberships
    (`Membership.objects.of`: a technical account's are its main manager's), in one query:
    what `holdings_of` and `service_scopes_of` both read, for one user at once (the access
    layer keeps them on the user for the request)."""
    if getattr(user, "is_technical", False):
        held = Membership.objects.of(user)
    else:
        held = Membership.objects.filter(user_id=user.pk)
    return list(held.order_by("pk").values_list("pk", "structure_id", "role", "services"))


# What the request's user holds, read once per request and kept on the user object (the
# request's own: a right revoked elsewhere shows on the next request).
MEMBERSHIPS_ATTR = "_structures_memberships"


class UserRows(NamedTuple):
    """Everything `holdings_of` and `service_scopes_of` read for one user: its
    `memberships_with_services` rows, the areas opened on its structures, and its
    subscriptions ((structure id, permission codename) pairs). None for a technical
    account's, which holds no subscription of its own and reads its memberships apart."""

    memberships: list[tuple[int, int, str, int | None]]
    opened: list[tuple[int, str]] | None = None
    subscriptions: list[tuple[int, str]] | None = None


_user_sql: dict[str, str] = {}


def _user_statement() -> str:
    """One statement for `UserRows` of a user (its id as every parameter): memberships
    with their services, then the opened areas and the subscriptions on its structures.
    Issue 10: three queries were a sixth of a list page's CPU, the floor's too."""
    vendor = connection.vendor
    if vendor not in _user_sql:
        membership = Membership._meta.db_table
        services = Membership.services.through._meta.db_table
        opened = OpenedArea._meta.db_table
        perm = StructureUserObjectPermission._meta.db_table
        permission = Permission._meta.db_table
        # Table names from the models, never from input; the user id is a parameter.
        mine = f"SELECT structure_id FROM {membership} WHERE user_id = %s"  # noqa: S608
        _user_sql[vendor] = (
            f"SELECT 0, m.id, m.structure_id, m.role, s.service_id FROM {membership} m "  # noqa: S608
            f"LEFT JOIN {services} s ON s.membership_id = m.id WHERE m.user_id = %s "
            f"UNION ALL SELECT 1, NULL, o.structure_id, o.area, NULL FROM {opened} o "
            f"WHERE o.structure_id IN ({mine}) "
            f"UNION ALL SELECT 2, NULL, p.content_object_id, a.codename, NULL FROM {perm} p "
            f"INNER JOIN {permission} a ON a.id = p.permission_id "
            f"WHERE p.user_id = %s AND p.content_object_id IN ({mine}) "
            "ORDER BY 1, 2"
        )
    return _user_sql[vendor]


def user_rows(user) -> UserRows:
    """`UserRows` of the user, cached on it for the request: one query for a person, and
    `memberships_with_services` alone for a technical account."""
    cached = getattr(user, MEMBERSHIPS_ATTR, None)
    if cached is not None:
        return cached
    if getattr(user, "is_technical", False):
        cached = UserRows(memberships_with_services(user))
    else:
        memberships, opened, subscriptions = [], [], []
        with connection.cursor() as cursor:
            cursor.execute(_user_statement(), [user.pk] * 4)
            for kind, pk, sid, text, service_id in cursor.fetchall():
                if kind == 0:
                    memberships.append((pk, sid, text, service_id))
                elif kind == 1:
                    opened.append((sid, text))
                else:
                    subscriptions.append((sid, text))
        cached = UserRows(memberships, opened, subscriptions)
    setattr(user, MEMBERSHIPS_ATTR, cached)
    return cached


def cached_memberships(user) -> list[tuple]:
    """`memberships_with_services` of the user, cached on it for the request."""
    return user_rows(user).memberships


def cached_scopes(user) -> dict[int, set[int] | None]:
    """`service_scope` over all the user's structures (no query past `cached_memberships`)."""
    if not user.is_authenticated:
        return {}
    return scopes_from_rows(cached_memberships(user))


def scopes_from_rows(rows) -> dict[int, set[int] | None]:
    """`service_scope` over every structure of `memberships_with_services` rows."""
    roles: dict[int, tuple[int, bool]] = {}
    restricted: dict[int, set[int]] = {}
    for membership_id, sid, role, service_id in rows:
        roles[membership_id] = (sid, role in (Role.MAIN_MANAGER, Role.SECONDARY_MANAGER))
        if service_id is not None:
            restricted.setdefault(membership_id, set()).add(service_id)
    scopes: dict[int, set[int] | None] = {}
    for membership_id, (sid, manager) in roles.items():
        services = restricted.get(membership_id)
        scopes[sid] = None if (manager or not services) else services
    return scopes


def holdings_of(
    users: Iterable, rows: UserRows | None = None
) -> dict[int, dict[int, dict[str, Mode]]]:
    """{user_id: {structure_id: {area_code: mode}}}: roles (ROL-5, AREA-1) and subscriptions
    of many users (objects or ids) in three queries (the digests read a batch at once); none
    when `rows`, the `user_rows` of the one user given, were read (two for a technical
    account's)."""
    users = list(users)
    # A technical account holds no subscription of its own (TEC-5: its main manager's roles).
    technical = {user.pk for user in users if getattr(user, "is_technical", False)}
    roles: dict[int, dict[int, str]] = {}
    if rows is None:
        membership_rows = _membership_rows(users)
    else:
        membership_rows = [(pk, users[0].pk, sid, role) for pk, sid, role, _s in rows.memberships]
    for _pk, uid, sid, role in membership_rows:
        roles.setdefault(uid, {})[sid] = role
    sids = {sid for held in roles.values() for sid in held}
    opened: dict[int, set[str]] = {sid: set() for sid in sids}
    if rows is None or rows.opened is None:
        opened_rows = OpenedArea.objects.filter(structure_id__in=sids).values_list(
            "structure_id", "area"
        )
    else:
        opened_rows = rows.opened
    for sid, code in opened_rows:
        opened[sid].add(code)
    always = ALWAYS_OPEN
    result: dict[int, dict[int, dict[str, Mode]]] = {}
    for uid, held_roles in roles.items():
        for sid, role in held_roles.items():
            result.setdefault(uid, {})[sid] = _role_areas(role, opened[sid])
    if rows is not None and rows.subscriptions is not None:
        perms = [(users[0].pk, sid, codename) for sid, codename in rows.subscriptions]
    else:
        perms = StructureUserObjectPermission.objects.filter(
            user_id__in=[uid for uid in roles if uid not in technical], content_object_id__in=sids
        ).values_list("user_id", "content_object_id", "permission__codename")
    for uid, sid, codename in perms:
        code, mode = AREA_BY_CODENAME.get(codename, (None, None))
        if sid not in roles[uid] or code is None or not (code in opened[sid] or code in always):
            continue
        if result[uid][sid].get(code) != Mode.CHANGE:
            result[uid][sid][code] = mode
    return result


def service_scopes_of(users, structure_ids=None) -> dict[int, dict[int, set[int] | None]]:
    """`service_scope` of many users (objects or ids): {user_id: {structure_id: services or None}}."""
    roles = {
        pk: (uid, sid, role in (Role.MAIN_MANAGER, Role.SECONDARY_MANAGER))
        for pk, uid, sid, role in _membership_rows(users, structure_ids)
    }
    restricted: dict[int, set[int]] = {}
    for membership_id, service_id in Membership.services.through.objects.filter(
        membership_id__in=list(roles)
    ).values_list("membership_id", "service_id"):
        restricted.setdefault(membership_id, set()).add(service_id)
    scopes: dict[int, dict[int, set[int] | None]] = {}
    for membership_id, (uid, sid, manager) in roles.items():
        services = restricted.get(membership_id)
        scopes.setdefault(uid, {})[sid] = None if (manager or not services) else services
    return scopes
