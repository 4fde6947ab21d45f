"""OnGuard settings: one module, read from the environment.

The defaults run the app locally on SQLite with no `.env`. Production sets at least
DEBUG=False, SECRET_KEY, ALLOWED_HOSTS and DATABASE_URL (see README.md).
"""

from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

# --- Core ---------------------------------------------------------------------------------------
# Local runs default to DEBUG so the two README commands work with no configuration at all;
# production must set DEBUG=False (and `check --deploy` says so if it does not).
DEBUG = env.bool("DEBUG", default=True)
SECRET_KEY = env("SECRET_KEY", default="django-insecure-local-development-key-change-me")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_ID = 1

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.google",
    "allauth.socialaccount.providers.microsoft",
    "allauth.socialaccount.providers.openid_connect",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_tasks",
    "django_tasks_db",
    "accounts",
    "sso",
    "courses",
    "quizzes",
    "compliance",
    "certificates",
    "lti_tool",
    "lti",
    "facilitation",
]

MIDDLEWARE = [
    # Outermost: sessions and authentication query the database before any view runs.
    "config.middleware.DatabaseUnavailableMiddleware",
    # Before anything reads the body: refuse oversized requests unread (config/limits.py).
    "config.limits.RequestSizeLimitMiddleware",
    # A NUL byte in any URL, query, field or cookie is a clean 400, never a database error.
    "config.limits.NulByteMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # A signed-in learner's saved language wins over the browser's (accounts/languages.py).
    "accounts.languages.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # Staff, owners and admins without two-step sign-in are sent to set it up (accounts/mfa.py).
    "accounts.mfa.MFASetupRequiredMiddleware",
    # Sign-in forms may go on to the configured providers (CSP form-action); a provider that is not
    # configured is a 404 (sso/middleware.py).
    "sso.middleware.SignInMiddleware",
]

# The benchmark swaps in bench.baseline, which adds its bare baseline view to these URLs.
ROOT_URLCONF = env("ROOT_URLCONF", default="config.urls")
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
                "courses.context_processors.safety",
                "accounts.context_processors.joining",
                "courses.context_processors.quiz_next",
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------------------------
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
# Persistent connections with health checks: reconnecting per request costs more than a query.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0 if DEBUG else 60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache -------------------------------------------------------------------------------------
# Rate limits live in the cache, so in production every worker and server must share it: Redis
# (REDIS_URL) when there is one, else a table in the database (created by a migration). Only a
# local DEBUG run keeps a per-process memory cache; `check --deploy` warns about one in production.
if REDIS_URL := env("REDIS_URL", default=""):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
elif DEBUG:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
else:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "onguard_cache"}
    }

# --- Accounts -----------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "courses:my_learning"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
# Production confirms an address before the account is used (review L7): only then can sign-up
# look the same for a registered address as for a new one (the owner gets a note instead, see
# accounts/adapter.py), so nobody learns from the form who has an account. A guest keeps what they
# did (practice conversations) across the confirmation. A local DEBUG run keeps the quick,
# optional verification, which names a registered address on the form.
ACCOUNT_EMAIL_VERIFICATION = env("ACCOUNT_EMAIL_VERIFICATION", default="optional" if DEBUG else "mandatory")
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_SIGNUP_FORM_CLASS = "accounts.forms.SignupForm"
# The link in the verification e-mail confirms on one click (review B12) and, in the browser that
# signed up, finishes signing in and goes on to where the person was going (a join link, B7).
ACCOUNT_CONFIRM_EMAIL_ON_GET = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_EMAIL_SUBJECT_PREFIX = "OnGuard: "
# Sessions end after two weeks, or when the browser closes for anyone who did not tick
# "Remember me" (ACCOUNT_SESSION_REMEMBER = None lets the learner choose).
SESSION_COOKIE_AGE = 60 * 60 * 24 * 14
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
# Passwords are refused (log-in, sign-up, reset) for addresses whose organisation requires its
# identity provider (sso/policy.py).
ACCOUNT_FORMS = {  # nosec B105: form class paths, not passwords
    "login": "sso.forms.LoginForm",
    "signup": "sso.forms.SignupForm",
    "reset_password": "sso.forms.ResetPasswordForm",
}
# Password reset for an unknown address sends nothing, so the form cannot mail arbitrary people.
ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS = False
# Rate limits key on the client address (behind TRUSTED_PROXY_COUNT proxies, see below) and, for
# failed log-ins, on the account too: 5 wrong passwords for one address lock only that address.
ACCOUNT_RATE_LIMITS = {  # nosec B105: rates such as "5/m/key", not passwords
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "confirm_email": "1/3m/key",
    "change_password": "5/m/user",
}

