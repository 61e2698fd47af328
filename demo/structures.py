"""Demo structures and users (called by `manage.py seed_demo`; idempotent).

- The public qualification recipients of DIR-5, with their parameters and services; all
  five SIRETs pass the STR-4 check.
- Private companies with fixed, valid SIRETs: a supplier (main manager, secondary manager,
  simple user), a subcontractor, a cotraitant and a titulaire/mandataire with "Factures à
  valider" (TO_VALIDATE) open.
- Public reviewers on "Destinataire Etat": one attached to the whole structure, one
  restricted to the service SFACETAT, and the public main manager.
Every account is verified and uses the password below.
"""

from __future__ import annotations

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.areas import AreaCode, Mode
from structures import access
from structures.enums import IdentifierType, Role, StructureKind
from structures.models import BankAccount, Membership, Service, Structure

PASSWORD = "Demo-Chorus-2026"  # noqa: S105 - published demo password (README)
DOMAIN = "chorus-demo.test"

_RECIPIENT_PARAMETERS = (
    "service_code_required",
    "engagement_required",
    "engagement_or_service_required",
    "payment_status_not_reported",
)

# DIR-5: (SIRET, name, parameter, service code, service name, street, postcode, city)
PUBLIC_RECIPIENTS = (
    (
        "11000201100044",
        "Destinataire Etat",
        None,
        "SFACETAT",
        "Service facturier de l'État",
        "139 rue de Bercy",
        "75012",
        "Paris",
    ),
    (
        "12345678200028",
        "Destinataire avec service obligatoire",
        "service_code_required",
        "SERVICE_DEST_SERV_OBL",
        "Service destinataire (code service obligatoire)",
        "20 rue de la République",
        "69002",
        "Lyon",
    ),
    (
        "12345678200036",
        "Destinataire avec EJ obligatoire",
        "engagement_required",
        None,
        None,
        "2 quai de la Joliette",
        "13002",
        "Marseille",
    ),
    (
        "12345678200044",
        "Destinataire avec EJ ou service obligatoire",
        "engagement_or_service_required",
        "SERVICE_DEST_EJ_OU_SERV_OBL",
        "Service destinataire (EJ ou code service obligatoire)",
        "1 place Pey-Berland",
        "33000",
        "Bordeaux",
    ),
    (
        "12345678200051",
        "Destinataire sans paramètre",
        None,
        None,
        None,
        "8 rue de Tournai",
        "59000",
        "Lille",
    ),
)

STATE_SIRET = "11000201100044"

# Fixed private SIRETs (Luhn-valid SIREN and SIRET, invented numbers).
SUPPLIER_SIRET = "90100001800019"
SUBCONTRACTOR_SIRET = "90200002500012"
COTRAITANT_SIRET = "90300003200016"
TITULAIRE_SIRET = "90400004900018"
# A supplier whose rejected invoice waits for acknowledgement for more than 7 days: its
# account shows the blocking pop-up of LIF-6 (the main demo supplier greets with its home).
LATE_SUPPLIER_SIRET = "90500005500012"

PRIVATE_COMPANIES = (
    # (SIRET, name, street, postcode, city, IBAN, BIC)
    (
        SUPPLIER_SIRET,
        "Fournisseur Démo SARL",
        "10 rue des Artisans",
        "44000",
        "Nantes",
        "FR7630004000010001234567830",
        "BNPAFRPPXXX",
    ),
    (
        SUBCONTRACTOR_SIRET,
        "Sous-Traitant Démo",
        "5 avenue des Sous-Traitants",
        "31000",
        "Toulouse",
        "FR7610278000010002003456771",
        "CMCIFR2A",
    ),
    (
        COTRAITANT_SIRET,
        "Cotraitant Démo",
        "12 boulevard du Groupement",
        "67000",
        "Strasbourg",
        "FR7620041000010003004567891",
        "PSSTFRPPXXX",
    ),
    (
        LATE_SUPPLIER_SIRET,
        "Fournisseur Retardataire SARL",
        "3 rue des Retards",
        "49000",
        "Angers",
        "FR8930004000010009876543200",
        "BNPAFRPPXXX",
    ),
    (
        TITULAIRE_SIRET,
        "Titulaire Démo SA",
        "1 place du Marché Public",
        "35000",
        "Rennes",
        "FR7618206000010004005678959",
        "AGRIFRPP",
    ),
)

