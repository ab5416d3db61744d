"""Django settings: SQLite under var/ by default, any database through DATABASE_URL.

Closed by default: no DEBUG, HTTPS only behind the reverse proxy, a secret key of this
installation's own. docs/deployment.md lists every STIPLAN_* variable."""

import os
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

from stiplan.core import datafolder

BASE_DIR = Path(__file__).resolve().parent.parent
# The data folder (database, uploads, the generated key): every entry point creates it.
VAR_DIR = Path(os.environ.get("STIPLAN_VAR_DIR", BASE_DIR / "var"))
datafolder.prepare(VAR_DIR, "private", "static")

DEBUG = os.environ.get("STIPLAN_DEBUG") == "1"
# No public default: without STIPLAN_SECRET_KEY, a key generated once into the data folder.
SECRET_KEY = os.environ.get("STIPLAN_SECRET_KEY") or datafolder.secret_key(VAR_DIR)
ALLOWED_HOSTS = [h.strip() for h in os.environ.get(
    "STIPLAN_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h.strip()]

# HTTPS only. The reverse proxy of docs/deployment.md ends TLS and sets X-Forwarded-Proto (it
# must overwrite any value the client sent); the app itself is reachable only through it.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = int(os.environ.get("STIPLAN_HSTS_SECONDS", str(365 * 24 * 3600)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
# Origins allowed to post forms: STIPLAN_CSRF_TRUSTED_ORIGINS, else https:// on each allowed host.
_origins = os.environ.get("STIPLAN_CSRF_TRUSTED_ORIGINS", "")
CSRF_TRUSTED_ORIGINS = [o.strip() for o in _origins.split(",") if o.strip()] or [
    f"https://*{h}" if h.startswith(".") else f"https://{h}" for h in ALLOWED_HOSTS if h != "*"]
# `stiplan demo` and the tests serve plain http on 127.0.0.1 and turn these off themselves
# (stiplan.demo.reference.serve_plain_http); STIPLAN_INSECURE_HTTP=1 does the same for another
# local run. Never on a server.
PLAIN_HTTP = {"SECURE_SSL_REDIRECT": False, "SESSION_COOKIE_SECURE": False,
              "CSRF_COOKIE_SECURE": False, "SECURE_HSTS_SECONDS": 0}
if os.environ.get("STIPLAN_INSECURE_HTTP") == "1":
    globals().update(PLAIN_HTTP)

# Scripts, styles, images and requests from this site only; nothing inline, no frames.
CONTENT_SECURITY_POLICY = {"DIRECTIVES": {
    "default-src": [SELF], "script-src": [SELF], "style-src": [SELF], "img-src": [SELF],
    "font-src": [SELF], "connect-src": [SELF], "object-src": [NONE], "base-uri": [NONE],
    "form-action": [SELF], "frame-ancestors": [NONE],
}}

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "django_htmx",
    "rules",
    "axes",
    "stiplan.core",
    "stiplan.orgs",
    "stiplan.plans",
    "stiplan.reporting",
    "stiplan.metrics",
    "stiplan.documents",
    "stiplan.index",
    "stiplan.registry",
    "stiplan.portal",
    "stiplan.demo",
    "django_q",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # A body's length and an upload's sender are judged before any middleware or view reads it.
    "stiplan.core.uploads.UploadGuardMiddleware",
    "stiplan.core.middleware.RefuseNulMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "stiplan.core.middleware.FaultPageMiddleware",  # before every layer that reads the database
    "django.contrib.sessions.middleware.SessionMiddleware",
    "stiplan.core.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
    # last: it reads the user, the session and the messages (a visitor's page only)
    "stiplan.portal.caching.PublicPageCacheMiddleware",
]

ROOT_URLCONF = "stiplan.urls"
WSGI_APPLICATION = "stiplan.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "stiplan" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "stiplan.core.context_processors.roles",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'stiplan.sqlite3'}", conn_max_age=60
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Write-ahead log: pages keep reading while the worker writes, and a commit appends to the log
    # instead of waiting for the disk twice (synchronous=NORMAL is durable at each checkpoint and
    # never corrupts the file). IMMEDIATE takes the write lock when a transaction starts, so two
    # writers queue (busy timeout) instead of failing with "database is locked" midway.
    DATABASES["default"].setdefault("OPTIONS", {}).update({
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE"})
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [{"NAME": f"django.contrib.auth.password_validation.{name}"} for name in (
    "UserAttributeSimilarityValidator", "MinimumLengthValidator", "CommonPasswordValidator",
    "NumericPasswordValidator")]
# Failed logins lock one account from one client address, not the whole office behind a proxy.
AXES_FAILURE_LIMIT = 10
AXES_COOLOFF_TIME = 1  # hours
AXES_ENABLED = os.environ.get("STIPLAN_AXES", "1") == "1"
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "stiplan.core.middleware.client_ip"
# How many reverse proxies stand before the app, each appending to X-Forwarded-For; 0 (a direct
# connection) trusts no header and uses the connection's address.
STIPLAN_TRUSTED_PROXIES = int(os.environ.get("STIPLAN_TRUSTED_PROXIES", "0"))
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

# Vietnamese first; message ids are written in Vietnamese, English comes from locale/en.
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Tiếng Việt")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "stiplan" / "locale"]
FORMAT_MODULE_PATH = ["stiplan.formats"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "stiplan" / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
MEDIA_ROOT = VAR_DIR / "media"
# Evidence files and uploads: never under the web root, served only through checked views.
PRIVATE_MEDIA_ROOT = VAR_DIR / "private"
MAX_UPLOAD_BYTES = 10 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024

# The API signs in by session (the pages' cookie, with CSRF) or by token (`stiplan token create`);
# never by Basic auth, whose failed passwords django-axes would count against the web login.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "stiplan.core.api.ApiTokenAuthentication",
    ],
    "DEFAULT_SCHEMA_CLASS": "stiplan.core.api_schema.StiplanAutoSchema",
    "DEFAULT_PERMISSION_CLASSES": ["stiplan.core.api.ActionPermission"],
    "DEFAULT_PAGINATION_CLASS": "stiplan.core.api.BoundedPagination",
    "PAGE_SIZE": 100,
    "DEFAULT_FILTER_BACKENDS": ["stiplan.core.api.StrictFilterBackend"],
    "EXCEPTION_HANDLER": "stiplan.core.api_schema.exception_handler",
    "DEFAULT_THROTTLE_CLASSES": ["stiplan.core.api.CallerThrottle", "stiplan.core.api.HeavyThrottle"],
}


def _rates(text: str) -> dict:
    """"anon=120/min,heavy=none" → {"anon": "120/min", "heavy": None}."""
    pairs = (item.split("=", 1) for item in text.split(",") if "=" in item)
    return {k.strip(): None if v.strip() == "none" else v.strip() for k, v in pairs}


# API throttling (DRF rates, read at each request by stiplan.core.api): visitors by address,
# signed-in users by account, machine clients by token, and "heavy" for the endpoints that make
# documents or read workbooks. STIPLAN_API_RATES overrides some ("anon=120/min,heavy=none").
# The counts live in the default cache, shared by every worker.
STIPLAN_API_RATES = {"anon": "60/min", "user": "600/min", "token": "1200/min", "heavy": "20/min",
                     **_rates(os.environ.get("STIPLAN_API_RATES", ""))}
SPECTACULAR_SETTINGS = {
    "TITLE": "stiplan API",
    "DESCRIPTION": "Open API of stiplan: plans, organisation units, reports.",
    "VERSION": "1",
    "COMPONENT_SPLIT_REQUEST": True,
    # the docs page (/api/v1/docs/) runs Swagger UI from the installed static files, no CDN
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums",
                             "stiplan.core.api_schema.selected_fields_are_optional"],
    # the registry's several `kind` fields, each its own named enum
    "ENUM_NAME_OVERRIDES": {
        "TaskKindEnum": "stiplan.registry.models.TaskKind",
        "OrganisationKindEnum": "stiplan.registry.models.OrganisationKind",
        "IPKindEnum": "stiplan.registry.models.IPKind",
        "OutputKindEnum": "stiplan.registry.models.OutputKind",
    },
}

EMAIL_BACKEND = os.environ.get(
    "STIPLAN_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"
)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("STIPLAN_LOG_LEVEL", "WARNING")},
}
# Serve static files straight from the apps (no collectstatic needed for the demo and the tests).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