# Two-step sign-in: an authenticator app (TOTP) with recovery codes; required of staff, owners
# and admins (accounts/mfa.py). Passkeys (WebAuthn) would need inline-script exceptions to the CSP.
MFA_ADAPTER = "accounts.mfa.MFAAdapter"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "OnGuard"
# Where e-mail verification is optional (development, or a site that chose it) an unverified
# account is already usable: refusing it a second factor would only leave it weaker.
MFA_ALLOW_UNVERIFIED_EMAIL = True

# --- Single sign-on (docs/sso.md) -----------------------------------------------------------------
# Google, Microsoft and one generic OpenID Connect provider, each offered on the log-in page once
# its client ID is set (here, or as a "social application" in the admin).
SOCIALACCOUNT_ADAPTER = "sso.adapter.SocialAccountAdapter"
# An existing account is signed in (and connected) when the provider vouches for its e-mail
# address: Google and OpenID Connect through the `email_verified` claim; Microsoft only for a
# domain an organisation verified and tied to a single-tenant Microsoft app (sso/adapter.py).
SOCIALACCOUNT_EMAIL_AUTHENTICATION = True
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = True
# No access or refresh tokens are kept: sign-in is all we use a provider for.
SOCIALACCOUNT_STORE_TOKENS = False
SOCIALACCOUNT_REQUESTS_TIMEOUT = 10
GOOGLE_CLIENT_ID = env("GOOGLE_CLIENT_ID", default="")
MICROSOFT_CLIENT_ID = env("MICROSOFT_CLIENT_ID", default="")
OIDC_CLIENT_ID = env("OIDC_CLIENT_ID", default="")
SOCIALACCOUNT_PROVIDERS = {
    "google": {
        "SCOPE": ["openid", "profile", "email"],
        "AUTH_PARAMS": {"prompt": "select_account"},
        "OAUTH_PKCE_ENABLED": True,
        "APPS": [{"client_id": GOOGLE_CLIENT_ID, "secret": env("GOOGLE_CLIENT_SECRET", default="")}]
        if GOOGLE_CLIENT_ID
        else [],
    },
    "microsoft": {
        "OAUTH_PKCE_ENABLED": True,
        "APPS": [
            {
                "client_id": MICROSOFT_CLIENT_ID,
                "secret": env("MICROSOFT_CLIENT_SECRET", default=""),
                # A tenant ID makes the app single-tenant: only then are its e-mail addresses trusted.
                "settings": {"tenant": env("MICROSOFT_TENANT", default="organizations")},
            }
        ]
        if MICROSOFT_CLIENT_ID
        else [],
    },
    "openid_connect": {
        "OAUTH_PKCE_ENABLED": True,
        "APPS": [
            {
                "provider_id": env("OIDC_PROVIDER_ID", default="oidc"),
                "name": env("OIDC_NAME", default="your organisation's sign-in"),
                "client_id": OIDC_CLIENT_ID,
                "secret": env("OIDC_CLIENT_SECRET", default=""),
                "settings": {"server_url": env("OIDC_SERVER_URL", default="")},
            }
        ]
        if OIDC_CLIENT_ID
        else [],
    },
}
# Domain verification looks up a TXT record through this resolver ("host:port"); empty, the
# system's. Tests point it at a DNS server of their own.
SSO_DNS_NAMESERVER = env("SSO_DNS_NAMESERVER", default="")

# --- LTI 1.3 (docs/lti.md) ---------------------------------------------------------------------
# OnGuard fetches an LMS's key set and tokens itself: only https:// URLs on public addresses,
# unless this is on (tests, a trial against a local LMS).
LTI_ALLOW_INSECURE_URLS = env.bool("LTI_ALLOW_INSECURE_URLS", default=False)

# --- E-mail -------------------------------------------------------------------------------------
EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
if EMAIL_URL := env("EMAIL_URL", default=""):
    vars().update(env.email_url_config(EMAIL_URL))
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="OnGuard <no-reply@onguard.local>")

# --- Background tasks ---------------------------------------------------------------------------
TASKS = {
    "default": {"BACKEND": env("TASKS_BACKEND", default="django_tasks.backends.immediate.ImmediateBackend")}
}

