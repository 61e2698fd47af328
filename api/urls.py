"""`/cpro/…` (API.md §3) and `/api/oauth/token` (§2.1)."""

from django.urls import URLPattern, path, re_path

from api import flux, oauth
from api.core import api, cpro_view, docs, not_found_view
from api.factures.routes import router as factures
from api.structures_api import commitments_router, structures_router, users_router
from api.transverses import router as transverses

flux.attach(factures, transverses)  # the flows operations (issue 13)
api.add_router("/transverses", transverses)
api.add_router("/factures", factures)
api.add_router("/structures", structures_router)
api.add_router("/utilisateurs", users_router)
api.add_router("/engagementsJuridiques", commitments_router)

patterns, app_name, namespace = api.urls
for pattern in patterns:
    if isinstance(pattern, URLPattern):
        # `/cpro/` itself is not an operation: the unknown-path answer (URL-3) rather than
        # ninja's redirect (the name stays: ninja reverses it for the OpenAPI paths).
        root = pattern.name == "api-root"
        pattern.callback = not_found_view if root else cpro_view(pattern.callback)
patterns.append(path("docs", docs, name="openapi-view"))

cpro_urls = ([*patterns, re_path(r"^.*$", not_found_view)], app_name)
cpro_namespace = namespace
token_urls = [path("token", oauth.token, name="oauth_token")]
