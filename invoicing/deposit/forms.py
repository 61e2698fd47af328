"""Forms of the deposit screens. They parse and type the input; the rules of §5.4 live in
`invoicing.rules.checks` and their messages come back to these fields (INV-11).

Every field but the supplier is optional here, so that an incomplete draft can be saved
(DEP-2); "Valider et envoyer" runs the checks, which say what is missing, at the field.
"""

from __future__ import annotations

import uuid

from django import forms
from django.urls import reverse_lazy
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from invoicing.deposit import widgets
from invoicing.enums import (
    CURRENT_FRAMES,
    Frame,
    InvoiceType,
    PaymentMode,
    VatExemptionReason,
    VatType,
)
from invoicing.models import Invoice
from invoicing.rules import fields
from portal.areas import AreaCode, Mode
from portal.forms import FewRowsChoiceField
from portal.params import MAX_ID, ControlCharactersMixin
from structures import access
from structures.models import BankAccount, Service, Structure

EMPTY = [("", "—")]


MONEY_WIDGET = {"step": "0.01", "inputmode": "decimal"}


VAT_RATES = ("20", "13", "10", "8.5", "5.5", "2.1", "1.75", "1.05", "0")


def deposit_structures(user):
    """INV-1: the active structures on which the user holds ISSUED in modification."""
    return access.structures_with_area(user, AreaCode.ISSUED, Mode.CHANGE).filter(is_active=True)


def deposit_structure_ids(user) -> list[int]:
    """The ids of the structures on which the user holds ISSUED in modification, active or
    not (no query: the user's holdings are read once per request)."""
    return access.structure_ids_with_area(user, AreaCode.ISSUED, Mode.CHANGE)


def dsfr_classes(form: forms.BaseForm) -> None:
    """The DSFR classes on the widgets (our templates render fields one by one)."""
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.HiddenInput | forms.CheckboxInput | forms.FileInput):
            continue
        css = "fr-select" if isinstance(widget, forms.Select) else "fr-input"
        widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()


# Fields every invoice needs to be sent (§5.4): shown with the DSFR required marker. The
# conditional ones (service code, engagement, validator, reason of exemption...) say so in
# their hint or in the recipient's parameters.
REQUIRED_TO_SEND = (
    "frame",
    "supplier",
    "recipient_identifier",
    "invoice_type",
    "currency",
    "vat_type",
    "number",
    "invoice_date",
    "amount_ht",
    "amount_tva",
    "amount_ttc",
    "amount_to_pay",
)


class StructureChoiceField(FewRowsChoiceField):
    def label_from_instance(self, obj: Structure) -> str:
        return f"{obj.identifier} — {obj.company_name}"


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("Fichier de la facture"),
        help_text=_(
            "PDF (signé ou non), Factur-X, ou XML UBL 2.1 / CII D16B ; 10 Mo au plus, nom de "
            "50 caractères au plus. Le format est reconnu automatiquement. Un lot zip ou "
            "tar.gz (30 Mo au plus) est traité comme un flux."
        ),
        widget=forms.ClearableFileInput(
            attrs={"accept": ".pdf,.xml,.zip,.tar.gz,.tgz", "class": "fr-upload"}
        ),
    )
    as_flow = forms.BooleanField(
        label=_("Envoyer le fichier structuré tel quel, comme un flux (sans formulaire)"),
        required=False,
    )


def validate_amount_bounds(value) -> None:
    """Issue 9: an amount the money columns cannot hold is refused at its field."""
    if value is not None and not fields.amount_in_bounds(value):
        raise forms.ValidationError(fields.amount_too_large_message(), code="amount_too_large")


def _money(label, **kwargs) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        required=False,
        max_digits=19,
        decimal_places=2,
        validators=[validate_amount_bounds],
        widget=forms.NumberInput(attrs=MONEY_WIDGET),
        **kwargs,
    )


