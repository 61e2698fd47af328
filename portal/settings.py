"""Settings of the Chorus Pro mimic, all driven by the environment (ARCHITECTURE rule 9).

Nothing here is secret: a development default exists for every value, and the ones that
must not reach production (SECRET_KEY) are refused when DEBUG is off.
"""

import os
from pathlib import Path
from urllib.parse import unquote, urlparse

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", default=False)
# pytest sets PYTEST_VERSION before it loads the settings.
TESTING = env_bool("TESTING") or "PYTEST_VERSION" in os.environ

DEV_SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"  # noqa: S105
# Keys that were ever published with this project: never acceptable in production.
PUBLIC_SECRET_KEYS = {DEV_SECRET_KEY, "change-me-in-production-this-is-not-a-secret"}
SECRET_KEY = os.environ.get("SECRET_KEY", DEV_SECRET_KEY)


def weak_secret_key(key: str) -> bool:
    """Django's own deploy check rule (50 characters, 5 different ones), plus published keys."""
    return key in PUBLIC_SECRET_KEYS or len(key) < 50 or len(set(key)) < 5


if not DEBUG and not TESTING and weak_secret_key(SECRET_KEY):
    raise ImproperlyConfigured(
        "SECRET_KEY must be set when DEBUG is off, to a random value of at least 50 characters "
        "(the development key is public). For example: "
        "python -c 'import secrets; print(secrets.token_urlsafe(50))'"
    )

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if (DEBUG or TESTING) else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
PORTAL_BASE_URL = os.environ.get("PORTAL_BASE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "portal.apps.PortalAdminConfig",  # django.contrib.admin behind the portal's login
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "dsfr",
    "django_htmx",
    "csp",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "guardian",
    "portal",
    "accounts",
    "notifications",
    "structures",
    "invoicing",
    "validation",
    "requests_app",
    "commitments",
    "ninja",
    "oauth2_provider",
    "api",
    "flows",
    "assistant",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "portal.security.SecurityHeadersMiddleware",
    "csp.middleware.CSPMiddleware",
    "api.middleware.ApiShortcutMiddleware",  # /cpro/ operations stop here (issue 12)
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "portal.middleware.UserLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "portal.middleware.CurrentStructureMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "portal.context_processors.portal",
                "demo.context_processors.demo_accounts",
                "invoicing.issued.acknowledgements.context_processor",
            ],
        },
    },
]

# --- Database: SQLite file by default, PostgreSQL through DATABASE_URL -----------------
VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
        # Issue 10: a connection per request cost ~15 ms on PostgreSQL; a worker keeps its
        # connection (checked before reuse after an error or a database restart).
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "600")),
        conn_health_checks=env_bool("DB_CONN_HEALTH_CHECKS", default=True),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # `make run` on SQLite must behave under parallel clicks (issue 11): WAL lets readers go on
    # while one request writes; BEGIN IMMEDIATE takes the write lock when a transaction starts
    # (not half-way, where SQLite answers "database is locked" at once); and the busy timeout
    # makes the loser wait for it, then see the winner's row as PostgreSQL's lock would.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        timeout=20,
        transaction_mode="IMMEDIATE",
        init_command="PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache: Redis when configured (shared lockouts, rate limits), memory otherwise -------
REDIS_URL = os.environ.get("REDIS_URL", "")


def _cache_url(url: str) -> str:
    """Under pytest-xdist each worker gets its own Redis database for the cache, since
    tests clear the cache (FLUSHDB) and would otherwise wipe each other's keys."""
    if not TESTING:
        return url
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw")
    index = 10 + (int(worker) if worker.isdigit() else 0) % 6
    return urlparse(url)._replace(path=f"/{index}").geturl()


