"""Public directory (DIR-1..4): no login, public receiving structures only, CSV."""

import csv
import datetime
import io
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from structures import access
from structures.directory.listing import CSV_COLUMNS
from structures.enums import StructureKind
from tests.factories.structures import PublicStructureFactory, ServiceFactory, StructureFactory
from tests.structures.core.conftest import count_queries

pytestmark = pytest.mark.django_db
URL = "/structures/annuaire/"


@pytest.fixture
def recipients(db):
    """Public recipients with their parameters, and structures that must not show."""
    state = PublicStructureFactory(
        identifier="11000201100044",
        company_name="Destinataire Etat",
        postcode="75012",
        city="Paris",
    )
    ServiceFactory(structure=state, code="SFACETAT", name="Service facturier")
    ServiceFactory(structure=state, code="FERME", is_active=False)
    ServiceFactory(
        structure=state,
        code="EXPIRE",
        valid_until=timezone.localdate() - datetime.timedelta(days=1),
    )
    with_service = PublicStructureFactory(
        identifier="12345678200028",
        company_name="Destinataire avec service obligatoire",
        service_code_required=True,
        postcode="69002",
        city="Lyon",
    )
    private = StructureFactory(identifier="12345678200069", company_name="Entreprise Privée")
    access.open_area(private, "RECEIVED", actor=None)  # even so, never listed
    closed = PublicStructureFactory(
        identifier="12345678200077", company_name="Publique Sans Réception"
    )
    access.close_area(closed, "RECEIVED", actor=None)
    inactive = PublicStructureFactory(
        identifier="12345678200085", company_name="Publique Inactive", is_active=False
    )
    return {
        "state": state,
        "with_service": with_service,
        "private": private,
        "closed": closed,
        "inactive": inactive,
    }


def _rows(response) -> list[str]:
    return re.findall(r'<tr data-identifier="([^"]+)"', response.content.decode())


def test_directory_url_names_resolve():
    assert reverse("structures:directory") == URL
    assert reverse("structures:directory_csv") == URL + "telecharger/"


def test_directory_anonymous_lists_public_receiving_structures_only(client, recipients):
    response = client.get(URL)
    assert response.status_code == 200
    assert sorted(_rows(response)) == ["11000201100044", "12345678200028"]
    content = response.content.decode()
    for hidden in ("Entreprise Privée", "Publique Sans Réception", "Publique Inactive"):
        assert hidden not in content


def test_directory_result_shows_active_usable_services_and_parameters(client, recipients):
    content = client.get(URL).content.decode()
    assert 'data-service="SFACETAT"' in content
    assert "FERME" not in content and "EXPIRE" not in content
    assert 'data-param="service_code_required"' in content
    assert 'data-param="payment_status_managed"' in content


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"identifier": "110"}, ["11000201100044"]),
        ({"identifier": "0002"}, ["11000201100044", "12345678200028"]),
        ({"identifier": "200028"}, ["12345678200028"]),
        ({"identifier": "12345678200069"}, []),  # private: never
        ({"name": "service obligatoire"}, ["12345678200028"]),
        ({"name": "etat"}, ["11000201100044"]),
        ({"postcode": "750"}, ["11000201100044"]),
        ({"city": "lyon"}, ["12345678200028"]),
        ({"city": "Paris", "name": "service"}, []),
    ],
)
def test_directory_search_criteria(client, recipients, query, expected):
    assert sorted(_rows(client.get(URL, query))) == expected


def test_directory_search_identifier_under_three_characters_is_refused(client, recipients):
    response = client.get(URL, {"identifier": "11"})
    assert "Saisissez au moins 3 caractères de l&#x27;identifiant." in response.content.decode()
    assert _rows(response) == []


def test_directory_detail_shows_public_structure_and_its_services(client, recipients):
    response = client.get(reverse("structures:directory_detail", args=[recipients["state"].pk]))
    content = response.content.decode()
    assert response.status_code == 200
    assert "Destinataire Etat" in content and 'data-service="SFACETAT"' in content
    assert "FERME" not in content


def test_directory_detail_shows_the_services_heading_once(client, recipients):
    """Issue 11: the table's caption (for screen readers) is hidden under the visible heading."""
    content = client.get(
        reverse("structures:directory_detail", args=[recipients["state"].pk])
    ).content.decode()

    assert content.count("<h2") and "fr-table--no-caption" in content


@pytest.mark.parametrize("key", ["private", "closed", "inactive"])
def test_directory_detail_of_unlisted_structure_is_404(client, recipients, key):
    response = client.get(reverse("structures:directory_detail", args=[recipients[key].pk]))
    assert response.status_code == 404


def test_directory_logged_in_user_sees_the_same(client, recipients, personas):
    client.force_login(personas.simple_view)
    assert "11000201100044" in _rows(client.get(URL))


def _csv(client) -> list[list[str]]:
    response = client.get(reverse("structures:directory_csv"))
    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="annuaire_destinataires.csv"' in response["Content-Disposition"]
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")  # spreadsheets read the accents as UTF-8
    return list(csv.reader(io.StringIO(body.removeprefix("\ufeff")), delimiter=";"))


