"""The portal's base form for DSFR rendering (issue 10: list pages' CPU).

`dsfr.forms.DsfrBaseForm.default_renderer` is a class, so Django made a renderer per form
instance, and with it a template engine whose cache died with the form: every form on
every page parsed its widget templates again (a quarter of a list page's CPU). One renderer
per process, same templates, same markup.
"""

from __future__ import annotations

from dsfr.forms import DsfrBaseForm, DsfrDjangoTemplates

RENDERER = DsfrDjangoTemplates()


class DsfrForm(DsfrBaseForm):
    default_renderer = RENDERER
