"""Django settings: SQLite under var/ by default, any database through DATABASE_URL."""

import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("STIPLAN_VAR_DIR", BASE_DIR / "var"))

DEBUG = os.environ.get("STIPLAN_DEBUG", "1") == "1"
SECRET_KEY = os.environ.get("STIPLAN_SECRET_KEY", "dev-only-not-secret-change-me-in-production")
ALLOWED_HOSTS = os.environ.get("STIPLAN_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "drf_spectacular",
    "django_filters",
    "django_htmx",
    "rules",
    "axes",
    "stiplan.core",
    "stiplan.orgs",
    "stiplan.plans",
    "stiplan.reporting",
    "stiplan.metrics",
    "stiplan.reports",
    "django_q",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "stiplan.core.middleware.RefuseNulMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "stiplan.core.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
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
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = 10
AXES_COOLOFF_TIME = 1  # hours
AXES_ENABLED = os.environ.get("STIPLAN_AXES", "1") == "1"
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

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PERMISSION_CLASSES": ["stiplan.core.api.ActionPermission"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.LimitOffsetPagination",
    "PAGE_SIZE": 100,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "stiplan API",
    "DESCRIPTION": "Open API of stiplan: plans, organisation units, reports.",
    "VERSION": "1",
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
# First of all middleware hooks: a body's length and an upload's sender are judged before any
# middleware or view reads the body (stiplan/core/uploads.py).
MIDDLEWARE.insert(1, "stiplan.core.uploads.UploadGuardMiddleware")
