"""`consulter/historique` pages its three lists as API.md §4.5 and §6.8 say: the request
objects `paramRechercheHistoStatuts`, `paramRechercheHistoActionsUtilisateurs`,
`paramRechercheHistoEvenementsComplementaires` with suffixed fields (PAG-1: 100 rows by
default, at most 1000, pages 1-based; PAG-3: sorts), answered with the same suffixes."""

import math

import pytest

from invoicing.models import StatusEvent
from tests.api.factures.test_sequences import _deposit

HISTORY = "factures/v1/consulter/historique"
CHAIN = ["PRISE_EN_COMPTE_DESTINATAIRE", "SERVICE_FAIT", "MANDATEE"]


@pytest.fixture
def invoice_id(world, django_capture_on_commit_callbacks):
    invoice_id = _deposit(world, django_capture_on_commit_callbacks)
    for status in CHAIN:
        body = world.public.post(
            "factures/v1/traiter/recue", {"idFacture": invoice_id, "nouveauStatut": status}
        ).json()
        assert body["codeRetour"] == 0, body
    for _ in range(2):
        world.public.post(
            "factures/v1/telecharger/groupe", {"listeFacture": [{"idFacture": invoice_id}]}
        )
    return invoice_id


def _history(world, invoice_id, **extra):
    return world.supplier.post(HISTORY, {"idFacture": invoice_id, **extra}).json()


def test_defaults_are_100_rows_page_1_most_recent_first(world, invoice_id):
    body = _history(world, invoice_id)
    statuses = body["historiquesDesStatuts"]
    codes = [row["histoStatutCode"] for row in statuses["histoStatut"]]
    assert codes[:3] == ["MANDATEE", "SERVICE_FAIT", "PRISE_EN_COMPTE_DESTINATAIRE"]
    total = len(codes)
    assert total >= 5
    assert {k: v for k, v in statuses.items() if k != "histoStatut"} == {
        "nbResultatsParPageListeHistoStatut": 100,
        "pageCouranteListeHistoStatut": 1,
        "pagesListeHistoStatut": 1,
        "totalListeHistoStatut": total,
    }
    actions = body["historiquesDesActionsUtilisateurs"]
    assert [a["histoActionCode"] for a in actions["histoAction"]] == [
        "TELECHARGEMENT_FACTURE",
        "TELECHARGEMENT_FACTURE",
    ]
    assert (
        actions["nbResultatsParPageListeHistoAction"],
        actions["pageCouranteListeHistoAction"],
        actions["pagesListeHistoAction"],
        actions["totalListeHistoAction"],
    ) == (100, 1, 1, 2)
    events = body["historiquesDesEvenementsComplementaires"]
    assert events == {
        "evenement": [],
        "nbResultatsParPageListeHistoEvenement": 100,
        "pageCouranteListeHistoEvenement": 1,
        "pagesListeHistoEvenement": 0,
        "totalListeHistoEvenement": 0,
    }


def test_a_page_of_the_statuses(world, invoice_id):
    everything = [
        r["histoStatutCode"]
        for r in _history(world, invoice_id)["historiquesDesStatuts"]["histoStatut"]
    ]
    body = _history(
        world,
        invoice_id,
        paramRechercheHistoStatuts={
            "nbResultatsParPageListeHistoStatut": 2,
            "pageResultatDemandeeListeHistoStatut": "2",
        },
    )
    statuses = body["historiquesDesStatuts"]
    assert [r["histoStatutCode"] for r in statuses["histoStatut"]] == everything[2:4]
    assert statuses["nbResultatsParPageListeHistoStatut"] == 2
    assert statuses["pageCouranteListeHistoStatut"] == 2
    assert statuses["pagesListeHistoStatut"] == math.ceil(len(everything) / 2)
    assert statuses["totalListeHistoStatut"] == len(everything)
    # The other lists keep their defaults.
    assert body["historiquesDesActionsUtilisateurs"]["nbResultatsParPageListeHistoAction"] == 100


