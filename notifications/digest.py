"""Activity digests (NOT-2 to NOT-6): the daily digest (06:00) and the weekly recap
(Monday 06:00) of the events of NOT-3, one mail per user, grouped by structure.

Users are read in batches; each batch costs a fixed number of queries whatever its size
(users, their roles and subscriptions, their services, the events of their structures, one
bulk insert, one read-back). Each mail carries the key `digest:<period>:<start>:<user>`,
unique in the outbox: a digest is built once per user and period, even when the task runs
twice or on two workers at once. What a user reads is decided at send time from his rights
then, so an event of a structure or service he cannot see never reaches him.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import formats, timezone, translation
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from notifications import rendering
from notifications.models import MANAGERS_ALSO, ActivityEvent, Email, EmailStatus, EventKind
from portal import areas
from portal.areas import AreaCode
from structures import access
from structures.enums import Role
from structures.models import Membership

DAILY = "daily"
WEEKLY = "weekly"
BATCH_SIZE = 500
MAX_LINES = 200  # per mail; the rest is counted
TEMPLATE = "activity_digest"
# SRV-3: in these areas a user attached to some services sees only their objects.
SERVICE_SCOPED = {AreaCode.RECEIVED, AreaCode.REQUESTS_RECEIVED}


def window(period: str, now: datetime.datetime | None = None):
    """(start, end) of the period reported at `now`: the previous day (Europe/Paris), or
    the previous week from Monday to Sunday."""
    today = timezone.localtime(now or timezone.now()).date()
    end_day = today if period == DAILY else today - datetime.timedelta(days=today.weekday())
    start_day = end_day - datetime.timedelta(days=1 if period == DAILY else 7)
    tz = timezone.get_current_timezone()

    def midnight(day):
        return datetime.datetime.combine(day, datetime.time.min, tzinfo=tz)

    return midnight(start_day), midnight(end_day)


def describe(event: ActivityEvent) -> str:
    """The event's line, in the active language (NOT-6)."""
    from invoicing.enums import InvoiceStatus  # a leaf module: labels only

    p = dict(event.params)
    if event.kind == EventKind.INVOICE_STATUS:
        p["status"] = InvoiceStatus(p["status"]).label
        return _("Facture %(number)s : nouveau statut « %(status)s »") % p
    if event.kind == EventKind.INVOICE_RECEIVED:
        return _("Nouvelle facture %(number)s reçue de %(supplier)s") % p
    if event.kind == EventKind.INVOICE_TO_VALIDATE:
        return _("Facture %(number)s de %(supplier)s à valider") % p
    if event.kind == EventKind.LINK_REQUEST:
        return _("Demande de rattachement de %(requester)s") % p
    if event.kind == EventKind.SUBSCRIPTION_REQUEST:
        p["area"] = areas.get(p["area"]).label
        return _("Demande d'abonnement de %(requester)s à l'espace « %(area)s »") % p
    if event.area == AreaCode.SUPPORT:  # the support desk's queue: who sent it matters
        if event.kind == EventKind.SOLLICITATION_RELAUNCHED:
            return _("Sollicitation %(number)s de %(sender)s relancée : %(subject)s") % p
        return _("Nouvelle sollicitation %(number)s de %(sender)s : %(subject)s") % p
    if event.kind == EventKind.SOLLICITATION_CREATED:
        return _("Nouvelle sollicitation %(number)s : %(subject)s") % p
    if event.kind == EventKind.SOLLICITATION_ANSWERED:
        return _("Réponse à votre sollicitation %(number)s : %(subject)s") % p
    if event.kind == EventKind.SOLLICITATION_INFO_REQUESTED:
        return _("Complément demandé sur votre sollicitation %(number)s : %(subject)s") % p
    if event.kind == EventKind.FLOW_REJECTED:
        return _("Flux %(number)s (%(file)s) rejeté") % p
    if event.kind == EventKind.FLOW_PARTIALLY_INTEGRATED:
        return (
            _(
                "Flux %(number)s (%(file)s) intégré partiellement : %(integrated)s facture(s) sur %(total)s"
            )
            % p
        )
    return _("Sollicitation %(number)s relancée : %(subject)s") % p


@dataclass
class Audience:
    """The rights of a batch of users, read at once."""

    holdings: dict
    scopes: dict

    def sees(self, user_id: int, event: ActivityEvent) -> bool:
        if event.actor_id == user_id:  # one's own actions are not news
            return False
        if event.user_id is not None and event.user_id != user_id:
            return False
        held = self.holdings.get(user_id, {}).get(event.structure_id, {})
        if event.area not in held and not (
            event.kind in MANAGERS_ALSO and AreaCode.MANAGER in held
        ):
            return False
        if event.area in SERVICE_SCOPED:
            allowed = self.scopes.get(user_id, {}).get(event.structure_id)
            return allowed is None or event.service_id in allowed
        return True


class Section:
    """A digest section that is no structure's: the support desk's queue (SOL-6), and the
    sollicitations of a user attached to no structure."""

    identifier = ""

    def __init__(self, title):
        self.title = title

    @property
    def company_name(self) -> str:
        return str(self.title)


SUPPORT_SECTION = Section(gettext_lazy("Support : file des sollicitations"))
OWN_SECTION = Section(gettext_lazy("Vos sollicitations"))


