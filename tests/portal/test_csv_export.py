"""Issue 9 (items 6 and 9): one CSV helper for every export: formulas neutralised, BOM,
streamed, and the first query runs before the response starts."""

from decimal import Decimal

import pytest
from django.db import DatabaseError
from django.urls import reverse

from portal.csv_export import csv_lines, csv_response, safe_cell
from tests.conftest import close_response
from tests.factories.structures import PublicStructureFactory


@pytest.mark.parametrize("text", ["=1+1", "+33 1", "-2+3", "@SUM(A1)", "\tx", "\rx"])
def test_cell_starting_like_a_formula_is_neutralised(text):
    assert safe_cell(text) == "'" + text


@pytest.mark.parametrize("value", ["Société", "1 rue de la Paix", "", "a=b"])
def test_ordinary_text_is_kept(value):
    assert safe_cell(value) == value


def test_numbers_stay_numbers_even_negative():
    assert safe_cell(Decimal("-12.50")) == Decimal("-12.50")
    assert safe_cell(-3) == -3
    assert safe_cell(None) == ""


def test_lines_have_a_bom_first_and_semicolons():
    lines = list(csv_lines([["a", "b"], ["=x", 1]]))
    assert lines == ["\ufeffa;b\r\n", "'=x;1\r\n"]


def test_response_runs_the_first_query_before_streaming():
    def rows():
        yield ["header"]
        raise DatabaseError("the database is down")

    with pytest.raises(DatabaseError):
        csv_response("x.csv", rows())


def test_response_streams_every_row_with_a_safe_file_name():
    response = csv_response('a"b.csv', ([i] for i in range(5)))
    body = b"".join(response.streaming_content).decode()
    assert response["Content-Disposition"] == 'attachment; filename="ab.csv"'
    assert body.splitlines() == ["\ufeff0", "1", "2", "3", "4"]


@pytest.mark.django_db
def test_directory_csv_neutralises_a_structure_name_formula(client):
    structure = PublicStructureFactory(company_name='=HYPERLINK("http://evil.example","x")')

    response = client.get(reverse("structures:directory_csv"))
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    close_response(response)

    assert structure.identifier in body
    assert "'=HYPERLINK" in body
    assert ";=HYPERLINK" not in body


@pytest.mark.django_db
def test_directory_csv_with_database_down_is_an_error_not_an_empty_200(client, monkeypatch):
    def broken(*args, **kwargs):
        raise DatabaseError("the database is down")
        yield  # pragma: no cover

    monkeypatch.setattr("structures.directory.listing.directory_structures", broken)
    client.raise_request_exception = False

    response = client.get(reverse("structures:directory_csv"))

    assert response.status_code == 500