def test_sorts_ascending_and_by_code(world, invoice_id):
    everything = [
        r["histoStatutCode"]
        for r in _history(world, invoice_id)["historiquesDesStatuts"]["histoStatut"]
    ]
    ascending = _history(
        world,
        invoice_id,
        paramRechercheHistoStatuts={"triSensListeHistoStatut": " ascendant "},
    )["historiquesDesStatuts"]["histoStatut"]
    assert [r["histoStatutCode"] for r in ascending] == everything[::-1]
    by_code = _history(
        world,
        invoice_id,
        paramRechercheHistoStatuts={
            "triColonneListeHistoStatut": "HistoStatutCode",
            "triSensListeHistoStatut": "Ascendant",
        },
    )["historiquesDesStatuts"]["histoStatut"]
    assert [r["histoStatutCode"] for r in by_code] == sorted(everything)
    unknown = _history(
        world, invoice_id, paramRechercheHistoStatuts={"triColonneListeHistoStatut": "Nope"}
    )["historiquesDesStatuts"]["histoStatut"]
    assert [r["histoStatutCode"] for r in unknown] == everything  # PAG-3: default sort


def test_actions_are_paged_and_the_last_action_does_not_depend_on_the_page(world, invoice_id):
    body = _history(
        world,
        invoice_id,
        paramRechercheHistoActionsUtilisateurs={
            "nbResultatsParPageListeHistoAction": 1,
            "pageResultatDemandeeListeHistoAction": 2,
        },
    )
    actions = body["historiquesDesActionsUtilisateurs"]
    assert len(actions["histoAction"]) == 1
    assert (actions["pagesListeHistoAction"], actions["totalListeHistoAction"]) == (2, 2)
    newest = StatusEvent.objects.filter(invoice_id=invoice_id).exclude(action="").latest("id")
    assert actions["histoAction"][0]["histoActionId"] != newest.pk
    assert body["derniereAction"]["derniereActionId"] == newest.pk


def test_bounds_and_bad_values(world, invoice_id):
    body = _history(
        world,
        invoice_id,
        paramRechercheHistoStatuts={"nbResultatsParPageListeHistoStatut": 5000},
    )
    assert body["historiquesDesStatuts"]["nbResultatsParPageListeHistoStatut"] == 1000
    beyond = _history(
        world,
        invoice_id,
        paramRechercheHistoStatuts={"pageResultatDemandeeListeHistoStatut": 9},
    )
    assert beyond["codeRetour"] == 0
    assert beyond["historiquesDesStatuts"]["histoStatut"] == []
    assert beyond["historiquesDesStatuts"]["pageCouranteListeHistoStatut"] == 9
    bad = world.supplier.post(
        HISTORY,
        {
            "idFacture": invoice_id,
            "paramRechercheHistoStatuts": {"nbResultatsParPageListeHistoStatut": "beaucoup"},
        },
    )
    assert bad.status_code == 400
    assert bad.json()["codeRetour"] == 20005
    # TOL-3: zero values and empty objects mean "not provided".
    zero = _history(
        world,
        invoice_id,
        paramRechercheHistoStatuts={
            "nbResultatsParPageListeHistoStatut": 0,
            "pageResultatDemandeeListeHistoStatut": 0,
        },
        paramRechercheHistoActionsUtilisateurs={},
    )
    assert zero["historiquesDesStatuts"]["nbResultatsParPageListeHistoStatut"] == 100
    assert zero["historiquesDesStatuts"]["pageCouranteListeHistoStatut"] == 1


def test_nb_resultats_maximum_caps_before_paging(world, invoice_id):
    body = _history(
        world,
        invoice_id,
        nbResultatsMaximum=3,
        paramRechercheHistoStatuts={"nbResultatsParPageListeHistoStatut": 2},
    )
    statuses = body["historiquesDesStatuts"]
    assert statuses["totalListeHistoStatut"] == 3
    assert statuses["pagesListeHistoStatut"] == 2
    assert [r["histoStatutCode"] for r in statuses["histoStatut"]] == ["MANDATEE", "SERVICE_FAIT"]


def test_consulter_sub_lists_default_to_100_rows(world, django_capture_on_commit_callbacks):
    invoice_id = _deposit(world, django_capture_on_commit_callbacks)
    body = world.supplier.post(
        "factures/v1/consulter/fournisseur", {"identifiantFactureCPP": invoice_id}
    ).json()
    assert body["facture"]["lignesDePoste"]["nbResultatsParPageLignesPoste"] == 100
