"""`consulter/fournisseur|recipiendaire|valideur` and `consulter/historique` (API.md §6.7,
§6.8)."""

from __future__ import annotations

from collections.abc import Mapping

from api import pagination, params, scope
from api.errors import ApiError, ok
from api.factures import detail, serialize
from api.formats import minute
from api.schemas import body
from invoicing.errors import ReturnCode
from invoicing.models import StatusEvent
from structures.models import Membership

Consult = body(
    "ConsulterFacture",
    "identifiantFactureCPP",
    "idFacture",
    "codeLangue",
    "idUtilisateurCourant",
    "numeroFacture",
    "identifiantFournisseur",
    "typeIdentifiantFournisseur",
    "pLignesPoste",
    "pListePiecesJointes",
    "pLigneRecapTva",
    "rechercheLignePoste",
    "recherchePj",
    "rechercheligneTvaRecap",
)
History = body(
    "ConsulterHistoriqueFacture",
    "idFacture",
    "nbResultatsMaximum",
    "paramRechercheHistoStatuts",
    "paramRechercheHistoActionsUtilisateurs",
    "paramRechercheHistoEvenementsComplementaires",
    "idEspace",
    "idUtilisateurCourant",
)
ROLE_QUERYSETS = {
    "fournisseur": scope.supplier_invoices,
    "recipiendaire": scope.recipient_invoices,
    "valideur": scope.validator_invoices,
}


def invoice_id(data: Mapping) -> int:
    """TOL-6: `identifiantFactureCPP` or its alias `idFacture`."""
    value = data.get("identifiantFactureCPP")
    if params.is_empty(value) or value == 0:
        return params.required_id(data.get("idFacture"), "identifiantFactureCPP")
    return params.required_id(value, "identifiantFactureCPP")


def consult(user, data: Mapping, role: str) -> dict:
    pk = invoice_id(data)
    # One statement for the invoice, its parties and sub-lists (issue 12), then the scope
    # (SCP-3: out of scope answers like an unknown id): the supplier's is checked on the
    # row itself, the other roles' by their scoped queryset.
    invoice, related = detail.invoice_in_full(pk)
    if invoice is None:
        raise ApiError(ReturnCode.NOT_FOUND)
    if role == "fournisseur":
        visible = scope.supplier_sees(user, invoice)
    else:
        visible = ROLE_QUERYSETS[role](user).filter(pk=pk).exists()
    if not visible:
        raise ApiError(ReturnCode.NOT_FOUND)
    pages = {
        "lines": data.get("pLignesPoste") or data.get("rechercheLignePoste"),
        "vat": data.get("pLigneRecapTva") or data.get("rechercheligneTvaRecap"),
        "attachments": data.get("pListePiecesJointes") or data.get("recherchePj"),
    }
    return ok(facture=serialize.full(invoice, pages, related))


def _person(event: StatusEvent, visible_ids: set[int]) -> dict:
    actor = event.actor
    if actor is None:
        return {"nom": "Système", "prenom": None, "email": None, "telephone": None}
    shown = actor.pk in visible_ids
    return {
        "nom": actor.last_name or actor.email,
        "prenom": actor.first_name or None,
        "email": actor.email if shown else None,
        "telephone": (actor.phone or None) if shown else None,
    }


# §6.8: the three sub-lists, their request object, field suffix and sorts (PAG-1..3).
STATUS_PAGE = ("paramRechercheHistoStatuts", "ListeHistoStatut")
ACTION_PAGE = ("paramRechercheHistoActionsUtilisateurs", "ListeHistoAction")
EVENT_PAGE = ("paramRechercheHistoEvenementsComplementaires", "ListeHistoEvenement")
STATUS_SORTS = {"HistoStatutDatePassage": "created", "HistoStatutCode": "code"}
ACTION_SORTS = {"HistoActionDateHeure": "created", "HistoActionCode": "code"}
EVENT_SORTS = {"EvenementDateHeure": "created", "EvenementLibelle": "code"}


def _page(data: Mapping, which: tuple[str, str], sorts: dict, default: str):
    name, suffix = which
    return pagination.read(
        data.get(name),
        field=name,
        sorts=sorts,
        default=default,
        descending=True,  # "Entries come most recent first."
        suffix=suffix,
    )


def history(user, data: Mapping) -> dict:
    pk = params.required_id(data.get("idFacture"), "idFacture")
    invoice = scope.one(scope.visible_invoices(user), pk)
    limit = params.optional_id(data.get("nbResultatsMaximum"), "nbResultatsMaximum")
    status_page = _page(data, STATUS_PAGE, STATUS_SORTS, "HistoStatutDatePassage")
    action_page = _page(data, ACTION_PAGE, ACTION_SORTS, "HistoActionDateHeure")
    event_page = _page(data, EVENT_PAGE, EVENT_SORTS, "EvenementDateHeure")
    events = list(
        StatusEvent.objects.filter(invoice=invoice)
        .select_related("actor")
        .order_by("-created_at", "-id")
    )
    actor_ids = {e.actor_id for e in events if e.actor_id}
    in_scope = set(
        Membership.objects.filter(
            user_id__in=actor_ids, structure__in=scope.structures_in_scope(user)
        ).values_list("user_id", flat=True)
    )
    in_scope |= {user.pk} & actor_ids
    statuses = [e for e in events if not e.action or e.transition]
    actions = [e for e in events if e.action]
    last = actions[0] if actions else None
    if limit and limit > 0:  # the most recent entries only, before paging
        statuses, actions = statuses[:limit], actions[:limit]
    status_total, action_total = len(statuses), len(actions)
    statuses = pagination.in_memory(
        statuses,
        status_page,
        {"created": lambda e: e.created_at, "code": lambda e: e.status, "pk": lambda e: e.pk},
    )
    actions = pagination.in_memory(
        actions,
        action_page,
        {"created": lambda e: e.created_at, "code": lambda e: e.action, "pk": lambda e: e.pk},
    )
    histo = []
    for event in statuses:
        person = _person(event, in_scope)
        histo.append(
            {
                "histoStatutId": event.pk,
                "histoStatutCode": event.status,
                "histoStatutDatePassage": minute(event.created_at),
                "histoStatutCommentaire": event.comment or None,
                "histoStatutUtilisateurNom": person["nom"],
                "histoStatutUtilisateurPrenom": person["prenom"],
                "histoStatutUtilisateurEmail": person["email"],
                "histoStatutUtilisateurTelephone": person["telephone"],
            }
        )
    histo_actions = []
    for event in actions:
        person = _person(event, in_scope)
        histo_actions.append(
            {
                "histoActionId": event.pk,
                "histoActionCode": event.action,
                "histoActionDateHeure": minute(event.created_at),
                "histoActionUtilisateurNom": person["nom"],
                "histoActionUtilisateurPrenom": person["prenom"],
            }
        )
    return ok(
        idFacture=invoice.pk,
        numeroFacture=invoice.number,
        modeDepot=invoice.deposit_mode or None,
        statutCourantCode=invoice.status,
        historiquesDesStatuts={
            "histoStatut": histo,
            **pagination.retour_suffixed(status_page, status_total, STATUS_PAGE[1]),
        },
        historiquesDesActionsUtilisateurs={
            "histoAction": histo_actions,
            **pagination.retour_suffixed(action_page, action_total, ACTION_PAGE[1]),
        },
        historiquesDesEvenementsComplementaires={
            "evenement": [],
            **pagination.retour_suffixed(event_page, 0, EVENT_PAGE[1]),
        },
        derniereAction=(
            {"derniereActionId": last.pk, "derniereActionCode": last.action} if last else None
        ),
    )
