"""Forms of the Received invoices area: input checks only; the transition rules live in
`invoicing.workflow` and the use cases in `invoicing.received.services`."""

from __future__ import annotations

from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from invoicing import queries
from invoicing.enums import CURRENT_FRAMES, HIDDEN_FROM_RECIPIENT, InvoiceStatus
from invoicing.models import Invoice
from invoicing.received import services
from invoicing.rules import fields
from invoicing.workflow import MAX_REASON
from portal.areas import AreaCode
from portal.forms import DsfrForm, FewRowsChoiceField
from structures import access
from structures.models import Service, Structure

S = InvoiceStatus


class IdListField(forms.Field):
    """Checked rows of a list: `invoices=1&invoices=7`."""

    widget = forms.MultipleHiddenInput
    default_error_messages = {
        "required": _("Cochez au moins une facture."),
        "invalid": _("La sélection de factures est invalide."),
    }

    def to_python(self, value) -> list[int]:
        if not value:
            return []
        if isinstance(value, str):
            value = [value]
        try:
            return [int(item) for item in value]
        except (TypeError, ValueError) as error:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from error


class _ActionFields(DsfrForm):
    """Target status, reason and mandate number, checked the way the workflow will."""

    reason = forms.CharField(
        label=_("Motif / commentaire"),
        help_text=_(
            "Visible par le fournisseur. Obligatoire pour suspendre ou rejeter ; 255 caractères au plus."
        ),
        max_length=MAX_REASON,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": MAX_REASON}),
    )
    mandate_number = forms.CharField(
        label=_("Numéro de mandat (facultatif)"),
        help_text=_("Pour le statut « Mandatée » ; 50 caractères au plus."),
        max_length=fields.MANDATE_MAX,
        required=False,
    )
    confirm_rejection = forms.BooleanField(
        label=_(
            "Je confirme le rejet : il est définitif, le fournisseur devra émettre une nouvelle facture."
        ),
        required=False,
    )

    def clean(self):
        cleaned = super().clean()
        target = cleaned.get("target")
        reason = (cleaned.get("reason") or "").strip()
        cleaned["reason"] = reason
        if target in services.REASON_REQUIRED and not reason:
            self.add_error(
                "reason", _("Le motif est obligatoire pour suspendre ou rejeter une facture.")
            )
        if target in services.CONFIRMATION_REQUIRED and not cleaned.get("confirm_rejection"):
            self.add_error(
                "confirm_rejection",
                _("Confirmez le rejet : une facture rejetée ne peut plus être traitée."),
            )
        if target != S.MANDATEE:
            cleaned["mandate_number"] = ""
        return cleaned


class ProcessForm(_ActionFields):
    """One invoice: the statuses the table allows from the current one (RCV-3)."""

    target = forms.ChoiceField(label=_("Nouveau statut"), widget=forms.RadioSelect)
    expected_status = forms.CharField(widget=forms.HiddenInput)
    field_order = ["target", "reason", "mandate_number", "confirm_rejection", "expected_status"]

    def __init__(self, *args, invoice: Invoice, **kwargs):
        kwargs.setdefault("initial", {})["expected_status"] = invoice.status
        super().__init__(*args, **kwargs)
        self.invoice = invoice
        self.fields["target"].choices = services.action_choices(invoice)
        self.fields["target"].error_messages["invalid_choice"] = _(
            "Cette action n'est pas possible depuis le statut « %(status)s » de la facture."
        ) % {"status": invoice.get_status_display()}
        self.fields["target"].error_messages["required"] = _("Choisissez une action.")

    @property
    def status_changed(self) -> bool:
        """The page was shown for another status: someone acted meanwhile."""
        expected = self.data.get(self.add_prefix("expected_status"))
        return bool(expected) and expected != self.invoice.status


def _bulk_choices() -> list[tuple[str, str]]:
    return [("", str(_("Choisir une action")))] + services.bulk_choices()


class BulkProcessForm(_ActionFields):
    """Several invoices at once; each one is checked by the workflow on its own."""

    invoices = IdListField()
    target = forms.ChoiceField(
        label=_("Action à appliquer aux factures cochées"),
        choices=_bulk_choices,
        error_messages={"required": _("Choisissez une action.")},
    )
    field_order = ["invoices", "target", "reason", "mandate_number", "confirm_rejection"]


# --- Search (RCV-1) -------------------------------------------------------------------

SORTS = {
    "-deposited_at": (_("Date de dépôt (plus récentes d'abord)"), ["-deposited_at", "-id"]),
    "deposited_at": (_("Date de dépôt (plus anciennes d'abord)"), ["deposited_at", "id"]),
    "due_at": (_("Échéance (plus proches d'abord)"), ["due_date", "id"]),
    "-status_changed_at": (
        _("Dernier changement de statut"),
        ["-status_changed_at", "-id"],
    ),
    "-invoice_date": (_("Date de facture"), ["-invoice_date", "-id"]),
    "number": (_("Numéro de facture"), ["number", "id"]),
    "supplier_name": (_("Fournisseur"), ["supplier_name", "id"]),
    "-amount_ttc": (_("Montant TTC décroissant"), ["-amount_ttc", "-id"]),
    "amount_ttc": (_("Montant TTC croissant"), ["amount_ttc", "id"]),
}
VISIBLE_STATUSES = [(s.value, s.label) for s in InvoiceStatus if s not in HIDDEN_FROM_RECIPIENT]


