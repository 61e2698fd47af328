"""The NinjaAPI of `/cpro/` (API.md §3, §4.3): answers are always
`application/json;charset=utf-8` objects with `codeRetour` and `libelle`.

`cpro_view` wraps every URL of the API: it is public for the portal's login middleware
(authentication is the bearer token and `cpro-account`), reads the JSON body once (invalid
JSON → 400/20005, `null` or empty → `{}`), refuses a non-JSON `Content-Type` (415) and a body
over 50 MB (413), and turns Django's 405 and any unexpected error into the API's bodies.
"""

from __future__ import annotations

import json
import logging
from functools import wraps

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.parser import Parser

from api.auth import AUTH_FAILED, DENIED, CproAuth, Forbidden, Unauthenticated
from api.errors import ApiError, answer, error_body
from invoicing.errors import InvoiceError, ReturnCode

logger = logging.getLogger(__name__)
MAX_BODY = 50 * 1024 * 1024  # REQ-3
NOT_FOUND = _("API non trouvée")
METHOD = _("Méthode non autorisée")
UNSUPPORTED = _("Format de la requête non supporté")
INTERNAL = _("Erreur interne du serveur")
TOO_LARGE = _("La requête dépasse la taille maximale autorisée (50 Mo).")
BAD_JSON = _("Le corps de la requête n'est pas un JSON valide.")


class BodyParser(Parser):
    def parse_body(self, request: HttpRequest):
        data = getattr(request, "cpro_json", None)
        return data if isinstance(data, dict) else {}


api = NinjaAPI(
    title="Chorus Pro (démonstration) — API",
    version="1.0",
    description=(
        "API compatible Chorus Pro de la démonstration. Jeton : POST /api/oauth/token "
        "(client credentials), puis les en-têtes Authorization: Bearer et cpro-account."
    ),
    urls_namespace="cpro",
    auth=CproAuth(),
    parser=BodyParser(),
    docs_url=None,  # `docs` below: the page needs the request (CSP nonce)
    openapi_url="/openapi.json",
)


def _language(request: HttpRequest) -> str:
    data = getattr(request, "cpro_json", None)
    code = data.get("codeLangue") if isinstance(data, dict) else None
    return "en" if isinstance(code, str) and code.strip().upper() == "EN" else "fr"


@api.exception_handler(ApiError)
def _api_error(request, exc: ApiError):
    return answer(error_body(exc.code, exc.libelle), status=exc.status)


@api.exception_handler(InvoiceError)
def _domain_error(request, exc: InvoiceError):
    from api.errors import from_domain

    error = from_domain(exc)
    return answer(error_body(error.code, error.libelle), status=400)


@api.exception_handler(AuthenticationError)
@api.exception_handler(Unauthenticated)
def _unauthenticated(request, exc):
    return answer(error_body(401, AUTH_FAILED), status=401)


@api.exception_handler(Forbidden)
def _forbidden(request, exc):
    return answer(error_body(403, DENIED), status=403)


@api.exception_handler(NinjaValidationError)
def _invalid(request, exc: NinjaValidationError):
    loc = next((e.get("loc") for e in exc.errors if e.get("loc")), ())
    field = ".".join(str(p) for p in loc if p not in ("body", "payload")) or "body"
    libelle = _("Le champ %(field)s est mal formaté.") % {"field": field}
    return answer(error_body(int(ReturnCode.FORMAT), libelle), status=400)


@api.exception_handler(HttpError)
def _http_error(request, exc: HttpError):
    return answer(error_body(exc.status_code, str(exc)), status=exc.status_code)


@api.exception_handler(Exception)
def _unexpected(request, exc):
    logger.exception("API error on %s", request.path)
    return answer(error_body(500, INTERNAL), status=500)


def _read_body(request: HttpRequest):
    """None when the body is acceptable (stored on the request), else the error answer."""
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return None
    content_type = request.META.get("CONTENT_TYPE", "")
    if content_type and "json" not in content_type.lower():
        return answer(error_body(415, UNSUPPORTED), status=415)
    length = request.META.get("CONTENT_LENGTH") or "0"
    if length.isdigit() and int(length) > MAX_BODY:
        return answer(error_body(413, TOO_LARGE), status=413)
    raw = request.body
    if raw.strip():
        try:
            request.cpro_json = json.loads(raw)
        except (ValueError, UnicodeDecodeError):
            return answer(error_body(int(ReturnCode.FORMAT), BAD_JSON), status=400)
    else:
        request.cpro_json = {}
    if request.cpro_json is None:
        request.cpro_json = {}
    request.META["CONTENT_TYPE"] = "application/json"
    if not raw.strip() or raw.strip() == b"null":
        request._body = b"{}"
    return None


def cpro_view(view):
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs):
        refused = _read_body(request)
        if refused is not None:
            return refused
        with translation.override(_language(request)):
            try:
                response = view(request, *args, **kwargs)
            except Exception:
                logger.exception("API error on %s", request.path)
                return answer(error_body(500, INTERNAL), status=500)
            if response.status_code == 405:
                return answer(error_body(405, METHOD), status=405)
            return response

    return direct(csrf_exempt(login_not_required(wrapper)))


def direct(view):
    """Marks a view `api.middleware.ApiShortcutMiddleware` calls without the portal's
    page middleware (the API's operations and its token endpoint)."""
    view.cpro_direct = True
    return view


@login_not_required
def docs(request: HttpRequest):
    """The self-hosted Swagger UI of the API (public), under the portal's strict CSP."""
    from django.shortcuts import render
    from django.urls import reverse

    settings = {"layout": "BaseLayout", "deepLinking": True, "url": reverse("cpro:openapi-json")}
    return render(
        request, "ninja/swagger.html", {"api": api, "swagger_settings": json.dumps(settings)}
    )


def not_found(request: HttpRequest, *args, **kwargs):
    """URL-3: an unknown path under /cpro/; one trailing slash is tolerated."""
    from django.urls import Resolver404, resolve

    path = request.path_info
    if path.endswith("/") and not path.endswith("//"):
        try:
            match = resolve(path[:-1])
        except Resolver404:
            match = None
        if match is not None and match.func is not not_found_view:
            return match.func(request, *match.args, **match.kwargs)
    return answer(error_body(404, NOT_FOUND), status=404)


not_found_view = direct(csrf_exempt(login_not_required(not_found)))
