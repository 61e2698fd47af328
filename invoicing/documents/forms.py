"""The attachment form (ATT-6), shared by every screen that takes a complementary file:
the deposit, My account (ACC-8) and a legal commitment (EJ-1)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from invoicing.enums import AttachmentType
from invoicing.rules import fields
from portal.params import ControlCharactersMixin


class AttachmentForm(ControlCharactersMixin, forms.Form):
    """ATT-6: a file, its designation and its type (seed 004: Fichier, Désignation, Type)."""

    file = forms.FileField(label=_("Fichier"), required=False)
    designation = forms.CharField(
        label=_("Désignation"), max_length=fields.ATTACHMENT_DESIGNATION_MAX, required=False
    )
    attachment_type = forms.ChoiceField(
        label=_("Type"), choices=[("", "—"), *AttachmentType.choices], required=False
    )
