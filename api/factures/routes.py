"""Routes of the `factures` API (API.md §6), except `deposer/flux` (the flows' issue)."""

from ninja import Router

from api.factures import consult, deposit, download, process, search, submit
from api.operations import register

router = Router(tags=["factures"])

for path, schema, handler, operation_id in (
    ("/v1/deposer/pdf", deposit.DepositPdf, deposit.deposit_pdf, "deposerPdfFacture"),
    ("/v1/soumettre", submit.Submit, submit.submit, "soumettreFacture"),
    (
        "/v1/rechercher/fournisseur",
        search.SupplierSearch,
        search.search_supplier,
        "rechercherFactureParFournisseur",
    ),
    (
        "/v1/rechercher/recipiendaire",
        search.RecipientSearch,
        search.search_recipient,
        "rechercherFactureParRecipiendaire",
    ),
    (
        "/v1/rechercher/valideur",
        search.ValidatorSearch,
        search.search_validator,
        "rechercherFactureParValideur",
    ),
    ("/v1/consulter/historique", consult.History, consult.history, "consulterHistoriqueFacture"),
    ("/v1/traiter/recue", process.ProcessReceived, process.process_received, "traiterFactureRecue"),
    (
        "/v1/traiter/factureAValider",
        process.ProcessToValidate,
        process.process_to_validate,
        "traiterFactureAValider",
    ),
    ("/v1/completer", process.Complete, process.complete, "completerFacture"),
    ("/v1/recycler", process.Recycle, process.recycle, "recyclerFacture"),
    (
        "/v1/traiterRejet",
        process.ProcessRejected,
        process.process_rejected,
        "traiterFacturesRejetees",
    ),
    ("/v1/telecharger/groupe", download.Download, download.download, "telechargerGroupeFacture"),
):
    register(router, path, schema, handler, operation_id=operation_id)

for role, name in (
    ("fournisseur", "consulterFactureParFournisseur"),
    ("recipiendaire", "consulterFactureParRecipiendaire"),
    ("valideur", "consulterFactureParValideur"),
):
    register(
        router,
        f"/v1/consulter/{role}",
        consult.Consult,
        lambda user, data, role=role: consult.consult(user, data, role),
        operation_id=name,
    )
