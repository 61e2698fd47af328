"""Flow use cases callable by the portal and the API alike (FLW-1, FLW-2, FLW-9, FLW-11).

    flow = deposit_flow(actor=user, structure=s, uploaded_file=f, syntax="IN_DP_E1_CII_16B")
    flows_visible_to(user)              # the flows a user may follow (FLOWS area, depositor)
    flow_for_number(number, structures) # API consulterCR*: None outside the caller's scope
    invoices_of_flow(queryset, number)  # API rechercher/fournisseur `numeroFluxDepot`

The integration itself is asynchronous (`flows.integration`, through `flows.tasks`).
"""

from __future__ import annotations

import logging

from django.db import OperationalError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from flows import tasks
from flows.enums import FlowChannel, FlowState, FlowSyntax
from flows.errors import FlowError, ReturnCode
from flows.models import NUMBER_DIGITS, NUMBER_PREFIX, Flow
from flows.reading import MAX_FLOW_SIZE
from invoicing.documents.files import store_upload
from portal.areas import AreaCode, Mode
from structures import access

logger = logging.getLogger(__name__)
MAX_FILE_NAME = 200  # API.md §6.3 nomFichier


def number_for(flow: Flow) -> str:
    """FLW-1: "CPP" + 22 digits, increasing: the deposit year, then the row id."""
    digits = f"{flow.deposited_at.year:04d}{flow.pk:0{NUMBER_DIGITS - 4}d}"
    return NUMBER_PREFIX + digits[-NUMBER_DIGITS:]


def _check_deposit(*, actor, structure, uploaded_file, syntax: str, file_name: str) -> None:
    if syntax not in FlowSyntax.values:  # FLW-2
        raise FlowError(
            _("Syntaxe de flux non supportée"), field="syntaxeFlux", code=ReturnCode.REFERENCE
        )
    if not file_name or len(file_name) > MAX_FILE_NAME:
        raise FlowError(
            _("Le nom du fichier est obligatoire (%(max)d caractères au plus).")
            % {"max": MAX_FILE_NAME},
            field="nomFichier",
        )
    size = getattr(uploaded_file, "size", None)
    if not size:
        raise FlowError(_("Le fichier est vide."), field="fichierFlux")
    if size > MAX_FLOW_SIZE:  # FLW-9; 20001 as on the real service (API.md §6.3)
        raise FlowError(
            _("Le fichier dépasse la taille maximale de 30 Mo."),
            field="fichierFlux",
            code=ReturnCode.NOT_ALLOWED,
        )
    # INV-1: the depositor issues invoices for this structure.
    if (
        structure is None
        or not structure.is_active
        or not access.has_area(actor, structure, AreaCode.ISSUED, Mode.CHANGE)
    ):
        raise FlowError(
            _("La structure %(structure)s ne peut pas déposer de flux pour cet utilisateur.")
            % {"structure": getattr(structure, "identifier", "?")},
            field="structure",
            code=ReturnCode.SUPPLIER,
        )


def depositor_structure(actor):
    """The structure a flow is deposited for when the caller names none: the first active
    one on which it holds ISSUED in modification (a technical account's own structure)."""
    return (
        access.structures_with_area(actor, AreaCode.ISSUED, Mode.CHANGE)
        .filter(is_active=True)
        .order_by("pk")
        .first()
    )


@transaction.atomic
def deposit_flow(
    *,
    actor,
    structure=None,
    uploaded_file,
    syntax: str,
    file_name: str | None = None,
    channel: str = FlowChannel.PORTAIL,
    application_code: str = "",
    application_name: str = "",
    with_signature: bool = False,
) -> Flow:
    """FLW-1: store the file (streamed), create the flow IN_RECU and send its integration
    after commit. Raises FlowError (nothing stored) for a refused deposit; a content problem
    is not an error here: the flow becomes IN_REJETE (API.md §6.3).

    `uploaded_file`: any Django File (an upload, or a ContentFile / File over the API's
    decoded base64) with `.size`; `file_name` defaults to its name; `structure` None: the
    caller's first structure with ISSUED in modification (`depositor_structure`)."""
    syntax = (syntax or "").strip()
    if structure is None:  # API deposer/flux names no structure: the caller's own
        structure = depositor_structure(actor)
    file_name = (file_name if file_name is not None else getattr(uploaded_file, "name", "")) or ""
    file_name = file_name.strip()
    _check_deposit(
        actor=actor,
        structure=structure,
        uploaded_file=uploaded_file,
        syntax=syntax,
        file_name=file_name,
    )
    stored = store_upload(uploaded_file, subdir=f"flows/{timezone.localdate():%Y/%m}")
    flow = Flow.objects.create(
        syntax=syntax,
        channel=channel,
        structure=structure,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
        application_code=application_code or ("PORTAIL" if channel == FlowChannel.PORTAIL else ""),
        application_name=application_name,
        file_name=file_name,
        path=stored.path,
        size=stored.size,
        sha256=stored.sha256,
        with_signature=bool(with_signature),
    )
    flow.number = number_for(flow)
    flow.save(update_fields=["number"])
    transaction.on_commit(lambda: send_integration(flow.pk))
    return flow


