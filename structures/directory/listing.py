"""The directory's data (DIR-2, DIR-4): which structures it lists and the rows of its CSV,
the one source for the web download and the API's `telecharger/annuaire/destinataire`."""

from __future__ import annotations

from collections.abc import Iterator

from django.db.models import QuerySet

from portal.areas import AreaCode
from structures import access
from structures.enums import StructureKind
from structures.models import Structure

# API.md §5.10, in this order.
CSV_COLUMNS = (
    "TypeIdentifiant",
    "Identifiant",
    "RaisonSociale",
    "EmetteurEdi",
    "RecepteurEdi",
    "GestionStatutMiseEnPaiement",
    "GestionEngagement",
    "GestionService",
    "GestionServiceEngagement",
    "EstMOA",
    "EstMOAUniquement",
    "StructureActive",
    "Adresse",
    "ComplementAdresse1",
    "ComplementAdresse2",
    "CodePostal",
    "Ville",
    "CodePays",
)


def directory_structures() -> QuerySet[Structure]:
    """DIR-2: active public structures with RECEIVED open."""
    return Structure.objects.filter(kind=StructureKind.PUBLIQUE, is_active=True).filter(
        access.open_area_exists(AreaCode.RECEIVED)
    )


def _flag(value: bool) -> str:
    return "true" if value else "false"


def directory_csv_rows(structures: QuerySet[Structure] | None = None) -> Iterator[list[str]]:
    """The header, then one row per structure (API.md §5.10): those of the public directory,
    or `structures` (the API lists every active receiving structure)."""
    yield list(CSV_COLUMNS)
    fields = (
        "identifier_type",
        "identifier",
        "company_name",
        "edi_connection",
        "receive_data_via_edi",
        "payment_status_not_reported",
        "engagement_required",
        "service_code_required",
        "engagement_or_service_required",
        "is_moa",
        "is_moa_only",
        "is_active",
        "street",
        "address_complement",
        "postcode",
        "city",
        "country",
    )
    rows = (
        (directory_structures() if structures is None else structures)
        .order_by("identifier", "id")
        .values_list(*fields)
    )
    for (
        identifier_type,
        identifier,
        name,
        edi_sender,
        edi_receiver,
        payment_not_reported,
        engagement,
        service,
        engagement_or_service,
        moa,
        moa_only,
        active,
        street,
        complement,
        postcode,
        city,
        country,
    ) in rows.iterator(chunk_size=2000):
        yield [
            identifier_type,
            identifier,
            name,
            _flag(edi_sender),
            _flag(edi_receiver),
            _flag(not payment_not_reported),
            _flag(engagement),
            _flag(service),
            _flag(engagement_or_service),
            _flag(moa),
            _flag(moa_only),
            _flag(active),
            street,
            complement,
            "",
            postcode,
            city,
            country,
        ]
