"""Signing a test client in without the login page."""

from __future__ import annotations

from importlib import import_module

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, load_backend
from django.test import Client
from django.utils import timezone

from regions.sessions import RENEWED_KEY


def signed_in_session(user) -> str:
    """The key of a new session signed in as ``user``, as the login page leaves
    it: the keys ``django.contrib.auth.login`` stores, and just renewed, so the
    next minute's requests read it and write nothing (regions/sessions.py).

    One INSERT. ``Client.force_login`` goes through ``login()`` instead: a
    session created, cycled and saved twice, ``last_login`` updated and
    django-axes's access log written, about 8 ms for each of the suite's
    thousands of sign-ins. The login page itself is tested through its form
    (tests/test_security.py)."""
    session = import_module(settings.SESSION_ENGINE).SessionStore()
    session[SESSION_KEY] = user._meta.pk.value_to_string(user)
    session[BACKEND_SESSION_KEY] = next(
        path for path in settings.AUTHENTICATION_BACKENDS if hasattr(load_backend(path), "get_user")
    )
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session[RENEWED_KEY] = int(timezone.now().timestamp())
    session.save(must_create=True)
    return session.session_key


def sign_in(client: Client, user) -> Client:
    """``client``, signed in as ``user`` in a session of its own."""
    client.cookies[settings.SESSION_COOKIE_NAME] = signed_in_session(user)
    return client