def send_integration(flow_id: int) -> None:
    """The integration task, after commit. A broker outage loses nothing: the periodic
    `flows.tasks.integrate_waiting_flows` picks the flow up later."""
    try:
        tasks.integrate_flow.apply_async((flow_id,), retry=False)
    except (OperationalError, OSError):
        logger.warning("Broker unavailable: flow %s left to the periodic sweep", flow_id)


# --- Reading -------------------------------------------------------------------------------


def flow_structure_ids(user) -> list[int]:
    """FLW-11: structures whose flows the user follows: FLOWS (any mode), and the
    depositors (ISSUED in modification) for the flows they send."""
    ids = set(access.structure_ids_with_area(user, AreaCode.FLOWS))
    ids.update(access.structure_ids_with_area(user, AreaCode.ISSUED, Mode.CHANGE))
    return sorted(ids)


def flows_visible_to(user) -> QuerySet[Flow]:
    return Flow.objects.filter(structure_id__in=flow_structure_ids(user)).select_related(
        "structure"
    )


def flow_for_number(number: str, *, structures) -> Flow | None:
    """API consulterCR / consulterCRDetaille: the flow `numeroFluxDepot` if its depositing
    structure is in `structures` (the caller's scope: ids or a queryset), else None (20000)."""
    number = (number or "").strip()
    if not number:
        return None
    return Flow.objects.filter(number=number, structure__in=structures).first()


# API rechercher/fournisseur `numeroFluxDepot`: the invoices integrated from a flow, by number.
FLOW_NUMBER = "flow_link__flow__number"


def invoices_of_flow(queryset: QuerySet, number: str) -> QuerySet:
    """API rechercher/fournisseur `numeroFluxDepot`: the invoices integrated from it."""
    return queryset.filter(**{FLOW_NUMBER: (number or "").strip()})


def rejected_flows_for_manager(structure_ids) -> QuerySet[Flow]:
    """FLW-11 / NOT-3: rejected and partially integrated flows of the managed structures."""
    return (
        Flow.objects.filter(structure_id__in=structure_ids)
        .filter(Q(state=FlowState.IN_REJETE) | Q(state=FlowState.IN_INTEGRE_PARTIEL))
        .select_related("structure")
        .order_by("-state_changed_at", "-id")
    )


# --- The portal's structured upload (§5.2 UPLOAD_PORTAIL, FMT-2) ----------------------------

LOT_NAMES = (".zip", ".tar.gz", ".tgz")
FLOW_EXTENSIONS = (".xml", ".pdf", *LOT_NAMES)


def is_lot_name(name: str) -> bool:
    return (name or "").lower().endswith(LOT_NAMES)


def _portal_syntax(uploaded_file) -> str:
    """The syntax of a portal upload, from its content: a lot's entries must all be XML or
    Factur-X of one syntax (FMT-2), a single file must be structured."""
    from invoicing.recognition import ARCHIVE, STRUCTURED_KINDS, UnreadableFile, detect_format

    try:
        detected = detect_format(uploaded_file)
    except UnreadableFile as exc:
        raise FlowError(exc.message, field="file", code=ReturnCode.FILE_REFUSED) from exc
    if detected.kind == ARCHIVE:
        kinds = {kind for _name, kind in detected.entries}
        if len(kinds) != 1 or not kinds <= STRUCTURED_KINDS:
            raise FlowError(
                _(
                    "Un lot ne peut contenir que des factures XML (UBL ou CII) ou Factur-X, "
                    "toutes de la même syntaxe : pas de PDF simple ni de mélange."
                ),
                field="file",
                code=ReturnCode.FILE_REFUSED,
            )
        return next(iter(kinds))
    if detected.kind not in STRUCTURED_KINDS:
        raise FlowError(
            _("Seul un fichier structuré (XML UBL ou CII, Factur-X) ou un lot part en flux."),
            field="file",
            code=ReturnCode.FILE_REFUSED,
        )
    return detected.kind


def deposit_portal_upload(*, actor, structure, uploaded_file) -> Flow:
    """The deposit page's structured upload: a lot, or a structured file sent as it is,
    becomes a flow (UPLOAD_PORTAIL); the user is then sent to it."""
    name = getattr(uploaded_file, "name", "") or ""
    if not name.lower().endswith(FLOW_EXTENSIONS):
        raise FlowError(
            _("Un flux se dépose en .xml, .pdf (Factur-X), .zip ou .tar.gz."),
            field="file",
            code=ReturnCode.FILE_REFUSED,
        )
    if getattr(uploaded_file, "size", 0) > MAX_FLOW_SIZE:
        raise FlowError(
            _("Le fichier dépasse la taille maximale de 30 Mo."),
            field="file",
            code=ReturnCode.TOO_LARGE,
        )
    syntax = _portal_syntax(uploaded_file)
    return deposit_flow(
        actor=actor,
        structure=structure,
        uploaded_file=uploaded_file,
        syntax=syntax,
        channel=FlowChannel.PORTAIL,
    )
