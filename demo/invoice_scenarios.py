"""The demo invoices as data: one scenario per invoice (parties, frame, lines) and the
steps that take it through the life cycle, each on its day. `demo.invoicing` builds them."""

from __future__ import annotations

from dataclasses import dataclass, field

from demo.structures import (
    COTRAITANT_SIRET,
    LATE_SUPPLIER_SIRET,
    STATE_SIRET,
    SUBCONTRACTOR_SIRET,
    SUPPLIER_SIRET,
    TITULAIRE_SIRET,
)
from invoicing.enums import Frame

SERVICE_REQUIRED_SIRET = "12345678200028"


EJ_REQUIRED_SIRET = "12345678200036"


NO_PARAMETER_SIRET = "12345678200051"


@dataclass
class Step:
    day: float  # days after the scenario's start (its first event)
    action: str
    actor: str | None = None  # demo login
    args: dict = field(default_factory=dict)


@dataclass
class Scenario:
    number: str
    supplier: str  # SIRET
    recipient: str  # SIRET
    days_ago: int  # when the scenario started
    steps: list[Step]
    lines: list[tuple[str, str, str, str]]  # designation, quantity, unit price, VAT rate
    service: str | None = None
    frame: str = Frame.A1
    validator: str | None = None  # SIRET (A9, A12)
    engagement: str = ""
    market: str = ""
    comment: str = ""


SUPPLY = [
    ("Chaise de bureau ergonomique", "10", "189.00", "20"),
    ("Bureau réglable en hauteur", "4", "540.00", "20"),
]


SERVICE = [("Maintenance informatique — forfait mensuel", "1", "3500.00", "20")]


CLEANING = [("Nettoyage des locaux — mois échu", "1", "700.00", "20")]


WORKS = [
    ("Travaux de plâtrerie — situation n° 2", "1", "18400.00", "20"),
    ("Évacuation des gravats", "3", "250.00", "10"),
]


STUDY = [("Étude de sol", "1", "2400.00", "20"), ("Rapport et plans", "1", "600.00", "5.5")]


FP, FU = "fournisseur.principal", "fournisseur.utilisateur"


EV, ES = "etat.valideur", "etat.service"


ST, CT, TI = "sous-traitant", "cotraitant", "titulaire"


PAID_CHAIN = ("SERVICE_FAIT", "MANDATEE", "MISE_A_DISPOSITION_COMPTABLE", "COMPTABILISEE")