if REDIS_URL:
    CACHES = {
        "default": {
            # Reads miss and writes are dropped while Redis is down (portal/cache.py).
            "BACKEND": "portal.cache.DegradingRedisCache",
            "LOCATION": _cache_url(REDIS_URL),
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Celery: a real worker on Redis, or eager (in-process) without a broker -------------
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL or env_bool("CELERY_EAGER")
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = "Europe/Paris"
CELERY_BEAT_SCHEDULE: dict = {}  # filled by portal.celery from each app's `beat_schedule`

# --- Accounts -------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
    "guardian.backends.ObjectPermissionBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "account_login"

ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = False
# ACC-4: the activation link is valid 60 minutes (allauth counts in days).
ACCOUNT_EMAIL_CONFIRMATION_EXPIRE_DAYS = 1 / 24
# Stored keys (not HMAC) so that a new link can invalidate the previous one: the adapter
# deletes the older keys of the address when it sends a new one.
ACCOUNT_EMAIL_CONFIRMATION_HMAC = False
PASSWORD_RESET_TIMEOUT = 3600  # ACC-5: allauth's reset links use Django's token generator
ACCOUNT_CHANGE_EMAIL = False  # ACC-1: the connection address is final
ACCOUNT_MAX_EMAIL_ADDRESSES = 1
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_EMAIL_NOTIFICATIONS = True  # password changed / reset, 2FA (de)activated
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
ACCOUNT_FORMS = {
    "login": "accounts.forms.LoginForm",
    "signup": "accounts.forms.SignupForm",
    "add_email": "accounts.forms.NoAddEmailForm",  # ACC-1
}
ACCOUNT_SIGNUP_FORM_HONEYPOT_FIELD = "site_web"  # ACC-3 anti-robot check
# ACC-6 is enforced by accounts (a per-account lock); allauth's IP limits stay as a second net.
# confirm_email: at most one activation mail a minute per address (ACC-4 resend form).
ACCOUNT_RATE_LIMITS = (
    # 30 failures an hour from one IP: one address cannot lock more than six accounts an hour.
    {"login_failed": "10/m/ip,30/h/ip", "confirm_email": "1/60s/key"} if not TESTING else False
)
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
# Staff need a second factor to use the admin (portal/admin.py).
ADMIN_REQUIRE_MFA = env_bool("ADMIN_REQUIRE_MFA", default=True)
MFA_TOTP_ISSUER = "Chorus Pro (démo)"

# --- Mail: outbox table, then SMTP / file / console backend -----------------------------
EMAIL_URL = os.environ.get("EMAIL_URL", "")
DEFAULT_FROM_EMAIL = os.environ.get(
    "DEFAULT_FROM_EMAIL", "Chorus Pro (démo) <ne-pas-repondre@chorus-demo.invalid>"
)
if EMAIL_URL.startswith(("smtp://", "smtps://")):
    _mail = urlparse(EMAIL_URL)
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = _mail.hostname or "localhost"
    EMAIL_PORT = _mail.port or 25
    EMAIL_HOST_USER = unquote(_mail.username or "")
    EMAIL_HOST_PASSWORD = unquote(_mail.password or "")
    EMAIL_USE_SSL = _mail.scheme == "smtps"
    EMAIL_USE_TLS = "tls=1" in (_mail.query or "")
    EMAIL_TIMEOUT = 10
elif EMAIL_URL.startswith("file://"):
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = EMAIL_URL.removeprefix("file://") or str(VAR_DIR / "mails")
elif EMAIL_URL == "console://":
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
else:
    # Default: mails are kept as files under var/mails and readable at /dev/mails (DEBUG).
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = str(VAR_DIR / "mails")

# --- Internationalisation -------------------------------------------------------------
# The source texts (msgids) are the French texts of the portal, its reference language;
# locale/en holds the complete English translation.
LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", "Français"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

# --- Files ----------------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
WHITENOISE_USE_FINDERS = DEBUG or TESTING
WHITENOISE_AUTOREFRESH = DEBUG or TESTING
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if (DEBUG or TESTING)
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
MEDIA_URL = None  # uploads are never served directly: views check rights and send them
# Uploads above 2.5 MB are streamed to a temporary file, never held in memory (ARCHITECTURE 8).
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = 5_242_880
# Online entry posts up to 500 lines (invoicing.deposit.line_forms.MAX_ENTRY_LINES) of 7 fields
# (designation, quantity, unit, unit price, discount, VAT rate, delete), that is 3 500, plus
# the header, the management form and the dossier's attachment ids; Django's default of
# 1 000 gave a bare "Bad Request (400)" from about 140 lines (issue 9, Low 11). The margin
# lets a few lines over the maximum reach the formset, which says so in French.
DATA_UPLOAD_MAX_NUMBER_FIELDS = 5_000
FILE_UPLOAD_TEMP_DIR = os.environ.get("FILE_UPLOAD_TEMP_DIR") or None
# PDF text: read in a child under these limits (issue 9; past them, no pre-fill), forked warm (10)
PDF_EXTRACTION_MEMORY_MB = int(os.environ.get("PDF_EXTRACTION_MEMORY_MB", "512"))
PDF_EXTRACTION_TIMEOUT_SECONDS = int(os.environ.get("PDF_EXTRACTION_TIMEOUT_SECONDS", "10"))
PDF_EXTRACTION_WARM = env_bool("PDF_EXTRACTION_WARM", default=True)

# --- Security -------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", default=not (DEBUG or TESTING))
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Production runs behind TLS (the compose file's proxy): redirect to HTTPS and send HSTS.
# Both are settable for a deployment that terminates TLS elsewhere or is being tried locally.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=not (DEBUG or TESTING))
SECURE_HSTS_SECONDS = int(
    os.environ.get("SECURE_HSTS_SECONDS", "0" if (DEBUG or TESTING) else "31536000")
)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=False)
# Preloading is a one-way commitment of a whole domain: a deployer opts in, so the deploy
# check's reminder about it is silenced while it is off.
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]
if env_bool("BEHIND_PROXY"):
    # Only behind a proxy that sets this header itself (it must overwrite a client's value).
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
DSFR_USE_INTEGRITY_CHECKSUMS = True
# Content-Security-Policy on every page (issue 9): no inline script or style, no eval. The
# page scripts are static files (static/portal/); a script that must stay inline carries the
# request's nonce (`request.csp_nonce`). The DEBUG mail viewer alone is exempt (see its view).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
        "base-uri": [SELF],
        "object-src": [NONE],
    },
}

