"""Issue 12: the searches' rows built from the database's tuples, by statements compiled once
per shape of criteria (api.criteria, api.pages, api.factures.rows), answer exactly what the
ORM's instances gave (`serialize.*_row` on the scoped queryset filtered by the ORM), for
filters, sorts and pages, amounts with decimals, dates, null fields and services; the
scopes as criteria select the rows of the scoped querysets."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from unittest import mock

import pytest
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Sum
from django.utils import timezone

from api import credentials, pagination, scope
from api.auth import caller_for
from api.factures import search, serialize
from flows.models import Flow, FlowInvoice
from invoicing import queries
from invoicing.enums import Frame, InvoiceStatus
from invoicing.models import Attachment, Invoice
from portal.areas import AreaCode
from tests.api.conftest import grant
from tests.factories.accounts import UserFactory
from tests.factories.invoicing import InvoiceFactory
from tests.factories.structures import ServiceFactory, StructureFactory

SUPPLIER = "factures/v1/rechercher/fournisseur"
RECIPIENT = "factures/v1/rechercher/recipiendaire"
VALIDATOR = "factures/v1/rechercher/valideur"


@pytest.fixture(autouse=True)
def _empty_credentials_memory():
    credentials.forget_all()
    yield
    credentials.forget_all()


@pytest.fixture
def invoices(world):
    """Invoices of our supplier to the public structure: decimals, null fields, services,
    a validator, creators with and without a name, a flow; one of another supplier."""
    p = world.personas
    grant(world.public_main, p.public, AreaCode.TO_VALIDATE)
    service = ServiceFactory(structure=p.public, code="SE-1", name="Service exécutant")
    supplier_service = ServiceFactory(structure=p.structure, code="SF-1", name="Ventes")
    named = UserFactory(email="named@example.test", first_name="Élodie", last_name="Durand")
    anonymous = UserFactory(email="anon@example.test", first_name="", last_name="")
    base = timezone.make_aware(dt.datetime(2025, 3, 1, 0, 30))  # the day before in UTC
    made = []
    for n, (ht, ttc) in enumerate(
        [("1000.00", "1200.00"), ("0.10", "0.12"), ("1234.567891", "1481.48"), ("99", "118.8")] * 2
    ):
        made.append(
            InvoiceFactory(
                supplier=p.structure,
                recipient=p.public,
                number=f"F-DEC-{n}",
                amount_ht=Decimal(ht),
                amount_ttc=Decimal(ttc),
                amount_to_pay=Decimal(ttc) - (Decimal("0.01") if n % 3 == 0 else 0),
                invoice_date=None if n == 5 else dt.date(2025, 2, 1 + n),
                deposited_at=None if n == 6 else base + dt.timedelta(days=n, minutes=n),
                status_changed_at=base + dt.timedelta(hours=n, microseconds=123456),
                status_comment="Suspendue : pièce manquante" if n == 2 else "",
                recipient_service=service if n % 2 else None,
                recipient_service_code=service.code if n % 2 else "",
                recipient_service_name=service.name if n % 2 else "",
                supplier_service=supplier_service if n in (1, 4) else None,
                created_by=(named, anonymous, None)[n % 3],
                engagement_number="EJ-42" if n == 3 else "",
                rejection_processed=n == 7,
                frame=Frame.A9 if n in (2, 3) else Frame.A1,
                validator=p.public if n in (2, 3) else None,
                validator_identifier=p.public.identifier if n in (2, 3) else "",
                validator_name=p.public.company_name if n in (2, 3) else "",
                status=InvoiceStatus.A_VALIDER_1 if n == 2 else InvoiceStatus.MISE_A_DISPOSITION,
            )
        )
    for n, invoice in enumerate(made[:3]):
        Attachment.objects.create(
            invoice=invoice, path=f"x/{n}.pdf", original_name="a.pdf", size=1000 + n, sha256="0"
        )
    flow = Flow.objects.create(
        number="FLUX-000001",
        syntax="CII",
        structure=p.structure,
        file_name="f.xml",
        path="f.xml",
        size=1,
        sha256="0",
    )
    FlowInvoice.objects.create(flow=flow, invoice=made[4], position=1)
    foreign = InvoiceFactory(supplier=p.other_structure, recipient=p.public, number="F-DEC-1")
    return {
        "made": made,
        "service": service,
        "supplier_service": supplier_service,
        "foreign": foreign,
        "named": named,
        "anonymous": anonymous,
    }


def _reference(user, body, list_field, sort_field, scoped, row, filters, data, top_level=False):
    """The answer the ORM's path gives: the scoped queryset filtered by the ORM, its page
    of instances (`serialize.for_lists`), `row` of each."""
    qs = filters(scoped(user), data)
    with_size = bool(body.get("recupererTaille"))
    if with_size:
        qs = qs.annotate(total_size=Sum("attachments__size"))
    page = pagination.read(
        body.get(sort_field),
        field=sort_field,
        sorts=search.SORTS,
        default="DateDepot",
        descending=True,
    )
    related = serialize.for_lists(qs).select_related("flow_link__flow")
    found, total = pagination.slice_of(related, page)
    items = [row(i, with_size) for i in found]
    answer = pagination.listing(list_field, items, page, total, top_level=top_level)
    return json.loads(json.dumps(answer, cls=DjangoJSONEncoder, ensure_ascii=False))


def _user(api):
    return caller_for(api.token, api.account).user


def _day(n):
    return dt.date(2025, 2, 1 + n)


SUPPLIER_CASES = [
    ({}, lambda qs, d: qs),
    (
        {"rechercheFactureParFournisseur": {"nbResultatsParPage": 3, "pageResultatDemandee": 2}},
        lambda qs, d: qs,
    ),
    (
        {"rechercheFactureParFournisseur": {"triColonne": "MontantTTC", "triSens": "Ascendant"}},
        lambda qs, d: qs,
    ),
    (
        {"rechercheFactureParFournisseur": {"triColonne": "DateFacture", "nbResultatsParPage": 2}},
        lambda qs, d: qs,
    ),
    ({"montantTTCMin": "0.12", "montantTTCMax": 1200}, None),
    ({"montantTTCMin": "118.8", "montantTTCMax": "1481.48"}, None),  # same shape, other values
    ({"montantAPayerMin": "0.11", "montantHTMax": "1234.567891"}, None),
    ({"numeroFacture": "f-dec-1"}, lambda qs, d: qs.filter(number__iexact="f-dec-1")),
    ({"numeroFacture": "F_DEC%"}, lambda qs, d: qs.filter(number__iexact="F_DEC%")),
    (
        {"periodeDateDepotDu": "2025-03-02", "periodeDateDepotAu": "2025-03-05"},
        lambda qs, d: qs.filter(
            deposited_at__date__gte=dt.date(2025, 3, 2), deposited_at__date__lte=dt.date(2025, 3, 5)
        ),
    ),
    (
        {"periodeDateFactureDu": "2025-02-03", "recupererTaille": True},
        lambda qs, d: qs.filter(invoice_date__gte=_day(2)),
    ),
    (
        {"periodeDateHeureEtatCourantDu": "2025-03-02T02:00:00+01:00"},
        lambda qs, d: qs.filter(status_changed_at__gte=dt.datetime(2025, 3, 2, 1, tzinfo=dt.UTC)),
    ),
    (
        {"statutCourant": ["A_VALIDER_1", "MISE_A_DISPOSITION"], "recupererTaille": True},
        lambda qs, d: qs.filter(status__in=["A_VALIDER_1", "MISE_A_DISPOSITION"]),
    ),
    ({"statutCourant": "A_VALIDER_1"}, lambda qs, d: qs.filter(status="A_VALIDER_1")),
    ({"rejetTraite": True}, lambda qs, d: qs.filter(rejection_processed=True)),
    ({"rejetTraite": "NON"}, lambda qs, d: qs.filter(rejection_processed=False)),
    (
        {"numeroFluxDepot": " FLUX-000001 "},
        lambda qs, d: qs.filter(flow_link__flow__number="FLUX-000001"),
    ),
    ({"numeroFluxDepot": "FLUX-999999"}, lambda qs, d: qs.none()),
    (
        {"idServiceFournisseur": "supplier_service"},
        lambda qs, d: qs.filter(supplier_service=d["supplier_service"]),
    ),
    (
        {
            "listeDestinataire": [
                {"idDestinataire": "public", "listeIdServiceExecutant": ["service"]}
            ]
        },
        lambda qs, d: qs.filter(recipient_service=d["service"]),
    ),
    ({"rechercheFactureParFournisseur": {"pageResultatDemandee": 9}}, lambda qs, d: qs),
    ({"cadreFacturation": {"codeCadreFacturation": "A9"}}, lambda qs, d: qs.filter(frame=Frame.A9)),
    (
        {"cadreFacturation": {"codeCadreFacturation": "A1_FACTURE_FOURNISSEUR"}},
        lambda qs, d: qs.filter(frame=Frame.A1),
    ),
    (
        {"idUtilisateurCreateur": ["named", "anonymous", "named"]},
        lambda qs, d: qs.filter(created_by__email__in=["named@example.test", "anon@example.test"]),
    ),
]


def _resolve(body, world, data):
    """Names of objects in a body → their ids."""
    ids = {
        "supplier_service": data["supplier_service"].pk,
        "service": data["service"].pk,
        "public": world.personas.public.pk,
        "named": data["named"].pk,
        "anonymous": data["anonymous"].pk,
    }
    text = json.dumps(body)
    for name, pk in ids.items():
        text = text.replace(f'"{name}"', str(pk))
    return json.loads(text)


def _amounts(body):
    def apply(qs, d):
        for field, lookup in (*search.AMOUNTS, ("montantAPayerMin", "amount_to_pay__gte")):
            if field in body:
                qs = qs.filter(**{lookup: Decimal(str(body[field]))})
        return qs

    return apply


def test_supplier_rows_are_what_the_orm_gives(world, invoices):
    user = _user(world.supplier)
    foreign = invoices["foreign"].pk
    for body, filters in SUPPLIER_CASES:
        body = _resolve(body, world, invoices)
        answer = world.supplier.post(SUPPLIER, body).json()
        expected = _reference(
            user,
            body,
            "listeFactures",
            "rechercheFactureParFournisseur",
            scope.supplier_invoices,
            lambda i, size: serialize.supplier_row(i, with_size=size),
            filters or _amounts(body),
            invoices,
        )
        assert answer == expected, body
        assert foreign not in [r["identifiantFactureCPP"] for r in answer["listeFactures"]]
    shown = world.supplier.post(SUPPLIER, {"numeroFluxDepot": "FLUX-000001"}).json()
    assert [r["numeroFluxDepot"] for r in shown["listeFactures"]] == ["FLUX-000001"]


RECIPIENT_CASES = [
    ({"recupererTaille": True}, lambda qs, d: qs),
    (
        {"paramRecherche": {"triColonne": "NumeroFacture", "nbResultatsParPage": 3}},
        lambda qs, d: qs,
    ),
    ({"montantHTMin": "0.1", "montantHTMax": "99.5"}, None),
    ({"idServiceExecutant": "service"}, lambda qs, d: qs.filter(recipient_service=d["service"])),
    (
        {"factureTelechargeeParDestinataire": False},
        lambda qs, d: qs.filter(downloaded_by_recipient_at__isnull=True),
    ),
    ({"typeDemandePaiement": "MEMOIRE_JUSTICE"}, lambda qs, d: qs.none()),
]


def test_recipient_and_validator_rows_are_what_the_orm_gives(world, invoices):
    user = _user(world.public)
    foreign = invoices["foreign"].pk
    for body, filters in RECIPIENT_CASES:
        body = _resolve(body, world, invoices)
        answer = world.public.post(RECIPIENT, body).json()
        expected = _reference(
            user,
            body,
            "listeFactures",
            "paramRecherche",
            scope.recipient_invoices,
            lambda i, size: serialize.recipient_row(i, with_size=size),
            filters or _amounts(body),
            invoices,
            top_level=True,
        )
        assert answer == expected, body
    assert foreign in [
        r["idFacture"] for r in world.public.post(RECIPIENT, {}).json()["listeFactures"]
    ]
    for body, filters in (
        ({}, lambda qs, d: qs),
        ({"statutCourant": "A_VALIDER_1"}, lambda qs, d: qs.filter(status="A_VALIDER_1")),
        ({"pagination": {"triColonne": "MontantTTC"}}, lambda qs, d: qs),
    ):
        answer = world.public.post(VALIDATOR, body).json()
        expected = _reference(
            user,
            body,
            "listeFactures",
            "pagination",
            scope.validator_invoices,
            lambda i, size: serialize.validator_row(i),
            filters,
            invoices,
        )
        assert answer == expected, body
        assert answer["listeFactures"], body


@pytest.mark.parametrize("ids", [[], ["structure"], ["structure", "other_structure"]])
def test_supplier_and_validator_scopes_as_criteria_select_the_same_rows(world, invoices, ids):
    ids = [getattr(world.personas, name).pk for name in ids]
    Invoice.objects.filter(pk=invoices["made"][0].pk).update(status=InvoiceStatus.BROUILLON)
    with mock.patch("structures.access.structure_ids_with_area", return_value=ids):
        for criteria, queryset in (
            (scope.supplier_criteria, scope.supplier_invoices),
            (scope.validator_criteria, scope.validator_invoices),
        ):
            mine = criteria(None).apply(Invoice.objects.all())
            assert set(mine.values_list("pk", flat=True)) == set(
                queryset(None).values_list("pk", flat=True)
            )


def test_recipient_scope_as_criteria_selects_the_same_rows(world, invoices):
    public, service = world.personas.public.pk, invoices["service"].pk
    other = StructureFactory().pk
    Invoice.objects.filter(pk=invoices["made"][1].pk).update(status=InvoiceStatus.DEPOSEE)
    for scoped in ({}, {public: None}, {public: {service}}, {public: set(), other: None}):
        with mock.patch.object(queries, "received_scope", return_value=scoped):
            mine = scope.recipient_criteria(None).apply(Invoice.objects.all())
            assert set(mine.values_list("pk", flat=True)) == set(
                scope.recipient_invoices(None).values_list("pk", flat=True)
            ), scoped


def test_a_shape_of_criteria_is_compiled_once_then_run_with_other_values(world, invoices):
    from django.db.models.sql.compiler import SQLCompiler

    from api import pages

    first = {"montantTTCMin": "0.12", "numeroFacture": "F-DEC-1"}
    assert world.supplier.post(SUPPLIER, first).json()["listeFactures"]
    other = {"montantTTCMin": "1000", "numeroFacture": "f-dec-4"}
    with (
        mock.patch.object(pages, "_compile", wraps=pages._compile) as compiled,
        mock.patch.object(
            SQLCompiler, "as_sql", autospec=True, side_effect=SQLCompiler.as_sql
        ) as orm,
    ):
        found = world.supplier.post(SUPPLIER, other).json()["listeFactures"]
        assert [r["numeroFacture"] for r in found] == ["F-DEC-4"]
        assert compiled.call_count == 0 and orm.call_count == 0  # no SQL compiled
        world.supplier.post(SUPPLIER, {"montantTTCMin": "1000"})  # another shape
        assert compiled.call_count == 1
