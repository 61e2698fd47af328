"""Demo commitments (called by `manage.py seed_demo`, and first by `invoicing.demo` so that
the demo invoices find them at deposit; idempotent, keyed by (recipient, number)).

- "Destinataire Etat" publishes orders for "Fournisseur Démo SARL" (one of each type) and a
  contract for "Titulaire Démo SA"; "Destinataire avec EJ obligatoire" publishes two, so a
  deposit there with another number is refused (EJ-4).
- COMMITMENTS is opened on both public structures (their managers hold it); the whole-
  structure reviewer of "Destinataire Etat" consults it.
- The supplier's own Commitments tab opens when its demo invoice reaches MISE_EN_PAIEMENT
  (AREA-7, `commitments.signals`).
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone

from commitments.enums import CommitmentType, SupplierAnswer
from commitments.models import Commitment
from demo.structures import DOMAIN, STATE_SIRET, SUPPLIER_SIRET, TITULAIRE_SIRET
from portal.areas import AreaCode, Mode
from structures import access
from structures.enums import IdentifierType
from structures.models import Service, Structure

EJ_REQUIRED_SIRET = "12345678200036"

# (recipient SIRET, number, type, label, supplier SIRET, service code, amount HT,
#  days ago, validity in days (None: open), active, supplier's answer)
COMMITMENTS = (
    (
        STATE_SIRET,
        "1300004512",
        CommitmentType.BON_DE_COMMANDE,
        "Fourniture de mobilier de bureau",
        SUPPLIER_SIRET,
        "SFACETAT",
        Decimal("12000.00"),
        90,
        365,
        True,
        SupplierAnswer.ACCEPTEE,
    ),
    (
        STATE_SIRET,
        "1300004513",
        CommitmentType.AUTRE_CONTRAT,
        "Marché de maintenance informatique 2026",
        SUPPLIER_SIRET,
        "SFACETAT",
        Decimal("48000.00"),
        60,
        365,
        True,
        None,
    ),
    (
        STATE_SIRET,
        "1300004514",
        CommitmentType.ORDRE_DE_SERVICE,
        "Intervention urgente sur la climatisation",
        SUPPLIER_SIRET,
        None,
        Decimal("3500.00"),
        120,
        30,
        False,
        SupplierAnswer.ACCEPTEE,
    ),
    (
        STATE_SIRET,
        "1300004515",
        CommitmentType.BAIL,
        "Location d'un local d'archives",
        SUPPLIER_SIRET,
        None,
        Decimal("24000.00"),
        30,
        None,
        True,
        None,
    ),
    (
        STATE_SIRET,
        "1300004516",
        CommitmentType.SUBVENTION,
        "Subvention pour l'accueil d'apprentis",
        SUPPLIER_SIRET,
        None,
        Decimal("5000.00"),
        20,
        180,
        True,
        SupplierAnswer.REFUSEE,
    ),
    (
        STATE_SIRET,
        "1300004600",
        CommitmentType.AUTRE_CONTRAT,
        "Marché de travaux — lot 1 (sous-traitance admise au paiement direct)",
        TITULAIRE_SIRET,
        None,
        Decimal("250000.00"),
        150,
        730,
        True,
        SupplierAnswer.ACCEPTEE,
    ),
    (
        EJ_REQUIRED_SIRET,
        "EJ-2026-MRS-001",
        CommitmentType.BON_DE_COMMANDE,
        "Prestations de nettoyage des locaux",
        SUPPLIER_SIRET,
        None,
        Decimal("8400.00"),
        45,
        365,
        True,
        None,
    ),
    (
        EJ_REQUIRED_SIRET,
        "EJ-2026-MRS-002",
        CommitmentType.SUBVENTION,
        "Subvention exceptionnelle (clôturée)",
        SUPPLIER_SIRET,
        None,
        Decimal("1500.00"),
        200,
        90,
        False,
        None,
    ),
)


def _structure(siret: str) -> Structure:
    return Structure.objects.get(
        identifier_type=IdentifierType.SIRET, identifier=siret, is_active=True
    )


def _user(login: str):
    return get_user_model().objects.get(email=f"{login}@{DOMAIN}")


def ensure_commitments() -> int:
    """Create the demo commitments that are missing; returns how many were created."""
    state, ej_required = _structure(STATE_SIRET), _structure(EJ_REQUIRED_SIRET)
    for structure in (state, ej_required):
        access.open_area(structure, AreaCode.COMMITMENTS, actor=None)
    reviewer = _user("etat.valideur")
    if access.area_mode(reviewer, state, AreaCode.COMMITMENTS) is None:
        access.grant_area(reviewer, state, AreaCode.COMMITMENTS, Mode.VIEW, actor=None)
    author = _user("etat.gestionnaire")
    supplier_user = _user("fournisseur.principal")
    today = timezone.localdate()
    created = 0
    for (
        recipient_siret,
        number,
        kind,
        label,
        supplier_siret,
        service_code,
        amount,
        days_ago,
        validity,
        active,
        answer,
    ) in COMMITMENTS:
        recipient = _structure(recipient_siret)
        if Commitment.objects.filter(recipient=recipient, number__iexact=number).exists():
            continue
        supplier = _structure(supplier_siret)
        date = today - datetime.timedelta(days=days_ago)
        service = (
            Service.objects.filter(structure=recipient, code=service_code).first()
            if service_code
            else None
        )
        Commitment.objects.create(
            recipient=recipient,
            number=number,
            commitment_type=kind,
            label=label,
            supplier=supplier,
            supplier_identifier=supplier.identifier,
            service=service,
            amount_ht=amount,
            date=date,
            valid_from=date,
            valid_until=date + datetime.timedelta(days=validity) if validity else None,
            is_active=active,
            supplier_answer=answer,
            answered_at=timezone.now() - datetime.timedelta(days=days_ago - 2) if answer else None,
            answered_by=supplier_user if answer and supplier_siret == SUPPLIER_SIRET else None,
            created_by=author if recipient == state else None,
            created_at=timezone.now() - datetime.timedelta(days=days_ago),
        )
        created += 1
    return created


def seed(stdout) -> None:
    created = ensure_commitments()
    total = Commitment.objects.count()
    stdout.write(f"Commitments: {created} created, {total} in the database.")