def test_directory_csv_is_public_streamed_with_api_columns(client, recipients):
    rows = _csv(client)
    assert rows[0] == list(CSV_COLUMNS)
    assert rows[0][:3] == ["TypeIdentifiant", "Identifiant", "RaisonSociale"]
    assert [row[1] for row in rows[1:]] == ["11000201100044", "12345678200028"]
    service_row = dict(zip(rows[0], rows[2], strict=True))
    assert service_row["GestionService"] == "true"
    assert service_row["GestionEngagement"] == "false"
    assert service_row["GestionStatutMiseEnPaiement"] == "true"
    assert service_row["StructureActive"] == "true"
    assert service_row["CodePostal"] == "69002" and service_row["CodePays"] == "FR"


def test_directory_csv_reflects_current_data(client, recipients):
    state = recipients["state"]
    state.payment_status_not_reported = True
    state.save()
    row = dict(zip(CSV_COLUMNS, _csv(client)[1], strict=True))
    assert row["GestionStatutMiseEnPaiement"] == "false"


def test_directory_list_same_queries_for_1_and_3_rows(client):
    for _ in range(1):
        ServiceFactory.create_batch(2, structure=PublicStructureFactory())
    one = count_queries(client, URL)
    for _ in range(2):
        ServiceFactory.create_batch(2, structure=PublicStructureFactory())
    three = count_queries(client, URL)
    assert one == three


def test_directory_search_same_queries_for_1_and_3_rows(client):
    ServiceFactory(structure=PublicStructureFactory(city="Nancy"))
    one = count_queries(client, URL + "?city=Nancy")
    ServiceFactory.create_batch(2, structure=PublicStructureFactory(city="Nancy"))
    three = count_queries(client, URL + "?city=Nancy")
    assert one == three


def test_directory_csv_same_queries_for_1_and_3_rows(client):
    url = reverse("structures:directory_csv")
    ServiceFactory(structure=PublicStructureFactory())
    one = count_queries(client, url)
    for _ in range(2):
        ServiceFactory(structure=PublicStructureFactory())
    three = count_queries(client, url)
    assert one == three


def test_directory_private_kind_constant_is_never_listed(client):
    """Non-vacuous: the private structure receives invoices (RECEIVED open), so only the
    public-only filter keeps it out; a public one next to it is listed."""
    private = StructureFactory(kind=StructureKind.PRIVEE)
    access.open_area(private, "RECEIVED", actor=None)
    assert access.is_area_open(private, "RECEIVED")
    public = PublicStructureFactory()
    assert _rows(client.get(URL)) == [public.identifier]
    assert _rows(client.get(URL, {"identifier": private.identifier})) == []


def test_postgresql_directory_order_reads_its_index_without_sorting(postgresql, recipients):
    """A name search's page walks the directory's partial index in its order (company
    name, id) and stops at the page's last match instead of sorting every match."""
    from django.db import connection

    from structures.directory.views import search_directory

    sql, params = search_directory({})[:20].query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_sort = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "structure_directory_order" in plan, plan
    assert "Sort" not in plan, plan


def test_directory_count_stops_at_its_cap(client, recipients, monkeypatch):
    """A name part found in thousands of structures is not counted past the cap: the page
    says so, and lists the first ones (issue 10)."""
    from structures.directory import views

    monkeypatch.setattr(views, "COUNT_CAP", 1)
    response = client.get(URL, {"name": "destinataire"})
    content = response.content.decode()
    assert "Plus de 1 structures, affinez votre recherche" in content
    assert len(_rows(response)) == 1
    monkeypatch.setattr(views, "COUNT_CAP", 2)
    assert "2 structures trouvées" in client.get(URL, {"name": "destinataire"}).content.decode()


def test_directory_other_searches_and_the_whole_list_count_to_the_general_cap(
    client, recipients, monkeypatch
):
    from portal import pagination
    from structures.directory import views

    monkeypatch.setattr(views, "COUNT_CAP", 1)  # name and city parts only
    assert "2 structures trouvées" in client.get(URL).content.decode()
    assert "1 structure trouvée" in client.get(URL, {"postcode": "75"}).content.decode()
    monkeypatch.setattr(pagination, "COUNT_CAP", 1)
    landing = client.get(URL).content.decode()
    assert "Plus de 1 structures : recherchez-en une par son identifiant" in landing
    assert "affinez" not in landing


def test_postgresql_directory_searches_have_expression_statistics(postgresql):
    """The planner reads a name or city part's selectivity off these (migration
    structures.0006): without them it expects 0.5 % of the rows and sorts every match."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT stxname, pg_get_statisticsobjdef_expressions(oid)::text "
            "FROM pg_statistic_ext WHERE stxrelid = 'structures_structure'::regclass"
        )
        found = dict(cursor.fetchall())
    assert found["structure_upper_company_name"] == "{upper((company_name)::text)}"
    assert found["structure_upper_city"] == "{upper((city)::text)}"
