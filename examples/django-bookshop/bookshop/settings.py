"""Settings of the Django bookshop example: one app, PostgreSQL from the environment, no sessions,
no admin, nothing that runs SQL on a request besides the views themselves."""
import os

BASE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "perfgate-example-not-secret")
DEBUG = False
# "testserver": the count_queries command sends requests through Django's test client.
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]

INSTALLED_APPS = ["django.contrib.contenttypes", "rest_framework", "shop"]
MIDDLEWARE = ["django.middleware.common.CommonMiddleware"]
ROOT_URLCONF = "bookshop.urls"
WSGI_APPLICATION = "bookshop.wsgi.application"

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.postgresql",
        # perfgate.yml points these at perfgate's query-counting proxy (PERFGATE_DB_HOST/PORT).
        "HOST": os.environ.get("DB_HOST", "127.0.0.1"),
        "PORT": os.environ.get("DB_PORT", "5432"),
        "NAME": os.environ.get("DB_NAME", "app"),
        "USER": os.environ.get("DB_USER", "postgres"),
        "PASSWORD": os.environ.get("DB_PASSWORD", ""),
        # One connection per worker, kept between requests, as most deployments run.
        "CONN_MAX_AGE": 60,
        # The session time zone as a startup parameter: otherwise Django runs SET TIME ZONE on each
        # new connection, a statement its own query log (CaptureQueriesContext) never shows.
        "OPTIONS": {"options": "-c timezone=UTC"},
    }
}

USE_TZ = True
TIME_ZONE = "UTC"
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"

REST_FRAMEWORK = {
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": [],
    "UNAUTHENTICATED_USER": None,
}
