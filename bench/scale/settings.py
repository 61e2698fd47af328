"""Settings of the scale benchmark's server: the portal's, plus a bench-only floor URL and
two bench-only response headers (SQL queries and worker CPU per request)."""

from portal.settings import *  # noqa: F403
from portal.settings import BASE_DIR, MIDDLEWARE, TEMPLATES

ROOT_URLCONF = "bench.scale.urls"
MIDDLEWARE = ["bench.scale.middleware.BenchMetricsMiddleware", *MIDDLEWARE]
TEMPLATES[0]["DIRS"] = [*TEMPLATES[0]["DIRS"], BASE_DIR / "bench" / "scale" / "templates"]
# Static files are served by the finders: no collectstatic (and its compression) before a run.
# `{% static %}` costs the same dictionary-free lookup on every page, floor included.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
