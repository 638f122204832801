"""API tokens: DRF's ``authtoken`` tokens (one per user) with a lifetime and
revocation.

- A token lives ``settings.API_TOKEN_LIFETIME`` from its creation
  (``API_TOKEN_LIFETIME_HOURS``, 30 days by default). An expired token answers
  401 and is deleted; the token endpoint then hands out a new one, never the
  expired one.
- A user's token is deleted (revoked) when their password changes, however it
  is changed (the password page, an administrator's reset in the admin,
  ``manage.py changepassword``, ``set_password()`` + ``save()``), when the
  account is deactivated, and when they log out of the web pages. A token is a
  second way into the same account: whatever ends the account's sessions ends
  it too. A script simply asks for a new one with the (new) password.
- Administrators list tokens (user, created, expires; never the whole key) and
  delete them in the admin (``regions.admin.ApiTokenAdmin``).

Not covered: ``QuerySet.update(password=…)`` / ``update(is_active=False)``
bypass model signals; use ``save()`` on the user.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_out
from django.db.models.signals import post_save, pre_save
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token
from rest_framework.exceptions import AuthenticationFailed


def token_expires_at(token: Token) -> datetime:
    return token.created + settings.API_TOKEN_LIFETIME


def token_expired(token: Token, now: datetime | None = None) -> bool:
    return token_expires_at(token) <= (now or timezone.now())


def valid_token_for(user) -> Token:
    """The user's token, a new one when there is none or it has expired."""
    token, created = Token.objects.get_or_create(user=user)
    if not created and token_expired(token):
        token.delete()
        token, _created = Token.objects.get_or_create(user=user)
    return token


def revoke_tokens(user) -> int:
    """Delete every API token of ``user``; the number deleted."""
    if user is None or user.pk is None:
        return 0
    deleted, _per_model = Token.objects.filter(user_id=user.pk).delete()
    return deleted


class ExpiringTokenAuthentication(TokenAuthentication):
    """``Authorization: Token …`` as DRF's, refusing (and deleting) a token
    older than ``API_TOKEN_LIFETIME``."""

    def authenticate_credentials(self, key):
        user, token = super().authenticate_credentials(key)
        if token_expired(token):
            token.delete()
            raise AuthenticationFailed(
                _("API 令牌已过期,请用用户名和密码重新获取(/api/v1/token/)。")
            )
        return user, token


# --- Revocation ---------------------------------------------------------------------

_REVOKE_FLAG = "_revoke_api_tokens"


def _note_credential_change(sender, instance, raw=False, update_fields=None, **kwargs):
    """Before a user is saved: does this save change the password hash or
    deactivate the account? Compared with the stored row, so every path that
    saves the user is covered. Saves that touch neither field (``last_login``
    on every login) cost no query."""
    if raw or instance.pk is None:
        return
    if update_fields is not None and not {"password", "is_active"} & set(update_fields):
        return
    stored = sender._default_manager.filter(pk=instance.pk).values("password", "is_active").first()
    if stored is None:
        return
    deactivated = stored["is_active"] and not instance.is_active
    # Any new hash counts, including Django re-hashing the same password with
    # a stronger hasher after an upgrade: revoking too often only costs the
    # script one more token request.
    if stored["password"] != instance.password or deactivated:
        setattr(instance, _REVOKE_FLAG, True)


def _revoke_after_save(sender, instance, raw=False, **kwargs):
    if raw or not getattr(instance, _REVOKE_FLAG, False):
        return
    delattr(instance, _REVOKE_FLAG)
    revoke_tokens(instance)


def _revoke_on_logout(sender, request, user, **kwargs):
    revoke_tokens(user)


def connect_signals() -> None:
    User = get_user_model()
    pre_save.connect(_note_credential_change, sender=User, dispatch_uid="regions.tokens.pre")
    post_save.connect(_revoke_after_save, sender=User, dispatch_uid="regions.tokens.post")
    user_logged_out.connect(_revoke_on_logout, dispatch_uid="regions.tokens.logout")
