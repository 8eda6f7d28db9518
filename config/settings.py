"""Settings, all from the environment (twelve-factor, as cookiecutter-django does).

Defaults are safe for production: DEBUG is off unless DJANGO_DEBUG=1 (the start script sets it),
and the embedded SQLite database in ``var/`` is used unless DATABASE_URL points elsewhere.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path
from typing import Any

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("DIGIHUB_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG")
TESTING = env_bool("DIGIHUB_TESTING")

_secret = os.environ.get("DJANGO_SECRET_KEY")
if not _secret:
    # A stable per-installation key kept in var/ so sessions survive restarts of a dev server.
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        import secrets

        key_file.write_text(secrets.token_urlsafe(64))
        key_file.chmod(0o600)
    _secret = key_file.read_text().strip()
SECRET_KEY = _secret

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")
SITE_URL = os.environ.get("DIGIHUB_SITE_URL", "http://127.0.0.1:8000")

INSTALLED_APPS = [
    "digihub.core.admin_site.AdminConfig",  # django.contrib.admin whose forms check their text
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "django_filters",
    "simple_history",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "ninja",
    # Digihub bounded contexts
    "digihub.core",
    "digihub.accounts",
    "digihub.audit",
    "digihub.network",
    "digihub.companies",
    "digihub.intake",
    "digihub.funding",
    "digihub.trajectories",
    "digihub.matching",
    "digihub.inbox",
    "digihub.reporting",
    "digihub.assessments",
    "digihub.registry",
    "digihub.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "digihub.accounts.middleware.UserLanguageMiddleware",  # needs the user, after LocaleMiddleware
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "digihub.accounts.middleware.RequireMfaMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
                "digihub.core.context_processors.navigation",
            ],
        },
    }
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'digihub.sqlite3'}",
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers go on while one writer commits; IMMEDIATE takes the write lock at BEGIN so
    # two budget commitments serialise instead of failing with "database is locked" half-way.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=10000;",
        "transaction_mode": "IMMEDIATE",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# allauth: email is the login; SME accounts verify their address.
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_ALLOW_REGISTRATION = env_bool("DIGIHUB_ALLOW_SIGNUP", True)  # SME accounts only
ACCOUNT_ADAPTER = "digihub.accounts.adapters.AccountAdapter"
# Failed logins: at most 5 per 5 minutes for one login from anywhere (brute force of one account
# from many addresses), and 20 a minute from one address (a shared office or a proxy that is not
# declared in DIGIHUB_TRUSTED_PROXIES must not lock its colleagues out after a few typos).
ACCOUNT_RATE_LIMITS = {"login_failed": "20/m/ip,5/5m/key"}
# Signing in with a one-time code mailed to the address (no password to remember, for SME
# contacts): single use, valid 10 minutes, 3 wrong tries; allauth's default request limit
# ("request_login_code": 20 a minute per client, 3 a minute per address) applies. A confirmed
# contact without an account gets one on first use (digihub.accounts.code_login).
ACCOUNT_LOGIN_BY_CODE_ENABLED = True
ACCOUNT_LOGIN_BY_CODE_TIMEOUT = 10 * 60
ACCOUNT_LOGIN_BY_CODE_MAX_ATTEMPTS = 3
# Every allauth form a person types a name or an address in checks its text (accounts/forms.py).
ACCOUNT_FORMS = {
    name: f"digihub.accounts.forms.{form}"
    for name, form in (
        ("signup", "SignupForm"),
        ("login", "LoginForm"),
        ("add_email", "AddEmailForm"),
        ("change_email", "ChangeEmailForm"),
        ("reset_password", "ResetPasswordForm"),
        ("request_login_code", "RequestLoginCodeForm"),
    )
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Digihub"
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "core:home"

# Client addresses. DIGIHUB_TRUSTED_PROXIES is the number of reverse proxies / load balancers
# under your control in front of Digihub, each of which appends the address it saw to
# X-Forwarded-For (default 0: the header is ignored, the TCP peer is the client). Set it to the
# exact number: one more lets a client forge its address (and escape every limit), one fewer makes
# the proxy the "client" of every request, so every limit per address applies to everyone at once.
# The login lockout (django-axes, through AXES_CLIENT_IP_CALLABLE: django-ipware, which the
# AXES_IPWARE_* settings configure, is not installed), the login rate limits (allauth) and the
# public-form limit all use this one resolution.
DIGIHUB_TRUSTED_PROXIES = int(os.environ.get("DIGIHUB_TRUSTED_PROXIES", "0"))
ALLAUTH_TRUSTED_PROXY_COUNT = DIGIHUB_TRUSTED_PROXIES
AXES_CLIENT_IP_CALLABLE = "digihub.accounts.clientip.client_ip"

# Login lockout: 8 failures lock one login *from one address* for 15 minutes. The login is what
# the person typed (allauth passes it as ``email``; AXES_USERNAME_FORM_FIELD alone would read
# nothing and lock the whole address). Made-up logins from one address lock nobody else out;
# guessing one account's password from many addresses meets allauth's 5-per-5-minutes per login.
AXES_FAILURE_LIMIT = 8
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "login"
AXES_USERNAME_CALLABLE = "digihub.accounts.clientip.login_value"
AXES_ENABLED = not TESTING or env_bool("DIGIHUB_AXES_IN_TESTS")

SESSION_COOKIE_AGE = int(os.environ.get("DIGIHUB_SESSION_SECONDS", str(8 * 3600)))
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from a meta tag, not the cookie; kept default
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
HTTPS = env_bool("DIGIHUB_HTTPS", not DEBUG and not TESTING)
if HTTPS:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("DIGIHUB_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("DIGIHUB_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

LANGUAGE_CODE = "nl"
# Each language in its own name, as the switcher shows it to someone who reads only that one.
LANGUAGES = [("nl", "Nederlands"), ("en", "English"), ("fr", "Français")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Brussels"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = str(Path(os.environ.get("DIGIHUB_MEDIA_ROOT", VAR_DIR / "private")))
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": MEDIA_ROOT},
    },
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or TESTING
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# Uploaded files are private: no MEDIA_URL is served; a permission-checked view streams them.
MAX_UPLOAD_BYTES = int(os.environ.get("DIGIHUB_MAX_UPLOAD_BYTES", str(10 * 1024 * 1024)))
DATA_UPLOAD_MAX_MEMORY_SIZE = MAX_UPLOAD_BYTES + 1024 * 1024
# A full KBO/BCE open data extract (a ZIP of some hundreds of MB), uploaded by a coordinator.
DIGIHUB_KBO_MAX_UPLOAD_BYTES = int(
    os.environ.get("DIGIHUB_KBO_MAX_UPLOAD_BYTES", str(1024 * 1024 * 1024))
)
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

EMAIL_BACKEND = os.environ.get(
    "DJANGO_EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = os.environ.get("DJANGO_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("DJANGO_EMAIL_PORT", "25"))
DEFAULT_FROM_EMAIL = os.environ.get(
    "DJANGO_DEFAULT_FROM_EMAIL", "Digihub <noreply@digihub.example>"
)

# Background work: django-tasks with its database backend and `manage.py db_worker`.
# DIGIHUB_TASKS=immediate runs tasks in-process (tests, single-process demo).
TASKS = {
    "default": {
        "BACKEND": (
            "django_tasks.backends.immediate.ImmediateBackend"
            if os.environ.get("DIGIHUB_TASKS", "immediate" if (TESTING or DEBUG) else "db")
            == "immediate"
            else "django_tasks_db.DatabaseBackend"
        ),
        "QUEUES": ["default"],
    }
}

MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "WARNING")},
}

# Domain settings
DIGIHUB_STALE_DAYS = int(os.environ.get("DIGIHUB_STALE_DAYS", "14"))
# Digital maturity assessments: T1 is requested this many days after a trajectory's completion;
# a link to fill one in stays valid this many days; reminders every so many days, at most so many.
DIGIHUB_DMA_T1_AFTER_DAYS = int(os.environ.get("DIGIHUB_DMA_T1_AFTER_DAYS", "90"))
DIGIHUB_DMA_LINK_DAYS = int(os.environ.get("DIGIHUB_DMA_LINK_DAYS", "30"))
DIGIHUB_DMA_REMINDER_DAYS = int(os.environ.get("DIGIHUB_DMA_REMINDER_DAYS", "7"))
DIGIHUB_DMA_MAX_REMINDERS = int(os.environ.get("DIGIHUB_DMA_MAX_REMINDERS", "2"))


def _caches(url: str) -> dict[str, dict[str, Any]]:
    """DIGIHUB_CACHE_URL: empty = memory of each process; file:///dir = shared by the workers
    of one machine; redis://host:port/db = shared by every machine (needs the redis package).
    Kept pages (``digihub.core.page_cache``) have a cache of their own, so that many large pages
    never push the small entries (badges, report figures) out."""
    # about 30 MB per process at the size of a busy list page
    pages: dict[str, Any] = {"OPTIONS": {"MAX_ENTRIES": 500}}
    if url.startswith("file://"):
        directory = url.removeprefix("file://").rstrip("/")
        files = "django.core.cache.backends.filebased.FileBasedCache"
        # A directory each: the file cache counts (and culls) every file of its directory.
        return {
            "default": {"BACKEND": files, "LOCATION": directory},
            "pages": {"BACKEND": files, "LOCATION": directory + "-pages", **pages},
        }
    if url.startswith(("redis://", "rediss://")):
        backend = {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}
        return {"default": backend, "pages": {**backend, "KEY_PREFIX": "pages"}}
    memory = "django.core.cache.backends.locmem.LocMemCache"
    return {
        "default": {"BACKEND": memory},
        "pages": {"BACKEND": memory, "LOCATION": "pages", **pages},
    }


CACHES = _caches(os.environ.get("DIGIHUB_CACHE_URL", ""))
# Busy pages are kept per person for at most this long (seconds; 0 = never) while their data
# stays the same (digihub.core.page_cache): what depends on the clock alone is never older.
DIGIHUB_PAGE_CACHE_SECONDS = int(os.environ.get("DIGIHUB_PAGE_CACHE_SECONDS", "60"))
# The release of the code (e.g. its commit), part of every kept page's key. Empty: a digest of
# the code's and templates' files, which differs between machines; name the release when
# several machines share one Redis cache.
DIGIHUB_RELEASE = os.environ.get("DIGIHUB_RELEASE", "")

# The report page, its five charts and its downloads share one computation of the figures for
# this long (seconds; 0 = always compute). At the scale of every European hub one computation
# takes seconds; the page says when the figures were computed and offers to recompute.
DIGIHUB_REPORT_CACHE_SECONDS = int(
    os.environ.get("DIGIHUB_REPORT_CACHE_SECONDS", "0" if TESTING else "120")
)
# `migrate` builds missing report facts itself up to this many companies (a few minutes);
# a bigger database is told to run `rebuild_report_facts` when the operator chooses.
DIGIHUB_REPORT_FACTS_AUTO_BUILD = int(os.environ.get("DIGIHUB_REPORT_FACTS_AUTO_BUILD", "100000"))
DIGIHUB_RETENTION_DAYS = int(os.environ.get("DIGIHUB_RETENTION_DAYS", str(5 * 365)))
# Demo mode (DIGIHUB_DEMO_MODE=1, set by bin/start only): `manage.py demo_data` may create the demo
# accounts with their published password, and accounts marked demo skip the second factor. A
# system check refuses to start with demo mode on while DEBUG is off (outside the test suite, whose
# factory users are demo users): in production nobody is exempt from the second factor, whatever
# the is_demo flag of an account says.
DIGIHUB_DEMO_MODE = env_bool("DIGIHUB_DEMO_MODE", TESTING)
# Dates people type (conversations, sessions, quote validity, report periods) must lie within this
# many years before or after today.
DIGIHUB_DATE_WINDOW_YEARS = int(os.environ.get("DIGIHUB_DATE_WINDOW_YEARS", "20"))

FORMS_URLFIELD_ASSUME_HTTPS = True
WHITENOISE_USE_FINDERS = DEBUG or TESTING
