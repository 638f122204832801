"""Settings for the incubator-plan dashboard.

One module, read from the environment. Local use needs nothing set: SQLite in the
checkout, DEBUG on, a throwaway secret. Production (``DEBUG=0``) refuses to start
without a real ``SECRET_KEY`` and ``ALLOWED_HOSTS``, and serves over HTTPS only
(HSTS, secure cookies, redirect) unless ``INTRANET_HTTP=1`` says the site is
plain HTTP on a closed network. docs/deployment.md lists every variable.
"""

import base64
import hashlib
import os
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF, UNSAFE_HASHES
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}.") from None


DEBUG = env_bool("DEBUG", True)

_DEV_SECRET = "dev-only-insecure-key-do-not-use-in-production"
SECRET_KEY = os.environ.get("SECRET_KEY", _DEV_SECRET if DEBUG else "")
if not DEBUG and (not SECRET_KEY or SECRET_KEY == _DEV_SECRET):
    raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]" if DEBUG else "")
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must be set when DEBUG is off.")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_tables2",
    "simple_history",
    # Login throttling (see "Accounts and login" below).
    "axes",
    # The Content-Security-Policy header (see "Security headers" below).
    "csp",
    "regions",
    "targets",
    "reports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Pages gzipped (a dashboard's HTML shrinks about fivefold); after
    # whitenoise, which serves static files precompressed (brotli, gzip).
    # Django's GZipMiddleware pads each response against BREACH and the CSRF
    # token is masked per response.
    "django.middleware.gzip.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # After SessionMiddleware: renews the idle timeout at most once a minute.
    "regions.sessions.RenewSessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Every page needs a login except those marked @login_not_required.
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # A page in words, not a blank one, for a form's address opened with GET.
    "incubator_plan.errors.MethodNotAllowedPage",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "incubator_plan.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "targets.context_processors.plan",
                "reports.context_processors.notices",
                "reports.context_processors.navigation",
            ],
        },
    },
]

WSGI_APPLICATION = "incubator_plan.wsgi.application"

# SQLite in the checkout by default; PostgreSQL (or any URL dj-database-url knows)
# through DATABASE_URL for production and multi-user use.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded database serves requests from several threads at once. A
    # write transaction takes SQLite's write lock when it begins (IMMEDIATE),
    # so a second writer waits for the first (up to 20 s) instead of failing
    # with "database is locked" once it has read and tries to write.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"transaction_mode": "IMMEDIATE", "timeout": env_int("SQLITE_TIMEOUT", 20)}
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"


def cache_from_url(url: str) -> dict:
    """CACHE_URL → Django's CACHES["default"]. Computed progress tables are
    kept here (reports/progress/reuse.py), keyed on the plan's data version, so
    every backend is safe; only a shared one lets several app servers reuse
    each other's work.

    - unset or ``locmem://``: in each process's memory (the embedded default);
    - ``redis://host:port/db`` (or ``rediss://``): one Redis for every server;
    - ``db://`` or ``db://TABLE``: a table of the database (``createcachetable``);
    - ``dummy://``: nothing is kept (every page computes afresh).
    """
    scheme, _sep, rest = url.partition("://")
    if scheme in ("", "locmem"):
        return {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": rest or "incubator",
        }
    if scheme in ("redis", "rediss"):
        return {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}
    if scheme == "db":
        return {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": rest or "django_cache",
        }
    if scheme == "dummy":
        return {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}
    raise ImproperlyConfigured(
        f"CACHE_URL must be locmem://, redis://HOST:PORT/DB, db://TABLE or dummy://, not {url!r}."
    )


CACHES = {
    "default": {
        **cache_from_url(os.environ.get("CACHE_URL", "").strip()),
        # Keys carry the data version; an old entry is never read again, it
        # only waits to expire.
        "TIMEOUT": env_int("CACHE_SECONDS", 6 * 60 * 60),
        "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "incubator"),
    },
    # Each process's own computed progress tables, kept as live objects (no
    # pickling: reports/progress/live_cache.py); checked against the plan's data
    # version on every read. A thousand-region table takes tens of MB: keep few.
    "progress": {
        "BACKEND": "reports.progress.live_cache.LiveObjectCache",
        "LOCATION": "progress",
        "TIMEOUT": env_int("CACHE_SECONDS", 6 * 60 * 60),
        "OPTIONS": {"MAX_ENTRIES": env_int("PROGRESS_CACHE_ENTRIES", 12)},
    },
}

FIXTURE_DIRS = [BASE_DIR / "fixtures"]

# --- Accounts and login -------------------------------------------------------
# Roles are groups with permissions (regions/roles.py); what a user sees is
# scoped by targets.access / Region.objects.visible_to.

# django-axes must come first: it refuses a locked-out login before Django even
# checks the password, so a correct password does not help while locked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        # Django's, with the message Django 5.2 left untranslated in Chinese.
        "NAME": "regions.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Idle timeout: the session lives SESSION_IDLE_MINUTES from its last save, so a
