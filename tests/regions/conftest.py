import pytest


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Accounts are created by the dozen here; the production hasher's 1M
    PBKDF2 rounds would make these tests take tens of seconds."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
