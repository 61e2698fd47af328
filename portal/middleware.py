"""Request-wide resolution of the language and of the current structure (ARCHITECTURE rule 3)."""

from __future__ import annotations

from django.conf import settings
from django.utils import translation
from django.utils.functional import SimpleLazyObject

from portal.params import parse_id
from structures.models import Membership

LANGUAGE_SESSION_KEY = "portal_language"
STRUCTURE_SESSION_KEY = "current_structure_id"
SUPPORTED = {code for code, _name in settings.LANGUAGES}


class UserLanguageMiddleware:
    """French by default; `?lang=en` switches (and is remembered), a user's choice follows them.

    Browser Accept-Language is deliberately ignored: the portal is French unless asked.
    Placed before LocaleMiddleware's slot; reads the user lazily from the session.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        requested = (request.GET.get("lang") or "").lower()
        if requested in SUPPORTED:
            request.session[LANGUAGE_SESSION_KEY] = requested
            request._language_switched_to = requested
        language = request.session.get(LANGUAGE_SESSION_KEY) or settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", translation.get_language())
        return response


class CurrentStructureMiddleware:
    """`request.membership` and `request.structure`: the structure the user works on.

    Chosen with `?structure=<id>` among the user's own memberships, remembered in the
    session; otherwise the first membership. Resolved lazily, once per request.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            self._sync_language(request, user)
            request.membership = SimpleLazyObject(lambda: self._resolve(request))
            request.structure = SimpleLazyObject(
                lambda: request.membership.structure if request.membership else None
            )
        else:
            request.membership = None
            request.structure = None
        return self.get_response(request)

    @staticmethod
    def _sync_language(request, user) -> None:
        switched = getattr(request, "_language_switched_to", None)
        if switched and switched != user.language:
            user.language = switched
            user.save(update_fields=["language"])
        elif not switched and user.language in SUPPORTED:
            if request.session.get(LANGUAGE_SESSION_KEY) != user.language:
                request.session[LANGUAGE_SESSION_KEY] = user.language
            translation.activate(user.language)
            request.LANGUAGE_CODE = user.language

    @staticmethod
    def _resolve(request):
        memberships = Membership.objects.filter(user=request.user).select_related("structure")
        wanted = request.GET.get("structure") or request.session.get(STRUCTURE_SESSION_KEY)
        chosen = None
        structure_id = parse_id(wanted)
        if structure_id is not None:
            chosen = memberships.filter(structure_id=structure_id).first()
        if chosen is None:
            chosen = memberships.order_by("structure__company_name", "id").first()
        if chosen is not None and request.session.get(STRUCTURE_SESSION_KEY) != chosen.structure_id:
            request.session[STRUCTURE_SESSION_KEY] = chosen.structure_id
        return chosen