# dashboard left open on a shared office PC logs itself out. A read request does
# not write: regions.sessions.RenewSessionMiddleware saves the session again only
# when its last save is older than SESSION_RENEW_SECONDS, so the logout comes
# between SESSION_IDLE_MINUTES minus that and SESSION_IDLE_MINUTES after the
# last request, and at most one session UPDATE a minute per user.
SESSION_IDLE_MINUTES = env_int("SESSION_IDLE_MINUTES", 30)
SESSION_COOKIE_AGE = SESSION_IDLE_MINUTES * 60
SESSION_RENEW_SECONDS = env_int("SESSION_RENEW_SECONDS", 60)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# Login throttling: after LOGIN_FAILURE_LIMIT failed logins for one username
# from one address, that pair is refused (HTTP 429, templates/axes/lockout.html)
# for LOGIN_COOLOFF_MINUTES. Username *and* address, so a mistyping colleague
# behind the same NAT does not lock everybody out. An administrator unlocks
# early in the admin (Axes → access attempts) or with `manage.py axes_reset`.
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOGIN_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_HTTP_RESPONSE_CODE = 429
# axes has no Chinese translation of its messages; our template says it all.
AXES_LOCKOUT_TEMPLATE = "axes/lockout.html"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": os.environ.get(
            "STATICFILES_BACKEND",
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage",
        )
    },
}

DJANGO_TABLES2_TEMPLATE = "django_tables2/bootstrap5.html"

# Django's form renderer with the <input> and <select> widgets written in
# Python: the same HTML without two or three templates per widget.
FORM_RENDERER = "incubator_plan.form_renderer.QuickWidgetsRenderer"

# Status bands for progress against the time-elapsed expected value (序时进度):
# a share of the expected value below BEHIND is "behind", below SERIOUSLY_BEHIND
# "seriously behind". Settings, not code, so a bureau can tune them.
PROGRESS_BEHIND_BELOW = Decimal(os.environ.get("PROGRESS_BEHIND_BELOW", "1.0"))
PROGRESS_SERIOUSLY_BEHIND_BELOW = Decimal(os.environ.get("PROGRESS_SERIOUSLY_BEHIND_BELOW", "0.8"))

# The entry grids post two fields per cell (value and the version seen):
# Django's default cap of 1,000 fields stopped a 60-region × 10-indicator
# grid, or one region's 110 incubators, losing everything typed. The cap
# still stops a flood of fields; the body size cap (2.5 MB) stays Django's.
DATA_UPLOAD_MAX_NUMBER_FIELDS = env_int("DATA_UPLOAD_MAX_NUMBER_FIELDS", 50_000)

# Uploaded figure workbooks larger than this are refused before parsing.
FIGURES_UPLOAD_MAX_BYTES = int(os.environ.get("FIGURES_UPLOAD_MAX_BYTES", str(5 * 1024 * 1024)))

# Charts (the overview's heatmap, an indicator's bars and lines) show every
# township up to this many, else the ones lagging most.
HEATMAP_MAX_REGIONS = int(os.environ.get("HEATMAP_MAX_REGIONS", "30"))
# The township matrix is split into pages of this many rows beyond that size.
MATRIX_PAGE_SIZE = int(os.environ.get("MATRIX_PAGE_SIZE", "100"))
# A township's quarterly briefing (季度通报) states its rank among the
# townships only when this is on: a rank compares it with others, which the
# bureau may not want to publish to each township.
BRIEFING_SHOW_TOWNSHIP_RANK = env_bool("BRIEFING_SHOW_TOWNSHIP_RANK", False)

# --- Reporting deadlines, reminders and e-mail ---------------------------------
# A quarter's figures are due REPORT_DUE_DAYS after the quarter's last day unless
# staff set another date on the quarters page. `manage.py send_reminders` (run
# daily from cron or a systemd timer, docs/deployment.md) reminds the townships
# that have not submitted from REPORT_REMIND_DAYS_BEFORE days before the due date.
REPORT_DUE_DAYS = env_int("REPORT_DUE_DAYS", 10)
REPORT_REMIND_DAYS_BEFORE = env_int("REPORT_REMIND_DAYS_BEFORE", 3)

# Notices are mailed through Django's email backend: printed to the console
# unless EMAIL_HOST names an SMTP server (or EMAIL_BACKEND names another backend).
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
if EMAIL_USE_TLS and EMAIL_USE_SSL:
    raise ImproperlyConfigured("Set EMAIL_USE_TLS or EMAIL_USE_SSL, not both.")
# A mail server that does not answer must not hold a cron run forever.
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 30)
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND") or (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend"
)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "webmaster@localhost")
# The site's address as users reach it (https://dashboard.example.gov.cn), for
# the links in mails; without it a mail carries the path only.
SITE_URL = os.environ.get("SITE_URL", "").rstrip("/")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

# Shown in the page header so nobody mistakes demo figures for reported ones.
SITE_TITLE = _("大孵化器集群建设目标看板")