def _date(label):
    return forms.DateField(
        label=label, required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


def _amount(label):
    return forms.DecimalField(
        label=label, required=False, min_value=0, max_digits=19, decimal_places=2
    )


class SearchForm(DsfrForm):
    supplier = forms.CharField(
        label=_("Fournisseur (SIRET ou raison sociale)"), max_length=255, required=False
    )
    number = forms.CharField(
        label=_("Numéro de facture"), max_length=fields.NUMBER_MAX, required=False
    )
    status = forms.ChoiceField(
        label=_("Statut"), choices=[("", _("Tous"))] + VISIBLE_STATUSES, required=False
    )
    structure = FewRowsChoiceField(
        label=_("Structure destinataire"),
        queryset=Structure.objects.none(),
        required=False,
        empty_label=_("Toutes"),
    )
    service = FewRowsChoiceField(
        label=_("Service destinataire"),
        queryset=Service.objects.none(),
        required=False,
        empty_label=_("Tous"),
    )
    engagement_number = forms.CharField(
        label=_("N° d'engagement"), max_length=fields.REFERENCE_MAX, required=False
    )
    frame = forms.ChoiceField(
        label=_("Cadre de facturation"),
        choices=[("", _("Tous"))] + [(f.value, f.label) for f in CURRENT_FRAMES],
        required=False,
    )
    deposited_from = _date(_("Déposée du"))
    deposited_to = _date(_("Déposée au"))
    invoice_date_from = _date(_("Date de facture du"))
    invoice_date_to = _date(_("Date de facture au"))
    status_changed_from = _date(_("Dernier changement de statut du"))
    status_changed_to = _date(_("Dernier changement de statut au"))
    amount_min = _amount(_("Montant TTC minimum"))
    amount_max = _amount(_("Montant TTC maximum"))
    sort = forms.ChoiceField(
        label=_("Trier par"),
        choices=[(key, label) for key, (label, _order) in SORTS.items()],
        required=False,
    )

    def __init__(self, *args, user, scope: dict | None = None, **kwargs):
        """`scope`: the user's `services.scope` when the view already read it."""
        super().__init__(*args, **kwargs)
        if scope is None:
            ids = access.structure_ids_with_area(user, AreaCode.RECEIVED)
            scope = access.service_scope(user, ids)
        else:
            ids = list(scope)
        self.fields["structure"].queryset = Structure.objects.filter(pk__in=ids)
        whole = [sid for sid, services_ in scope.items() if services_ is None]
        some = {pk for services_ in scope.values() if services_ for pk in services_}
        self.fields["service"].queryset = (
            Service.objects.filter(Q(structure_id__in=whole) | Q(pk__in=some))
            .order_by("structure__company_name", "code")
            .only("pk", "code", "name")
        )
        self.fields["service"].label_from_instance = lambda s: f"{s.code} — {s.name}"
        self.show_structure = len(ids) > 1

    def clean(self):
        cleaned = super().clean()
        for low, high in (
            ("deposited_from", "deposited_to"),
            ("invoice_date_from", "invoice_date_to"),
            ("status_changed_from", "status_changed_to"),
            ("amount_min", "amount_max"),
        ):
            a, b = cleaned.get(low), cleaned.get(high)
            if a is not None and b is not None and a > b:
                self.add_error(high, _("La borne de fin doit suivre la borne de début."))
        return cleaned

    def counted_status(self) -> str | None | bool:
        """False when the search filters on anything but its status (or is invalid); else
        the status asked for, or None for every status: the status counters then count the
        list (`services.scope_count`) instead of its rows."""
        if not self.is_bound:
            return None
        if not self.is_valid():
            return False
        others = {k: v for k, v in self.cleaned_data.items() if k not in ("sort", "status")}
        if any(value not in (None, "") and value != [] for value in others.values()):
            return False
        return self.cleaned_data.get("status") or None

    def searches_a_part(self) -> bool:
        """A name, number or engagement part: a filter no index narrows within the scope
        (the list then counts up to `pagination.NAME_PART_CAP` only)."""
        if not self.is_bound or not self.is_valid():
            return False
        data = self.cleaned_data
        supplier = (data.get("supplier") or "").strip()
        if supplier and not queries.is_identifier_start(supplier):
            return True
        return bool(data.get("number") or data.get("engagement_number"))

    def filter(self, queryset: QuerySet[Invoice]) -> QuerySet[Invoice]:
        """Applies the filters; an invalid search (shown with its field errors) finds nothing
        rather than everything."""
        if self.is_bound and not self.is_valid():
            return queryset.none()
        data = self.cleaned_data if self.is_bound else {}
        supplier = (data.get("supplier") or "").strip()
        if supplier:
            queryset = queryset.filter(queries.party_search("supplier", supplier))
        lookups = {
            "number": "number__icontains",
            "status": "status",
            "structure": "recipient",
            "service": "recipient_service",
            "engagement_number": "engagement_number__icontains",
            "frame": "frame",
            "invoice_date_from": "invoice_date__gte",
            "invoice_date_to": "invoice_date__lte",
            "amount_min": "amount_ttc__gte",
            "amount_max": "amount_ttc__lte",
        }
        for name, field, bound in (
            ("deposited_from", "deposited_at", queries.on_or_after),
            ("deposited_to", "deposited_at", queries.on_or_before),
            ("status_changed_from", "status_changed_at", queries.on_or_after),
            ("status_changed_to", "status_changed_at", queries.on_or_before),
        ):
            if data.get(name):
                queryset = queryset.filter(bound(field, data[name]))
        for name, lookup in lookups.items():
            value = data.get(name)
            if isinstance(value, str):
                value = value.strip()
            if value not in (None, ""):
                queryset = queryset.filter(**{lookup: value})
        sort = data.get("sort") or "-deposited_at"
        return queryset.order_by(*SORTS[sort][1])
