"""The framework floor: Django with no middleware, no apps and no database,
one view returning as many bytes as the app floor page (``FLOOR_BYTES``).
benchmarks/web.py starts it with the same gunicorn command as the project,
only ``DJANGO_SETTINGS_MODULE=benchmarks.floor_settings`` differs."""

import os

DEBUG = False
SECRET_KEY = os.environ.get("SECRET_KEY", "benchmark-floor-only")
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
INSTALLED_APPS: list[str] = []
MIDDLEWARE: list[str] = []
DATABASES: dict = {}
ROOT_URLCONF = "benchmarks.floor_urls"
USE_I18N = False
USE_TZ = True
