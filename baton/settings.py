"""Django settings for Baton.

Everything that differs between a laptop and production comes from the environment
(see docs/operations.md). With no environment at all Baton runs embedded: SQLite in
``var/``, no Redis, background jobs run by ``manage.py run_worker``.
"""

from __future__ import annotations

import json
import logging
import os
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from baton.core.logging import handler_config

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("BATON_VAR_DIR", BASE_DIR / "var"))

BATON_ENV = os.environ.get("BATON_ENV", "development")
PRODUCTION = BATON_ENV == "production"


def _env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on"}


def _env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def _development_secrets() -> dict[str, str]:
    """Keys for a developer machine, made once and kept in var/ (never committed)."""
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    path = VAR_DIR / "dev-secrets.json"
    wanted = ("secret_key", "field_key", "field_hash_key", "audit_signing_key")
    data: dict[str, str] = {}
    if path.exists():
        data = json.loads(path.read_text(encoding="utf-8"))
    if not all(k in data for k in wanted):
        for key in wanted:
            data.setdefault(key, secrets.token_urlsafe(48))
        path.write_text(json.dumps(data), encoding="utf-8")
        path.chmod(0o600)
    return data


def _secret(env_name: str, dev_key: str) -> str:
    value = os.environ.get(env_name)
    if value:
        return value
    if PRODUCTION:
        raise ImproperlyConfigured(f"{env_name} must be set when BATON_ENV=production.")
    return _development_secrets()[dev_key]


if PRODUCTION:
    # deploy/baton.env.example marks what must be replaced; refuse to run with it unchanged.
    _placeholders = sorted(
        name
        for name, value in os.environ.items()
        if name.startswith(("BATON_", "DATABASE_", "REDIS_", "CELERY_")) and "REPLACE_ME" in value
    )
    if _placeholders:
        raise ImproperlyConfigured(f"Replace the placeholder value of: {', '.join(_placeholders)}.")

SECRET_KEY = _secret("BATON_SECRET_KEY", "secret_key")
# Previous secret keys, comma separated, so rotating BATON_SECRET_KEY keeps people signed in.
SECRET_KEY_FALLBACKS = _env_list("BATON_SECRET_KEY_FALLBACKS", "")
# Key for authenticated encryption of sensitive fields (TOTP secrets, phone and ID numbers).
FIELD_ENCRYPTION_KEY = _secret("BATON_FIELD_KEY", "field_key")
# Key for the keyed hashes that let us look up encrypted values without decrypting them.
FIELD_HASH_KEY = _secret("BATON_FIELD_HASH_KEY", "field_hash_key")
# Key that signs audit checkpoints.
AUDIT_SIGNING_KEY = _secret("BATON_AUDIT_SIGNING_KEY", "audit_signing_key")

DEBUG = _env_bool("BATON_DEBUG", not PRODUCTION)
ALLOWED_HOSTS = _env_list("BATON_ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost,[::1]")
CSRF_TRUSTED_ORIGINS = _env_list("BATON_CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "django_htmx",
    "baton.core",
    "baton.audit",
    "baton.org",
    "baton.accounts",
    "baton.authz",
    "baton.alerts",
    "baton.customers",
    "baton.exchange",
    "baton.notifications",
    "baton.offboarding",
    "baton.risk",
    "baton.demo",
]

MIDDLEWARE = [
    "baton.core.metrics.MetricsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "baton.core.middleware.RequestContextMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "baton.accounts.middleware.SessionLifetimeMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "baton.urls"
WSGI_APPLICATION = "baton.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "baton" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "baton.core.context_processors.navigation",
            ],
        },
    },
]


# --- Database -------------------------------------------------------------------------------
def _server_database(url: str) -> dict[str, object]:
    """A PostgreSQL connection: reused for a while, health-checked, quick to give up."""
    config: dict[str, object] = dict(dj_database_url.parse(url))
    config["CONN_MAX_AGE"] = int(os.environ.get("BATON_DB_CONN_MAX_AGE", "60"))
    config["CONN_HEALTH_CHECKS"] = True
    # A database host that does not answer fails a request (and /healthz) in seconds.
    options = dict(config.get("OPTIONS") or {})  # type: ignore[call-overload]
    options.setdefault("connect_timeout", int(os.environ.get("BATON_DB_CONNECT_TIMEOUT", "5")))
    # Nothing is prepared unless asked for (Django's statements bind on the client and are never
    # prepared); the audit chain's append asks (baton.audit.services._prepared_cursor). Django's
    # default, None, would refuse even that.
    options.setdefault("prepare_threshold", 2**31 - 1)
    config["OPTIONS"] = options
    return config