# --- Internationalisation -----------------------------------------------------------------------
LANGUAGE_CODE = "en"
# Spanish: neutral Latin American Spanish, addressing the reader as "usted" (docs/spanish.md).
LANGUAGES = [("en", "English"), ("es", "Español")]
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_SECURE = not DEBUG
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- Static files -------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "config.storage.MinifiedManifestStaticFilesStorage"
    },
}
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
# Files served only through views that check access (certificate ZIP exports): never MEDIA_URL.
PRIVATE_MEDIA_ROOT = env.path("PRIVATE_MEDIA_ROOT", default=BASE_DIR / "private-media")

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- Proxies ------------------------------------------------------------------------------------
# How many reverse proxies append to X-Forwarded-For in front of the app (docs/deploy.md). 0, the
# default, keys rate limits on REMOTE_ADDR, which is right only when clients connect directly.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)

# --- Security -----------------------------------------------------------------------------------
# Strict CSP: our own origin only, no inline script or style.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'none'"],
        "object-src": ["'none'"],
    }
}
X_FRAME_OPTIONS = "DENY"
# No feature this site needs: deny them all to any embedded or injected content.
PERMISSIONS_POLICY = {
    feature: []
    for feature in [
        "accelerometer", "autoplay", "camera", "display-capture", "encrypted-media",
        "fullscreen", "geolocation", "gyroscope", "magnetometer", "microphone", "midi",
        "payment", "publickey-credentials-get", "screen-wake-lock", "usb", "xr-spatial-tracking",
    ]
}  # fmt: skip
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
# An expired form or blocked cookie: the site's page with quick exit, not Django's bare one.
CSRF_FAILURE_VIEW = "config.errors.csrf_failure"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
if not DEBUG:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    # A load balancer checks the app port over plain HTTP: answer it, don't redirect it.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    CSRF_COOKIE_HTTPONLY = True

# --- Request sizes ------------------------------------------------------------------------------
# The largest body we accept at all (a 2 MB logo plus the form); the proxy should refuse the same
# (docs/deploy.md). Form fields may total 2 MB (a pasted 1 MB invitation CSV fits); uploads over
# 256 KB go to a temporary file instead of memory.
REQUEST_MAX_BYTES = 3 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 256 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 1000

# --- OnGuard ------------------------------------------------------------------------------------
CONTENT_DIR = env.path("CONTENT_DIR", default=BASE_DIR / "content")
# Links in e-mails are absolute: sent from tasks, they have no request to take the host from.
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000")
# How long an e-mailed invitation to join an organisation works.
INVITATION_VALID_DAYS = env.int("INVITATION_VALID_DAYS", default=14)
# Who runs this site and how people reach them: the About and Contact pages and the e-mails say so.
SITE_OPERATOR = env("SITE_OPERATOR", default="the OnGuard team")
SUPPORT_EMAIL = env("SUPPORT_EMAIL", default="support@onguard.local")
# Where the quick-exit button sends a learner: a neutral page that is not about abuse.
QUICK_EXIT_URL = env("QUICK_EXIT_URL", default="https://www.weather.gov/")

# --- Certificates -------------------------------------------------------------------------------
# Ed25519 key that signs Open Badges credentials: base64 of the raw 32-byte private key, or PEM.
# Unset, a key derived from SECRET_KEY is used, with a warning (see README.md).
OPENBADGES_SIGNING_KEY = env("OPENBADGES_SIGNING_KEY", default="")
# Public verification: at most this many look-ups per client IP per window (seconds).
CERTIFICATE_VERIFY_RATE_LIMIT = env.int("CERTIFICATE_VERIFY_RATE_LIMIT", default=30)
# ...of which only checks that find nothing count; checks that find a real certificate have this
# larger allowance, so that someone checking a batch of staff certificates is not stopped.
CERTIFICATE_VERIFY_FOUND_RATE_LIMIT = env.int("CERTIFICATE_VERIFY_FOUND_RATE_LIMIT", default=300)
CERTIFICATE_VERIFY_RATE_WINDOW = 300
CERTIFICATE_EXPIRY_NOTICE_DAYS = 30

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"refusals_without_traceback": {"()": "config.logfilters.RefusalsWithoutTraceback"}},
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {"django.request": {"filters": ["refusals_without_traceback"]}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
}