# Official documents: the Department that issues them (its successor on the document's date is
# used), the place in the date line, the number's suffix, and the Times-metric font for PDFs.
STIPLAN_DEPARTMENT_UNIT = os.environ.get("STIPLAN_DEPARTMENT_UNIT", "VL.SKHCN")
STIPLAN_DOCUMENT_PLACE = os.environ.get("STIPLAN_DOCUMENT_PLACE", "Vĩnh Long")
STIPLAN_DOCUMENT_SUFFIX = os.environ.get("STIPLAN_DOCUMENT_SUFFIX", "BC-SKHCN")
STIPLAN_FONT_DIR = Path(os.environ.get("STIPLAN_FONT_DIR", "/usr/share/fonts/truetype/liberation2"))

# Open data (/data/): who publishes the datasets and under which licence (Nghị định 47/2020 lets
# the publishing agency set the terms; CC BY 4.0 unless it says otherwise).
STIPLAN_PUBLISHER = os.environ.get("STIPLAN_PUBLISHER", "Sở Khoa học và Công nghệ tỉnh Vĩnh Long")
STIPLAN_OPEN_DATA_LICENCE = os.environ.get("STIPLAN_OPEN_DATA_LICENCE",
                                           "https://creativecommons.org/licenses/by/4.0/")

# Background jobs (django-q2, the database as broker): run `stiplan qcluster` beside the web
# server; `stiplan demo` starts one. STIPLAN_JOBS_SYNC=1 runs jobs inline (tests, one-off use).
Q_CLUSTER = {
    "name": "stiplan",
    "orm": "default",
    "workers": int(os.environ.get("STIPLAN_JOB_WORKERS", "1")),
    "timeout": 600,
    "retry": 900,
    "max_attempts": 1,
    "catch_up": False,
}
STIPLAN_JOBS_SYNC = os.environ.get("STIPLAN_JOBS_SYNC", "0") == "1"

# One cache shared by the web workers and the job cluster (the overview is computed ahead of
# time by a job after each change): a table in the database, made by `stiplan createcachetable`.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache",
                      "LOCATION": "stiplan_cache", "OPTIONS": {"MAX_ENTRIES": 2000}}}