class DepositForm(ControlCharactersMixin, forms.Form):
    """The header of an invoice: PDF deposit, simplified deposit and online entry."""

    token = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)
    main_attachment = forms.IntegerField(
        widget=forms.HiddenInput, required=False, min_value=1, max_value=MAX_ID
    )
    # A CharField behind the select: a frame of a later phase (posted by hand, or by an old
    # bookmark) gets the clear message of INV-2 from the checks, not "invalid choice".
    frame = forms.CharField(
        label=_("Cadre de facturation"),
        initial=Frame.A1.value,
        widget=forms.Select(
            # lazy: the label is put together in the language of each request
            choices=[
                (frame.value, format_lazy("{} — {}", frame.short, frame.label))
                for frame in CURRENT_FRAMES
            ]
        ),
    )
    supplier = StructureChoiceField(
        label=_("Structure fournisseur"),
        queryset=Structure.objects.none(),
        empty_label=None,
        error_messages={"invalid_choice": _("Choisissez une de vos structures.")},
    )
    supplier_service = FewRowsChoiceField(
        label=_("Service fournisseur"), queryset=Service.objects.none(), required=False
    )
    bank_account = FewRowsChoiceField(
        label=_("Coordonnées bancaires"), queryset=BankAccount.objects.none(), required=False
    )
    recipient_identifier = forms.CharField(
        label=_("SIRET du destinataire"),
        max_length=fields.max_length(Invoice, "recipient_identifier"),
        required=False,
        help_text=_("Saisissez directement le SIRET de la structure publique destinataire."),
    )
    recipient_service_code = forms.CharField(
        label=_("Code service destinataire"),
        max_length=fields.max_length(Invoice, "recipient_service_code"),
        required=False,
    )
    validator_identifier = forms.CharField(
        label=_("SIRET du titulaire / mandataire (valideur)"),
        max_length=fields.max_length(Invoice, "validator_identifier"),
        required=False,
        help_text=_(
            "Cadre A9 : le titulaire du marché ; cadre A12 : le mandataire du groupement. Seul "
            "le sous-traitant de 1er rang peut prétendre au paiement direct."
        ),
    )
    validator_service_code = forms.CharField(
        label=_("Code service valideur"), max_length=100, required=False
    )
    invoice_type = forms.ChoiceField(
        label=_("Type"), choices=InvoiceType.choices, initial=InvoiceType.FACTURE
    )
    original_invoice_number = forms.CharField(
        label=_("N° facture d'origine"),
        max_length=fields.NUMBER_MAX,
        required=False,
        help_text=_("Obligatoire pour un avoir."),
    )
    currency = forms.ChoiceField(
        label=_("Devise"), choices=[(c, c) for c in fields.CURRENCIES], initial="EUR"
    )
    vat_type = forms.ChoiceField(
        label=_("Type de TVA"), choices=VatType.choices, initial=VatType.TVA_SUR_DEBIT
    )
    vat_exemption_reason = forms.ChoiceField(
        label=_("Motif d'exonération de TVA"),
        choices=EMPTY + list(VatExemptionReason.choices),
        required=False,
        help_text=_("Obligatoire en cas d'exonération."),
    )
    payment_mode = forms.ChoiceField(
        label=_("Mode de règlement"),
        choices=EMPTY + list(PaymentMode.choices),
        required=False,
        help_text=_("Obligatoire pour une facture ; ignoré pour un avoir."),
    )
    engagement_number = forms.CharField(
        label=_("N° d'engagement (EJ / bon de commande)"),
        max_length=fields.REFERENCE_MAX,
        required=False,
    )
    market_number = forms.CharField(
        label=_("N° de marché"), max_length=fields.MARKET_MAX, required=False
    )
    number = forms.CharField(
        label=_("Numéro de facture"),
        max_length=fields.NUMBER_MAX,
        required=False,
        help_text=_("20 caractères au plus : lettres, chiffres et - _ / +."),
    )
    invoice_date = forms.DateField(
        label=_("Date de facture"),
        required=False,
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    amount_ht = _money(_("Montant HT"))
    amount_tva = _money(_("Montant TVA"))
    amount_ttc = _money(_("Montant TTC"))
    global_discount = _money(_("Remise globale TTC"))
    global_discount_reason = forms.CharField(
        label=_("Motif de la remise globale"), max_length=fields.DISCOUNT_REASON_MAX, required=False
    )
    amount_to_pay = _money(_("Net à payer"))
    comment = forms.CharField(
        label=_("Commentaire"),
        max_length=fields.COMMENT_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("2 000 caractères au plus ; une mention d'affacturage se met ici."),
    )

    lookup_url = reverse_lazy("invoicing:recipient_lookup")
    default_renderer = widgets.RENDERER  # its thirty widgets without a template each

    def __init__(self, *args, user, is_entry_mode: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.is_entry_mode = is_entry_mode
        self.fields["supplier"].queryset = deposit_structures(user)
        structures = self.fields["supplier"].queryset  # read once, below, and listed from it
        # The services and accounts of those structures, by the ids the request's holdings
        # give (issue 10: a subquery of the structures and their joined columns cost more
        # to compile than to run); the labels name the structures from their rows above.
        ids = deposit_structure_ids(user)
        self.fields["supplier_service"].queryset = Service.objects.filter(
            structure_id__in=ids, structure__is_active=True, is_active=True
        )
        self.fields["bank_account"].queryset = BankAccount.objects.filter(
            structure_id__in=ids, structure__is_active=True, is_active=True
        )
        if not self.is_bound and not self.initial.get("token"):
            self.initial["token"] = uuid.uuid4().hex
        lookup = {
            "hx-get": str(self.lookup_url),
            "hx-target": "#recipient-info",
            "hx-include": "#id_recipient_identifier, #id_recipient_service_code, #id_supplier",
            "hx-trigger": "input changed delay:400ms",
            "autocomplete": "off",
        }
        self.fields["recipient_identifier"].widget.attrs.update(lookup, inputmode="numeric")
        self.fields["recipient_service_code"].widget.attrs.update(lookup, list="recipient-services")
        validator = {
            "hx-get": f"{self.lookup_url}?role=validator",
            "hx-target": "#validator-info",
            "hx-include": "#id_validator_identifier, #id_validator_service_code, #id_supplier",
            "hx-trigger": "input changed delay:400ms",
            "autocomplete": "off",
        }
        self.fields["validator_identifier"].widget.attrs.update(validator, inputmode="numeric")
        self.fields["validator_service_code"].widget.attrs.update(validator)
        # DSFR fieldsets are display: flex, which beats the `hidden` attribute: use fr-hidden.
        self.fields["frame"].widget.attrs["hx-on:change"] = (
            "document.getElementById('validator-fields').classList.toggle('fr-hidden', "
            "!['A9_FACTURE_SOUSTRAITANT', 'A12_FACTURE_COTRAITANT'].includes(this.value))"
        )

        # Read only when options are rendered (a posted form does not list them).
        names: dict[int, str] = {}

        def owned(row) -> str:
            if len(structures) < 2:
                return str(row)
            if not names:
                names.update((structure.pk, structure.company_name) for structure in structures)
            return f"{names.get(row.structure_id, '')} — {row}"

        self.fields["supplier_service"].label_from_instance = owned
        self.fields["bank_account"].label_from_instance = owned
        for name in REQUIRED_TO_SEND:
            # the DSFR marker (the form saves drafts, so the fields are not `required`)
            self.fields[name].required_to_send = True
        dsfr_classes(self)
        if is_entry_mode:
            for name in ("amount_ht", "amount_tva", "amount_ttc"):
                self.fields[name].disabled = True
                self.fields[name].help_text = _("Calculé à partir des lignes.")

    def service_data(self, lines: list[dict] | None = None) -> dict:
        data = dict(self.cleaned_data)
        data.pop("token", None)
        data.pop("main_attachment", None)
        if lines is not None:
            data["lines"] = lines
        return data

    @property
    def shows_validator(self) -> bool:
        value = self["frame"].value()
        return value in (Frame.A9.value, Frame.A12.value)
