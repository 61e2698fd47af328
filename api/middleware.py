"""`/cpro/` operations and the token endpoint skip the portal's page machinery (issue 12).

An API call authenticates with its bearer token and `cpro-account` on every call: it has no
session, no messages, no allauth or htmx state, no current structure, no CSRF token and no
portal language (`codeLangue` decides). Placed after the security-header middleware, this
one calls the API's views itself (those `api.core.cpro_view` marks) and adds what the
skipped middleware would have added to such a response (`X-Frame-Options`,
`Content-Language`, `Content-Length`). Every other path goes down the whole stack.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.urls import Resolver404, resolve
from django.utils import translation

PREFIXES = ("/cpro/", "/api/oauth/")  # the operations and the token endpoint


class ApiShortcutMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path_info.startswith(PREFIXES):
            return self.get_response(request)
        try:
            match = resolve(request.path_info, getattr(request, "urlconf", None))
        except Resolver404:
            return self.get_response(request)
        if not getattr(match.func, "cpro_direct", False):
            return self.get_response(request)  # e.g. the Swagger page: a portal page
        request.resolver_match = match
        request.user = AnonymousUser()  # until the API's authentication sets the account
        translation.activate(settings.LANGUAGE_CODE)
        request.LANGUAGE_CODE = settings.LANGUAGE_CODE
        response = match.func(request, *match.args, **match.kwargs)
        headers = response.headers
        headers.setdefault("Content-Language", translation.get_language())
        if not getattr(response, "xframe_options_exempt", False):
            headers.setdefault("X-Frame-Options", settings.X_FRAME_OPTIONS.upper())
        if not response.streaming and "Content-Length" not in headers:
            headers["Content-Length"] = str(len(response.content))
        return response
