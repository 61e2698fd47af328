"""Structured flows through the API (API.md §6.3 `deposer/flux`, §5.8 `consulterCR`,
§5.9 `consulterCRDetaille`): the fields mapped onto the flows app's services, which the
portal's structured upload calls too (DOMAIN §12). The integration is asynchronous; the
caller polls the compte rendu. (No `from __future__ import annotations`: ninja reads the
body type from the endpoints' annotations at definition time.)"""

from collections.abc import Mapping

from ninja import Router
from oauth2_provider.models import get_application_model

from api import files, params, scope
from api.errors import ApiError, answer, missing, ok
from api.formats import day
from api.schemas import body
from flows import report, services
from flows.enums import FlowChannel
from flows.errors import FlowError
from flows.reading import MAX_FLOW_SIZE
from invoicing.errors import ReturnCode

DepositFlow = body(
    "DeposerFlux",
    "fichierFlux",
    "nomFichier",
    "syntaxeFlux",
    "avecSignature",
    "idUtilisateurCourant",
)
Report = body("ConsulterCR", "numeroFluxDepot", "dateDepot", "syntaxeFlux", "syntaxFluxType")
DetailedReport = body("ConsulterCRDetaille", "numeroFluxDepot", "syntaxeFlux")
NAME_MAX = 200


def _file(data: Mapping):
    """FLW-9: 30 MB at most, 20001 above, as on the real service (API.md §6.3)."""
    return files.decoded(
        data.get("fichierFlux"),
        data.get("nomFichier"),
        content_field="fichierFlux",
        name_field="nomFichier",
        name_max=NAME_MAX,
        name_code=ReturnCode.FORMAT,
        max_size=MAX_FLOW_SIZE,
        too_large=ReturnCode.NOT_ALLOWED,
    )


def deposit_flow(caller, data: Mapping) -> dict:
    """§6.3: the flow is created IN_RECU and its integration queued."""
    syntax = params.text(data.get("syntaxeFlux"), "syntaxeFlux")
    if not syntax:
        raise missing("syntaxeFlux")
    upload = _file(data)
    application = (
        get_application_model()
        .objects.select_related("connection")
        .filter(pk=caller.application_id)
        .first()
    )
    try:
        flow = services.deposit_flow(
            actor=caller.user,
            uploaded_file=upload,
            syntax=syntax,
            file_name=upload.name,
            channel=FlowChannel.API,
            application_code=getattr(application, "client_id", "") or "",
            application_name=getattr(getattr(application, "connection", None), "name", "") or "",
            with_signature=bool(params.boolean(data.get("avecSignature"), "avecSignature")),
        )
    except FlowError as exc:
        raise ApiError(int(exc.code), str(exc.message)) from exc
    return ok(
        numeroFluxDepot=flow.number, dateDepot=day(flow.deposited_at), syntaxeFlux=flow.syntax
    )


def _flow(user, data: Mapping):
    number = params.text(data.get("numeroFluxDepot"), "numeroFluxDepot", max_length=40)
    if not number:
        raise missing("numeroFluxDepot")
    flow = services.flow_for_number(number, structures=scope.structures_in_scope(user))
    if flow is None:
        raise ApiError(ReturnCode.NOT_FOUND)  # unknown, or deposited by another structure
    return flow


def flow_report(caller, data: Mapping) -> dict:
    """§5.8: the state, and the PDF report once the flow is final."""
    return ok(**report.flow_report(_flow(caller.user, data), detailed=False))


def detailed_report(caller, data: Mapping) -> dict:
    """§5.9: the errors of the flow and of each of its invoices."""
    return ok(**report.flow_report(_flow(caller.user, data), detailed=True))


def attach(factures: Router, transverses: Router) -> None:
    """Register the three operations on the `factures` and `transverses` routers."""

    @factures.post("/v1/deposer/flux", operation_id="deposerFlux", summary="deposerFlux")
    def deposer_flux(request, payload: DepositFlow):
        return answer(deposit_flow(request.auth, payload.data))

    @transverses.post("/v1/consulterCR", operation_id="consulterCR", summary="consulterCR")
    def consulter_cr(request, payload: Report):
        return answer(flow_report(request.auth, payload.data))

    @transverses.post(
        "/v1/consulterCRDetaille", operation_id="consulterCRDetaille", summary="consulterCRDetaille"
    )
    def consulter_cr_detaille(request, payload: DetailedReport):
        return answer(detailed_report(request.auth, payload.data))
