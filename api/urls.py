"""`/cpro/…` (API.md §3) and `/api/oauth/token` (§2.1)."""

from csp.constants import UNSAFE_INLINE
from csp.decorators import csp_update
from django.urls import URLPattern, path, re_path

from api import flux, oauth
from api.core import api, cpro_view, not_found_view
from api.factures.routes import router as factures
from api.structures_api import commitments_router, structures_router, users_router
from api.transverses import router as transverses

flux.attach(factures, transverses)  # the flows operations (issue 13)
api.add_router("/transverses", transverses)
api.add_router("/factures", factures)
api.add_router("/structures", structures_router)
api.add_router("/utilisateurs", users_router)
api.add_router("/engagementsJuridiques", commitments_router)
# The self-hosted Swagger UI sets inline styles: allowed on the docs page only.
api.docs_decorator = csp_update({"style-src": [UNSAFE_INLINE]})

patterns, app_name, namespace = api.urls
for pattern in patterns:
    if isinstance(pattern, URLPattern):
        pattern.callback = cpro_view(pattern.callback)

cpro_urls = ([*patterns, re_path(r"^.*$", not_found_view)], app_name)
cpro_namespace = namespace
token_urls = [path("token", oauth.token, name="oauth_token")]
