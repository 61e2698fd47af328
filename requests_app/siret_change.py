"""SIR-1: a local authority's SIRET change goes through the support desk. Its manager's
request (from the structure's SIRET change, SIR-2) becomes a sollicitation to the support,
which carries it out from the sollicitation (`guided.carry_out`, SOL-6)."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from requests_app import services
from requests_app.enums import Category, Subcategory
from requests_app.models import Sollicitation
from structures import access, identifier_change


@transaction.atomic
def request_siret_change(*, actor, structure, new_identifier: str) -> Sollicitation:
    """SIR-1: a manager of a local authority asks the support desk to change its SIRET (a
    sollicitation the support carries out, SOL-6). Checked like a direct change (SIR-3); a
    request still open for the structure is returned instead of a second one."""
    access.require_manager(actor, structure)
    if not identifier_change.through_support(structure):
        raise services.SollicitationError(
            _("Cette structure change son identifiant sans sollicitation.")
        )
    siret = identifier_change.check_new_identifier(structure, new_identifier)
    pending = (
        Sollicitation.objects.select_for_update()
        .filter(
            subcategory=Subcategory.CHANGEMENT_SIRET,
            sender_structure=structure,
            status__in=services.OPEN_STATUSES,
        )
        .first()
    )
    if pending is not None:
        return pending
    names = {"name": structure.company_name, "old": structure.identifier, "new": siret}
    return services.open_new(
        actor=actor,
        sender_structure=structure,
        category=Category.GESTION_STRUCTURES_UTILISATEURS,
        subcategory=Subcategory.CHANGEMENT_SIRET,
        subject=_("Changement de SIRET de %(name)s") % names,
        message=_(
            "Merci de remplacer l'identifiant %(old)s de la structure %(name)s par le SIRET "
            "%(new)s."
        )
        % names,
        invoice=None,
        details={"structure_identifier": structure.identifier, "siret": siret},
        checked=[],
    )
