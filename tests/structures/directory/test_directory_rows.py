"""Issue 10: the directory's result rows are written in Python (`structures.directory.rows`)
instead of a loop with two includes per row; the HTML stays the template's, byte for byte."""

from __future__ import annotations

import pytest
from django.template import engines
from django.utils import translation

from structures.directory.rows import directory_rows
from structures.directory.views import _with_services, directory_structures
from structures.models import Structure
from tests.factories.structures import PublicStructureFactory, ServiceFactory

pytestmark = pytest.mark.django_db

# The loop `directory.html` had before the rows were written in Python.
TEMPLATE_LOOP = """{% load i18n %}
    {% for structure in page.object_list %}
      <tr data-identifier="{{ structure.identifier }}">
        <td><a href="{% url 'structures:directory_detail' structure.pk %}">{{ structure.identifier }}</a></td>
        <td>{{ structure.company_name }}</td>
        <td>{{ structure.address_lines|join:", " }}</td>
        <td>{% if structure.is_active %}<span class="fr-badge fr-badge--success fr-badge--sm">{% translate "Active" %}</span>{% else %}<span class="fr-badge fr-badge--sm">{% translate "Inactive" %}</span>{% endif %}</td>
        <td>{% include "structures/directory/_directory_services.html" %}</td>
        <td>{% include "structures/directory/_directory_parameters.html" %}</td>
      </tr>
    {% endfor %}"""  # noqa: E501

HOSTILE = '<b>Régie & "Eaux" d\'Arles</b>'


@pytest.fixture
def structures(db):
    plain = PublicStructureFactory(company_name="Commune simple")
    every = PublicStructureFactory(
        company_name=HOSTILE,
        street="1 rue <i>Basse</i> & co",
        address_complement='Bât. "A"',
        engagement_required=True,
        service_code_required=True,
        engagement_or_service_required=True,
        payment_status_not_reported=True,
    )
    ServiceFactory(structure=every, code="S<1>", name='Achats & "marchés"')
    ServiceFactory(
        structure=every, code="S2", name="Travaux", engagement_required=True,
        payment_status_managed=False,
    )  # fmt: skip
    ServiceFactory(structure=every, code="FERME", name="Fermé", is_active=False)
    one = PublicStructureFactory(company_name="Une seule exigence", service_code_required=True)
    ServiceFactory(structure=one, code="SEUL", name="Service seul")
    inactive = PublicStructureFactory(company_name="Ancienne commune")
    inactive.is_active = False  # the directory lists active ones; the row still says so
    return [plain, every, one, inactive]


@pytest.mark.parametrize("language", ["fr", "en"])
def test_rows_are_the_templates_html_byte_for_byte(structures, language):
    pks = [s.pk for s in structures]
    listed = {s.pk: s for s in _with_services(Structure.objects.filter(pk__in=pks))}
    rows = [listed[pk] for pk in pks]
    rows[-1].is_active = False
    template = engines["django"].from_string(TEMPLATE_LOOP)

    with translation.override(language):
        expected = template.render({"page": {"object_list": rows}})
        written = "\n    " + directory_rows(rows)

    assert written == expected
    assert "&lt;b&gt;Régie &amp; &quot;Eaux&quot; d&#x27;Arles&lt;/b&gt;" in written
    assert written.count('<span class="fr-badge fr-badge--sm">') == 1  # the inactive one


def test_the_directory_page_lists_its_rows(client, structures):
    assert directory_structures().filter(pk=structures[1].pk).exists()
    content = client.get("/structures/annuaire/", {"name": "Régie"}).content.decode()
    assert f'data-identifier="{structures[1].identifier}"' in content
    assert (
        'data-service="S&lt;1&gt;"' in content
        and 'data-param="payment_status_not_reported"' in content
    )