SCENARIOS: tuple[Scenario, ...] = (
    # --- Fournisseur Démo SARL → Destinataire Etat (every recipient status) --------------
    Scenario("FD-2026-001", SUPPLIER_SIRET, STATE_SIRET, 1, [Step(0, "draft", FU)], SUPPLY),
    Scenario(
        "FD-2026-002",
        SUPPLIER_SIRET,
        STATE_SIRET,
        2,
        [Step(0, "submit", FU)],
        SERVICE,
        service="SFACETAT",
        engagement="1300004513",
    ),
    Scenario(
        "FD-2026-003",
        SUPPLIER_SIRET,
        STATE_SIRET,
        6,
        [Step(0, "submit", FU), Step(2, "take", ES)],
        SUPPLY,
        service="SFACETAT",
    ),
    Scenario(
        "FD-2026-004",
        SUPPLIER_SIRET,
        STATE_SIRET,
        12,
        [
            Step(0, "submit", FP),
            Step(1, "take", EV),
            Step(
                3,
                "suspend",
                EV,
                {
                    "reason": "Le bon de commande signé est manquant : merci de le joindre à la facture."
                },
            ),
            # Acknowledged, still to complete: the LIF-6 pop-up is fournisseur.retardataire's.
            Step(4, "acknowledge", FP),
        ],
        SUPPLY,
        engagement="1300004512",
    ),
    Scenario(
        "FD-2026-005",
        SUPPLIER_SIRET,
        STATE_SIRET,
        20,
        [
            Step(0, "submit", FP),
            Step(2, "suspend", EV, {"reason": "Le RIB indiqué ne correspond pas au contrat."}),
            Step(3, "acknowledge", FP),
            Step(
                4,
                "complete",
                FP,
                {"comment": "Coordonnées bancaires corrigées : voir le RIB du compte principal."},
            ),
        ],
        SERVICE,
    ),
    Scenario(
        "FD-2026-006",
        SUPPLIER_SIRET,
        STATE_SIRET,
        9,
        [
            Step(0, "submit", FU),
            Step(
                2,
                "to_recycle",
                EV,
                {
                    "reason": "Cette facture relève d'un autre destinataire : merci de la recycler vers la bonne structure."
                },
            ),
        ],
        CLEANING,
    ),
    Scenario(
        "FR-2026-001",
        LATE_SUPPLIER_SIRET,
        STATE_SIRET,
        15,
        [
            Step(0, "submit", "fournisseur.retardataire"),
            Step(3, "reject", EV, {"reason": "Facture en double de la facture FD-2026-003."}),
        ],
        SUPPLY,
    ),
    Scenario(
        "FD-2026-008",
        SUPPLIER_SIRET,
        STATE_SIRET,
        25,
        [
            Step(0, "submit", FP),
            Step(2, "take", EV),
            Step(6, "advance", EV, {"to": PAID_CHAIN[:1]}),
        ],
        SUPPLY,
        service="SFACETAT",
        engagement="1300004512",
    ),
    Scenario(
        "FD-2026-009",
        SUPPLIER_SIRET,
        STATE_SIRET,
        30,
        [
            Step(0, "submit", FP),
            Step(3, "take", EV),
            Step(8, "advance", EV, {"to": PAID_CHAIN[:2]}),
        ],
        SERVICE,
        engagement="1300004513",
    ),
    Scenario(
        "FD-2026-010",
        SUPPLIER_SIRET,
        STATE_SIRET,
        35,
        [
            Step(0, "submit", FP),
            Step(3, "take", EV),
            Step(9, "advance", EV, {"to": PAID_CHAIN[:3]}),
        ],
        SERVICE,
        engagement="1300004513",
    ),
    Scenario(
        "FD-2026-011",
        SUPPLIER_SIRET,
        STATE_SIRET,
        40,
        [Step(0, "submit", FP), Step(2, "take", EV), Step(10, "advance", EV, {"to": PAID_CHAIN})],
        SUPPLY,
    ),
    Scenario(
        "FD-2026-012",
        SUPPLIER_SIRET,
        STATE_SIRET,
        50,
        [
            Step(0, "submit", FP),
            Step(1, "take", ES),
            Step(6, "advance", ES, {"to": PAID_CHAIN}),
            Step(20, "advance", ES, {"to": ("MISE_EN_PAIEMENT",)}),
        ],
        SUPPLY,
        service="SFACETAT",
        engagement="1300004512",
    ),
    Scenario(
        "FD-2026-013",
        SUPPLIER_SIRET,
        STATE_SIRET,
        18,
        [
            Step(0, "submit", FU),
            Step(2, "to_recycle", EV, {"reason": "Destinataire erroné."}),
            Step(3, "recycle", FU, {"recipient": NO_PARAMETER_SIRET}),
        ],
        CLEANING,
    ),
    Scenario(
        "FD-2026-014",
        SUPPLIER_SIRET,
        STATE_SIRET,
        28,
        [
            Step(0, "submit", FP),
            Step(2, "reject", EV, {"reason": "Prestation non commandée par nos services."}),
            Step(4, "process_rejection", FP),
        ],
        STUDY,
    ),
    Scenario(
        "FD-2026-015",
        SUPPLIER_SIRET,
        EJ_REQUIRED_SIRET,
        4,
        [Step(0, "submit", FU)],
        CLEANING,
        engagement="EJ-2026-MRS-001",
    ),
    Scenario(
        "FD-2026-016",
        SUPPLIER_SIRET,
        STATE_SIRET,
        3,
        [Step(0, "submit", FP)],
        SERVICE,
        frame=Frame.A2,
        comment="Facture déjà réglée par carte d'achat.",
    ),
    Scenario(
        "FD-2026-017",
        SUPPLIER_SIRET,
        STATE_SIRET,
        42,
        [Step(0, "submit", FP), Step(5, "take", EV)],
        STUDY,
    ),
    Scenario(
        "FD-2026-018",
        SUPPLIER_SIRET,
        SERVICE_REQUIRED_SIRET,
        5,
        [Step(0, "submit", FU)],
        STUDY,
        service="SERVICE_DEST_SERV_OBL",
    ),
    # --- Sous-Traitant Démo (A9), validated by Titulaire Démo SA ------------------------
    Scenario(
        "ST-2026-001",
        SUBCONTRACTOR_SIRET,
        STATE_SIRET,
        3,
        [Step(0, "submit", ST)],
        WORKS,
        frame=Frame.A9,
        validator=TITULAIRE_SIRET,
        market="MAR-2026-0042",
    ),
    Scenario(
        "ST-2026-002",
        SUBCONTRACTOR_SIRET,
        STATE_SIRET,
        11,
        [Step(0, "submit", ST)],
        WORKS,
        frame=Frame.A9,
        validator=TITULAIRE_SIRET,
        market="MAR-2026-0042",
    ),
    Scenario(
        "ST-2026-003",
        SUBCONTRACTOR_SIRET,
        STATE_SIRET,
        14,
        [
            Step(0, "submit", ST),
            Step(
                4,
                "validate",
                TI,
                {"message": "Je suis titulaire du marché MAR-2026-0042 ; travaux conformes."},
            ),
            Step(7, "take", EV),
        ],
        WORKS,
        frame=Frame.A9,
        validator=TITULAIRE_SIRET,
        market="MAR-2026-0042",
    ),
    Scenario(
        "ST-2026-004",
        SUBCONTRACTOR_SIRET,
        STATE_SIRET,
        8,
        [
            Step(0, "submit", ST),
            Step(
                2,
                "refuse",
                TI,
                {"reason": "Le montant dépasse la part sous-traitée acceptée par l'acheteur."},
            ),
        ],
        WORKS,
        frame=Frame.A9,
        validator=TITULAIRE_SIRET,
        market="MAR-2026-0042",
    ),
    Scenario(
        "ST-2026-005",
        SUBCONTRACTOR_SIRET,
        STATE_SIRET,
        20,
        [Step(0, "submit", ST), Step(15, "expire")],
        WORKS,
        frame=Frame.A9,
        validator=TITULAIRE_SIRET,
        market="MAR-2026-0042",
    ),
    # --- Cotraitant Démo (A12), validated by the mandataire Titulaire Démo SA -----------
    Scenario(
        "CT-2026-001",
        COTRAITANT_SIRET,
        STATE_SIRET,
        2,
        [Step(0, "submit", CT)],
        STUDY,
        frame=Frame.A12,
        validator=TITULAIRE_SIRET,
        market="MAR-2026-0042",
    ),
    Scenario(
        "CT-2026-002",
        COTRAITANT_SIRET,
        STATE_SIRET,
        16,
        [
            Step(0, "submit", CT),
            Step(3, "validate", TI, {"message": "Je suis mandataire du groupement."}),
            Step(6, "take", EV),
        ],
        STUDY,
        frame=Frame.A12,
        validator=TITULAIRE_SIRET,
        market="MAR-2026-0042",
    ),
)