# (login, first name, last name, structure SIRET, role, service codes, extra areas, description)
ACCOUNTS = (
    (
        "fournisseur.principal",
        "Paul",
        "Fournisseur",
        SUPPLIER_SIRET,
        Role.MAIN_MANAGER,
        (),
        {},
        _("Fournisseur Démo SARL — gestionnaire principal"),
    ),
    (
        "fournisseur.secondaire",
        "Sophie",
        "Fournisseur",
        SUPPLIER_SIRET,
        Role.SECONDARY_MANAGER,
        (),
        {},
        _("Fournisseur Démo SARL — gestionnaire secondaire"),
    ),
    (
        "fournisseur.utilisateur",
        "Ugo",
        "Fournisseur",
        SUPPLIER_SIRET,
        Role.USER,
        (),
        {AreaCode.ISSUED: Mode.CHANGE},
        _("Fournisseur Démo SARL — utilisateur simple (Factures émises en modification)"),
    ),
    (
        "fournisseur.retardataire",
        "Rémi",
        "Retardataire",
        LATE_SUPPLIER_SIRET,
        Role.MAIN_MANAGER,
        (),
        {},
        _(
            "Fournisseur Retardataire SARL — gestionnaire principal ; un rejet non acquitté depuis "
            "plus de 7 jours : montre la fenêtre bloquante d'acquittement (LIF-6)"
        ),
    ),
    (
        "sous-traitant",
        "Sam",
        "Sous-Traitant",
        SUBCONTRACTOR_SIRET,
        Role.MAIN_MANAGER,
        (),
        {},
        _("Sous-Traitant Démo — gestionnaire principal"),
    ),
    (
        "cotraitant",
        "Claire",
        "Cotraitant",
        COTRAITANT_SIRET,
        Role.MAIN_MANAGER,
        (),
        {},
        _("Cotraitant Démo — gestionnaire principal"),
    ),
    (
        "titulaire",
        "Thomas",
        "Titulaire",
        TITULAIRE_SIRET,
        Role.MAIN_MANAGER,
        (),
        {},
        _("Titulaire Démo SA (Factures à valider ouvert) — gestionnaire principal"),
    ),
    (
        "etat.gestionnaire",
        "Gaëlle",
        "Etat",
        STATE_SIRET,
        Role.MAIN_MANAGER,
        (),
        {},
        _("Destinataire Etat (publique) — gestionnaire principal"),
    ),
    (
        "etat.valideur",
        "Victor",
        "Etat",
        STATE_SIRET,
        Role.USER,
        (),
        {AreaCode.RECEIVED: Mode.CHANGE},
        _("Destinataire Etat — valideur, toute la structure (Factures reçues en modification)"),
    ),
    (
        "etat.service",
        "Sarah",
        "Etat",
        STATE_SIRET,
        Role.USER,
        ("SFACETAT",),
        {AreaCode.RECEIVED: Mode.CHANGE},
        _("Destinataire Etat — valideur restreint au service SFACETAT"),
    ),
)


def _structure(siret: str, kind: str, **values) -> Structure:
    """The active structure with this SIRET, created or brought back to the demo values."""
    structure = Structure.objects.filter(
        identifier_type=IdentifierType.SIRET, identifier=siret, is_active=True
    ).first()
    if structure is None:
        return Structure.objects.create(
            identifier_type=IdentifierType.SIRET, identifier=siret, kind=kind, **values
        )
    changed = [field for field, value in values.items() if getattr(structure, field) != value]
    for field in changed:
        setattr(structure, field, values[field])
    if changed:
        structure.save(update_fields=changed)
    return structure


def _user(login: str, first_name: str, last_name: str):
    email = f"{login}@{DOMAIN}"
    user, created = get_user_model().objects.get_or_create(
        email=email, defaults={"first_name": first_name, "last_name": last_name}
    )
    if created or not user.has_usable_password():
        user.set_password(PASSWORD)
        user.save(update_fields=["password"])
    EmailAddress.objects.update_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    return user


def _attach(user, structure: Structure, role: str, service_codes=(), extra_areas=None) -> None:
    membership, _created = Membership.objects.get_or_create(
        user=user, structure=structure, defaults={"role": role}
    )
    if membership.role != role:
        membership.role = role
        membership.save(update_fields=["role"])
    membership.services.set(structure.services.filter(code__in=service_codes))
    access.grant_default_areas(user, structure, actor=None)
    for code, mode in (extra_areas or {}).items():
        access.open_area(structure, code, actor=None)
        access.grant_area(user, structure, code, mode, actor=None)


def seed(stdout) -> None:
    structures: dict[str, Structure] = {}
    for siret, name, parameter, code, service_name, street, postcode, city in PUBLIC_RECIPIENTS:
        values = dict.fromkeys(_RECIPIENT_PARAMETERS, False)
        if parameter:
            values[parameter] = True
        structure = _structure(
            siret,
            StructureKind.PUBLIQUE,
            company_name=name,
            street=street,
            postcode=postcode,
            city=city,
            country="FR",
            **values,
        )
        access.open_area(structure, AreaCode.RECEIVED, actor=None)  # DIR-2, AREA-1
        if code:
            Service.objects.update_or_create(
                structure=structure,
                code=code,
                defaults={"name": service_name, "is_active": True, "postcode": postcode},
            )
        structures[siret] = structure

    for siret, name, street, postcode, city, iban, bic in PRIVATE_COMPANIES:
        structure = _structure(
            siret,
            StructureKind.PRIVEE,
            company_name=name,
            street=street,
            postcode=postcode,
            city=city,
            country="FR",
        )
        BankAccount.objects.update_or_create(
            structure=structure,
            iban=iban,
            defaults={"label": "Compte principal", "bic": bic, "is_active": True},
        )
        structures[siret] = structure
    access.open_area(structures[TITULAIRE_SIRET], AreaCode.TO_VALIDATE, actor=None)

    rows = []
    for login, first, last, siret, role, codes, extra, description in ACCOUNTS:
        user = _user(login, first, last)
        _attach(user, structures[siret], role, codes, extra)
        rows.append((user.email, description))

    # MAN-1: the companies can deposit in entry mode (saisie) straight away.
    main_managers = dict(
        Membership.objects.filter(
            structure__in=[structures[s] for s, *_rest in PRIVATE_COMPANIES],
            role=Role.MAIN_MANAGER,
        ).values_list("structure_id", "user_id")
    )
    for siret, *_rest in PRIVATE_COMPANIES:
        structure = structures[siret]
        if structure.billing_mandate_accepted_at is None:
            structure.billing_mandate_accepted_at = timezone.now()
            structure.billing_mandate_accepted_by_id = main_managers.get(structure.pk)
            structure.save(
                update_fields=["billing_mandate_accepted_at", "billing_mandate_accepted_by"]
            )

    stdout.write(f"Structures: demo accounts (password: {PASSWORD})")
    stdout.write("| Login | Password | Role |")
    stdout.write("|---|---|---|")
    for email, description in rows:
        stdout.write(f"| {email} | {PASSWORD} | {description} |")