def recipients():
    """NOT-2 / NOT-4: active, non-technical users who ticked the box, and main managers."""
    main = Membership.objects.filter(user=OuterRef("pk"), role=Role.MAIN_MANAGER)
    return (
        get_user_model()
        .objects.filter(is_active=True, is_technical=False)
        .filter(Q(notify_activity=True) | Exists(main))
        .annotate(in_support_group=access.in_support_group())
        .order_by("pk")
    )


class Lines:
    """Each event's line, rendered once per language and batch (not once per reader: at
    scale an event reaches every user of its structure), as text and as HTML."""

    def __init__(self):
        self.base = settings.PORTAL_BASE_URL
        self.cache: dict[tuple[int, str], tuple[str, str]] = {}

    def get(self, event: ActivityEvent, language: str) -> tuple[str, str]:
        key = (event.pk, language)
        if key not in self.cache:
            at = formats.date_format(timezone.localtime(event.created_at), "SHORT_DATETIME_FORMAT")
            text, url = describe(event), self.base + event.link
            self.cache[key] = (
                f"- {at} {text}\n  {url}\n",
                format_html(
                    '<li><span style="color: #666;">{}</span> <a href="{}" '
                    'style="color: #000091;">{}</a></li>',
                    at,
                    url,
                    text,
                ),
            )
        return self.cache[key]


def _mail(user, period: str, start, end, grouped: dict, extra: int, lines: Lines, language):
    sections = []
    for structure, events in sorted(grouped.items(), key=lambda kv: kv[0].company_name):
        rendered = [lines.get(event, language) for event in events]
        sections.append(
            {
                "structure": structure,
                "text": "".join(text for text, _html in rendered),
                "html": mark_safe("\n".join(html for _text, html in rendered)),  # noqa: S308 - format_html output
            }
        )
    return {
        "user": user,
        "period": period,
        "start": timezone.localtime(start).date(),
        "end": timezone.localtime(end - datetime.timedelta(seconds=1)).date(),
        "sections": sections,
        "extra": extra,
    }


def build_batch(users: list, period: str, start, end) -> list[int]:
    """Queue the digests of `users` (a fixed number of queries); returns the outbox ids."""
    ids = [user.pk for user in users]
    audience = Audience(access.holdings_of(ids), access.service_scopes_of(ids))
    structure_ids = {sid for held in audience.holdings.values() for sid in held}
    by_structure: dict[int, list[ActivityEvent]] = defaultdict(list)
    in_window = ActivityEvent.objects.filter(created_at__gte=start, created_at__lt=end)
    for event in (  # with a user's own events outside any structure (no structure yet)
        in_window.filter(
            Q(structure_id__in=structure_ids) | Q(structure__isnull=True, user_id__in=ids)
        )
        .exclude(area=AreaCode.SUPPORT)
        .select_related("structure")
        .order_by("created_at", "id")
    ):
        by_structure[event.structure_id].append(event)
    support = {u.pk for u in users if u.is_superuser or getattr(u, "in_support_group", False)}
    support_events = (
        list(in_window.filter(area=AreaCode.SUPPORT).select_related("structure").order_by("id"))
        if support
        else []
    )
    lines = Lines()
    rows = []
    for user in users:
        mine = [
            event
            for sid in audience.holdings.get(user.pk, {})
            for event in by_structure.get(sid, ())
            if audience.sees(user.pk, event)
        ]
        mine += [
            event
            for event in by_structure.get(None, ())
            if event.user_id == user.pk and event.actor_id != user.pk
        ]
        if user.pk in support:
            mine += [event for event in support_events if event.actor_id != user.pk]
        if not mine:
            continue  # nothing to say, nothing sent
        grouped: dict = defaultdict(list)
        for event in mine[:MAX_LINES]:
            if event.area == AreaCode.SUPPORT:
                section = SUPPORT_SECTION
            else:
                section = event.structure or OWN_SECTION
            grouped[section].append(event)
        language = user.language or settings.LANGUAGE_CODE
        with translation.override(language):
            context = _mail(
                user, period, start, end, grouped, len(mine) - MAX_LINES, lines, language
            )
            subject, text, html = rendering.render_email(TEMPLATE, context, language)
        rows.append(
            Email(
                to=user.notification_email,
                subject=subject[:255],
                body_text=text,
                body_html=html,
                template=TEMPLATE,
                language=language,
                user=user,
                dedup_key=f"digest:{period}:{start.date():%Y-%m-%d}:{user.pk}",
            )
        )
    return _store(rows)


def _store(rows: list[Email]) -> list[int]:
    """One insert for the batch, skipping the keys already stored (a concurrent or earlier
    run built them), then the ids of those still pending, for the caller to send."""
    if not rows:
        return []
    Email.objects.bulk_create(rows, ignore_conflicts=True)
    keys = [row.dedup_key for row in rows]
    return list(
        Email.objects.filter(dedup_key__in=keys, status=EmailStatus.PENDING).values_list(
            "pk", flat=True
        )
    )


def send_digests(period: str, now=None, batch_size: int = BATCH_SIZE) -> list[int]:
    """Build the digests of `period` for every recipient, one transaction per batch;
    returns the ids of the pending digest mails (the task hands them to the workers; the
    periodic sweep sends them anyway if the broker is down)."""
    start, end = window(period, now)
    ids: list[int] = []
    last = 0
    while True:
        users = list(recipients().filter(pk__gt=last)[:batch_size])
        if not users:
            return ids
        with transaction.atomic():
            ids += build_batch(users, period, start, end)
        last = users[-1].pk