# --- HTTPS --------------------------------------------------------------------
# Production (DEBUG=0) is HTTPS-only by default: `manage.py check --deploy`
# passes without warnings. INTRANET_HTTP=1 is the deliberate exception for a
# server reachable only on a closed network over plain HTTP: no redirect, no
# HSTS, cookies allowed over HTTP, and the four checks that assume HTTPS are
# silenced (docs/deployment.md explains the trade-off). Every value can still be
# overridden one by one from the environment.
INTRANET_HTTP = env_bool("INTRANET_HTTP", False)
SERVED_OVER_HTTPS = not DEBUG and not INTRANET_HTTP

SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", SERVED_OVER_HTTPS)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", SERVED_OVER_HTTPS)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", SERVED_OVER_HTTPS)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31_536_000 if SERVED_OVER_HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", SERVED_OVER_HTTPS)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", SERVED_OVER_HTTPS)
# Behind a reverse proxy that terminates TLS, Django sees plain HTTP; trust the
# proxy's X-Forwarded-Proto only when told the proxy sets it (else anyone could).
if env_bool("SECURE_PROXY_SSL_HEADER", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

SILENCED_SYSTEM_CHECKS: list[str] = []
if INTRANET_HTTP:
    SILENCED_SYSTEM_CHECKS += [
        "security.W004",  # SECURE_HSTS_SECONDS: HSTS means nothing without HTTPS
        "security.W008",  # SECURE_SSL_REDIRECT: there is no HTTPS to redirect to
        "security.W012",  # SESSION_COOKIE_SECURE: a secure cookie is never sent over HTTP
        "security.W016",  # CSRF_COOKIE_SECURE: likewise
    ]

# --- Security headers ---------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# No JavaScript reads the CSRF cookie: every form carries {% csrf_token %}.
CSRF_COOKIE_HTTPONLY = True

# Content-Security-Policy through django-csp. Everything comes from our own
# static files: no inline script, no <style> element, no CDN. Checked in
# headless chromium on every dashboard page:
# - plotly.js would inject <style> elements, which 'self' blocks; it does not
#   when the page links its stylesheet as <link id="plotly.js-style-global"
#   class="no-inline-styles" rel="stylesheet" href=".../plotly.css">
#   (templates/reports/_chart_js.html).
# - plotly.js still sets two fixed style *attributes* from script: an empty one
#   on a colour bar's fills, and its image-rendering probe for heatmaps.
#   'unsafe-hashes' with their hashes allows exactly these two values and no
#   other style attribute; our own templates use none at all
#   (tests/test_access_matrix.py checks every page).
# img-src data: is for the SVG icons inside Bootstrap's CSS and plotly's PNG
# download.


def csp_hash(text: str) -> str:
    digest = base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()
    return f"'sha256-{digest}'"


PLOTLY_STYLE_ATTRIBUTES = [
    "",  # colour bar fills: .attr("style", "")
    # plotly.js 4.1.1 Kg.STYLE, the probe for CSS pixelated images
    "image-rendering: optimizeSpeed; image-rendering: -moz-crisp-edges; "
    "image-rendering: -o-crisp-edges; image-rendering: -webkit-optimize-contrast; "
    "image-rendering: optimize-contrast; image-rendering: crisp-edges; "
    "image-rendering: pixelated; ",
]
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "style-src-attr": [UNSAFE_HASHES, *map(csp_hash, PLOTLY_STYLE_ATTRIBUTES)],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

# --- Read-only JSON API (/api/v1/) ---------------------------------------------
INSTALLED_APPS += ["rest_framework", "rest_framework.authtoken", "drf_spectacular"]
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first: an anonymous call then gets 401 with WWW-Authenticate.
        # DRF's token, refused once older than API_TOKEN_LIFETIME.
        "regions.tokens.ExpiringTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    # DRF's own JSON parser says what is wrong in English whatever the language.
    "DEFAULT_PARSER_CLASSES": [
        "reports.api.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
# An API token (POST /api/v1/token/) lives this long from its creation, then
# answers 401 and the script asks for a new one. Changing the password,
# deactivating the account and logging out revoke it at once (regions/tokens.py).
_token_hours = env_int("API_TOKEN_LIFETIME_HOURS", 30 * 24)
if _token_hours < 1:
    raise ImproperlyConfigured("API_TOKEN_LIFETIME_HOURS must be at least 1.")
API_TOKEN_LIFETIME = timedelta(hours=_token_hours)
SPECTACULAR_SETTINGS = {
    "TITLE": "Incubator plan dashboard API",
    "DESCRIPTION": "Targets and progress of the current plan, scoped to the caller.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # Two choice sets named "status": a progress status and a goal's status.
    "ENUM_NAME_OVERRIDES": {
        "ProgressStatusEnum": "reports.choices.Status",
        "GoalStatusEnum": "reports.choices.GoalStatus",
    },
}

# --- Measures: attachments to departments' quarterly reports ------------------
# Stored through STORAGES["default"] (local files under MEDIA_ROOT unless a
# deployment configures another backend); served only through the app's own
# permission-checked view, never as public media.
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
MEASURE_ATTACHMENT_MAX_BYTES = env_int("MEASURE_ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024)
