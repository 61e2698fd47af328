"""The columns of a described file kept outside an invoice dossier (§5.5): the files of My
account (ACC-8) and of a legal commitment (EJ-1). Abstract: each app has its own table."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from invoicing.enums import AttachmentType


class DescribedFile(models.Model):
    path = models.CharField(max_length=255)  # relative to MEDIA_ROOT, random name
    original_name = models.CharField(_("Nom du fichier"), max_length=50)  # ATT-1
    size = models.PositiveBigIntegerField(_("Taille"))
    sha256 = models.CharField(max_length=64)
    content_type = models.CharField(max_length=100, blank=True)
    designation = models.CharField(_("Désignation"), max_length=100)  # ATT-6
    attachment_type = models.CharField(
        _("Type de pièce jointe"), max_length=30, choices=AttachmentType.choices
    )
    created_at = models.DateTimeField(_("Ajoutée le"), default=timezone.now)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.original_name
