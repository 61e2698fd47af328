"""Browser: an anonymous visitor searches the public directory (DIR-1..4)."""

import io

import pytest
from playwright.sync_api import expect

from demo import structures as demo

pytestmark = pytest.mark.django_db(transaction=True)


def test_directory_anonymous_search_finds_recipient_with_its_service(page):
    demo.seed(io.StringIO())

    page.goto(page.base_url + "/structures/annuaire/")
    page.fill("#id_identifier", "110 002")
    page.get_by_role("button", name="Rechercher").click()

    rows = page.locator("#directory-results tbody tr")
    expect(rows).to_have_count(1)
    row = page.locator('tr[data-identifier="11000201100044"]')
    expect(row).to_contain_text("Destinataire Etat")
    expect(row.locator('[data-service="SFACETAT"]')).to_be_visible()
    expect(page.locator("#area-tabs")).to_have_count(0)  # nobody is logged in

    page.fill("#id_identifier", "")
    page.fill("#id_name", "service obligatoire")
    page.get_by_role("button", name="Rechercher").click()
    row = page.locator('tr[data-identifier="12345678200028"]')
    expect(row.locator('[data-param="service_code_required"]')).to_be_visible()
    expect(row.locator('[data-service="SERVICE_DEST_SERV_OBL"]')).to_be_visible()

    row.get_by_role("link", name="12345678200028").click()
    expect(page.locator("h1")).to_have_text("Destinataire avec service obligatoire")
    expect(
        page.locator('#directory-services [data-service="SERVICE_DEST_SERV_OBL"]')
    ).to_be_visible()


def test_directory_download_is_a_csv_with_api_columns(page, tmp_path):
    demo.seed(io.StringIO())
    page.goto(page.base_url + "/structures/annuaire/")
    with page.expect_download() as download_info:
        page.click("#directory-download")
    download = download_info.value
    target = tmp_path / download.suggested_filename
    download.save_as(target)
    lines = target.read_text(encoding="utf-8-sig").splitlines()  # UTF-8 with a BOM
    assert download.suggested_filename == "annuaire_destinataires.csv"
    assert lines[0].startswith("TypeIdentifiant;Identifiant;RaisonSociale;EmetteurEdi")
    assert len(lines) == 6