# --- Portal ---------------------------------------------------------------------------
DEMO_BANNER = True  # this is never the official portal
# The login page lists the demo accounts (seed_demo) and their password: `make run` only.
DEMO_MODE = env_bool("DEMO_MODE", default=DEBUG)
TECHNICAL_ACCOUNT_DOMAIN = os.environ.get("TECHNICAL_ACCOUNT_DOMAIN", "chorus-demo.invalid")
# TEC-8: the environment this deployment plays (QUALIFICATION or PRODUCTION). An API
# application gets tokens only here if it was declared for this environment, and a
# production deployment refuses application names starting with APP_SANDBOX_.
DEPLOYMENT_ENVIRONMENT = os.environ.get("DEPLOYMENT_ENVIRONMENT", "QUALIFICATION").upper()
if DEPLOYMENT_ENVIRONMENT not in ("QUALIFICATION", "PRODUCTION"):
    raise ImproperlyConfigured("DEPLOYMENT_ENVIRONMENT must be QUALIFICATION or PRODUCTION.")
# --- API (API.md): OAuth2 client credentials, 3,600 s tokens (AUTH-1..3) ----------------
OAUTH2_PROVIDER_APPLICATION_MODEL = "oauth2_provider.Application"
OAUTH2_PROVIDER = {
    "ACCESS_TOKEN_EXPIRE_SECONDS": 3600,
    "SCOPES": {"openid": "OpenID"},
    "DEFAULT_SCOPES": ["openid"],
    "OAUTH2_VALIDATOR_CLASS": "api.oauth.Validator",
    # Only the SHA-256 of a token is stored (RFC 9700); the raw value is never persisted.
    "COMPLIANT_BCP_RFC9700_TOKEN_STORAGE": True,
    # RFC 9700 everywhere (only client credentials are used; the others are closed).
    **{
        f"COMPLIANT_BCP_RFC9700_{name}": True
        for name in ("IMPLICIT_GRANT", "PASSWORD_GRANT", "PKCE_METHOD")
        + ("ACCESS_TOKEN_TRANSPORT", "AUTHZ_RESPONSE_ISS", "REFRESH_TOKEN")
    },
    "REFRESH_TOKEN_REUSE_PROTECTION": True,
    "ALLOWED_REDIRECT_URI_SCHEMES": ["https"],
}
# A verified cpro-account or client secret is remembered (keyed on the stored hash) this long.
API_CREDENTIALS_CACHE_SECONDS = int(os.environ.get("API_CREDENTIALS_CACHE_SECONDS", "60"))
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"forbidden_one_line": {"()": "portal.logging.ForbiddenWithoutTraceback"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["forbidden_one_line"]}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # WeasyPrint and fontTools narrate every PDF they make at INFO level.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

ADMIN_SITE_HEADER = _("Chorus Pro (démonstration) — administration")