_default_sqlite = f"sqlite:///{VAR_DIR / 'baton.sqlite3'}"
_database_url = os.environ.get("DATABASE_URL", _default_sqlite)
DATABASES = {"default": dj_database_url.parse(_database_url)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE transactions serialise writers up front, so two writers never both read
    # the audit chain head and then fight over it.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"]["TEST"] = {"NAME": os.environ.get("BATON_TEST_SQLITE_NAME")}
else:
    DATABASES["default"] = _server_database(_database_url)  # type: ignore[assignment]
# Optional read replica: reads inside ``core.db_router.replica_reads()`` (the reports) go
# there; everything else, and every write, goes to the primary.
if os.environ.get("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = _server_database(os.environ["DATABASE_REPLICA_URL"])  # type: ignore[assignment]
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["baton.core.db_router.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"


# --- Cache, sessions ------------------------------------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            # A cache that does not answer within 2 s is treated as down (and /healthz says so).
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_AGE = 30 * 60  # idle timeout: every request pushes expiry 30 minutes out
SESSION_SAVE_EVERY_REQUEST = True
SESSION_ABSOLUTE_LIFETIME = 12 * 60 * 60  # checked by SessionLifetimeMiddleware
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_SECURE = PRODUCTION
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(os.environ.get("BATON_HSTS_SECONDS", "31536000"))
    # `check --deploy` warnings that are decisions made elsewhere: the TLS proxy redirects
    # http to https (W008); HSTS for subdomains and the preload list concern the whole domain
    # (W005, W021), so its owner sets them at the proxy.
    SILENCED_SYSTEM_CHECKS = ["security.W005", "security.W008", "security.W021"]

# --- Identity -------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["baton.accounts.backends.EmployeeNumberBackend"]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:dashboard"
LOGOUT_REDIRECT_URL = "accounts:login"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
        "OPTIONS": {"user_attributes": ("employee_no", "display_name")},
    },
]
MFA_ISSUER = os.environ.get("BATON_MFA_ISSUER", "Baton")
LOGIN_LOCKOUT_ATTEMPTS = 5
LOGIN_LOCKOUT_WINDOW = 30 * 60
API_TOKEN_LIFETIME = int(os.environ.get("BATON_API_TOKEN_LIFETIME", str(12 * 60 * 60)))

# --- Internationalisation -------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "baton" / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- Static files ---------------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "baton" / "static"]
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(VAR_DIR / "uploads")},
    },
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION
if not PRODUCTION:
    # WhiteNoise serves straight from the finders here; it only wants the folder to exist.
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)

# --- API ------------------------------------------------------------------------------------
DATA_UPLOAD_MAX_MEMORY_SIZE = int(os.environ.get("BATON_MAX_BODY_BYTES", str(1024 * 1024)))
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "baton.accounts.authentication.BearerTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PARSER_CLASSES": [
        "baton.core.api.parsers.BoundedJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "baton.core.api.pagination.StandardPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.SearchFilter",
        "rest_framework.filters.OrderingFilter",
    ],
    "EXCEPTION_HANDLER": "baton.core.api.exceptions.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "UNAUTHENTICATED_USER": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Baton API",
    "DESCRIPTION": "Baton (接力): organisation, identity, data scopes and audit. See docs/api.md.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "COMPONENT_SPLIT_REQUEST": True,
}

# --- Background jobs ------------------------------------------------------------------------
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", REDIS_URL)
# Without a broker (the embedded default) tasks run in-process after commit and the
# periodic jobs run in ``manage.py run_worker``.
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# A message taken by a worker that dies unacknowledged goes back to the queue after this many
# seconds. Longer than the longest job: a job still running when its message comes back is
# harmless (the second run waits for the JobState row lock, then finds the period done).
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": int(os.environ.get("BATON_CELERY_VISIBILITY_TIMEOUT", "3600"))
}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_IGNORE_RESULT = True  # no result backend: tasks write their outcome to the database
CELERY_WORKER_HIJACK_ROOT_LOGGER = False  # logs go through LOGGING below (see baton/celery.py)
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_TIMEZONE = "UTC"
AUDIT_CHECKPOINT_INTERVAL = int(os.environ.get("BATON_AUDIT_CHECKPOINT_INTERVAL", "300"))

# --- Mail -----------------------------------------------------------------------------------
EMAIL_BACKEND = os.environ.get(
    "BATON_EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if PRODUCTION
    else "django.core.mail.backends.console.EmailBackend",
)
DEFAULT_FROM_EMAIL = os.environ.get("BATON_FROM_EMAIL", "baton@localhost")
# WeCom / DingTalk group bot that notify(webhook=True) posts to; empty: no group messages.
BATON_NOTIFY_WEBHOOK_URL = os.environ.get("BATON_NOTIFY_WEBHOOK_URL", "")

# --- Logging: structured, and never personal data or secrets ---------------------------------
# One stdout handler: request id stamped, secrets and phone numbers redacted, JSON lines in
# production. gunicorn (deploy/gunicorn.conf.py) and Celery (baton/celery.py) use it too.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    **handler_config(json_lines=PRODUCTION),
    "root": {"handlers": ["console"], "level": os.environ.get("BATON_LOG_LEVEL", "INFO")},
    "loggers": {"django.server": {"level": "WARNING"}},
}
if PRODUCTION:
    logging.captureWarnings(True)  # Python warnings as log records (JSON), not raw stderr lines

# --- Metrics --------------------------------------------------------------------------------
# Bearer token Prometheus sends to /metrics; empty: /metrics answers 404 (see docs/operations.md).
BATON_METRICS_TOKEN = os.environ.get("BATON_METRICS_TOKEN", "")

# The fact extractor for interactions (dotted path to a class with ``name`` and ``extract``).
BATON_FACT_EXTRACTOR = os.environ.get("BATON_FACT_EXTRACTOR", "baton.customers.facts.rules.RuleExtractor")

# Demo data plug-ins: each later domain adds its seeder here (see baton/demo/registry.py).
DEMO_SEEDERS = [
    "baton.org.demo.seed_organisation",
    "baton.accounts.demo.seed_logins",
    "baton.customers.demo.seed_customers",
    "baton.offboarding.demo.seed_offboarding",
    "baton.risk.demo.seed_risk",
]
