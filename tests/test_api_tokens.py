"""API tokens: they expire, they are revoked when the password changes (any
way it is changed), when the account is deactivated and on logout, an
administrator sees and revokes them, and the token endpoint is locked out
like the web login."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token

from tests.conftest import PASSWORD

TOKEN_URL = reverse("api:token")
PLAN_API = reverse("api:plan")


def obtain(username: str, password: str = PASSWORD, address: str = "10.0.0.5"):
    return Client().post(
        TOKEN_URL, {"username": username, "password": password}, REMOTE_ADDR=address
    )


def token_for(username: str) -> str:
    response = obtain(username)
    assert response.status_code == 200, response.content
    return response.json()["token"]


def api_get(token: str):
    return Client().get(PLAN_API, headers={"Authorization": f"Token {token}"})


# --- Lifetime ---------------------------------------------------------------------


def test_default_lifetime_is_thirty_days():
    assert timedelta(days=30) == settings.API_TOKEN_LIFETIME


def test_token_endpoint_says_when_the_token_expires(staff):
    before = timezone.now()
    body = obtain("staff").json()
    expires = timezone.datetime.fromisoformat(body["expires"])
    assert before + settings.API_TOKEN_LIFETIME <= expires
    assert expires <= timezone.now() + settings.API_TOKEN_LIFETIME


def test_a_token_works_until_it_expires_then_answers_401_and_is_deleted(staff, settings):
    settings.API_TOKEN_LIFETIME = timedelta(hours=12)
    token = token_for("staff")
    Token.objects.filter(key=token).update(created=timezone.now() - timedelta(hours=11))
    assert api_get(token).status_code == 200
    Token.objects.filter(key=token).update(created=timezone.now() - timedelta(hours=12, seconds=1))
    response = api_get(token)
    assert response.status_code == 401
    assert "令牌已过期" in response.json()["detail"]
    assert not Token.objects.filter(key=token).exists()


def test_expired_token_message_is_available_in_english(staff):
    token = token_for("staff")
    Token.objects.filter(key=token).update(created=timezone.now() - timedelta(days=31))
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get(PLAN_API, headers={"Authorization": f"Token {token}"})
    assert response.status_code == 401
    assert "expired" in response.json()["detail"]


def test_asking_again_after_expiry_gives_a_new_token_not_the_expired_one(staff):
    old = token_for("staff")
    Token.objects.filter(key=old).update(created=timezone.now() - timedelta(days=31))
    new = token_for("staff")
    assert new != old
    assert api_get(new).status_code == 200


def test_asking_again_before_expiry_gives_the_same_token(staff):
    assert token_for("staff") == token_for("staff")


# --- Revocation -------------------------------------------------------------------


def test_changing_the_password_on_the_account_page_revokes_tokens(client_for, official):
    token = token_for("official_a")
    new = "Kunyang-incubator-2026"
    response = client_for(official).post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
    )
    assert response.status_code == 302
    assert api_get(token).status_code == 401
    assert not Token.objects.filter(user=official).exists()


def test_an_administrators_password_reset_revokes_tokens(client_for, admin_user, staff):
    token = token_for("staff")
    new = "Reset-by-admin-2026"
    response = client_for(admin_user).post(
        reverse("admin:auth_user_password_change", args=[staff.pk]),
        {"password1": new, "password2": new, "usable_password": "true"},
    )
    assert response.status_code == 302, response.content.decode()
    assert api_get(token).status_code == 401


def test_set_password_and_save_revokes_tokens(staff):
    """What ``manage.py changepassword`` and any script do."""
    token = token_for("staff")
    staff.set_password("Another-password-2026")
    staff.save()
    assert api_get(token).status_code == 401


def test_deactivating_the_account_revokes_tokens(client_for, admin_user, staff):
    token = token_for("staff")
    staff.is_active = False
    staff.save()
    assert not Token.objects.filter(key=token).exists()
    staff.is_active = True
    staff.save()
    assert api_get(token).status_code == 401  # reactivation does not bring it back


def test_logging_out_of_the_web_revokes_tokens(staff):
    token = token_for("staff")
    browser = Client()
    browser.force_login(staff)
    assert browser.post(reverse("logout")).status_code == 302
    assert api_get(token).status_code == 401


def test_other_saves_of_the_user_keep_the_token(staff):
    token = token_for("staff")
    staff.first_name = "张三"
    staff.save()
    browser = Client()
    browser.force_login(staff)  # saves last_login
    assert browser.get(reverse("targets:plan")).status_code == 200
    get_user_model().objects.get(pk=staff.pk).save()
    assert api_get(token).status_code == 200


def test_revoking_one_users_tokens_leaves_the_others(staff, leader):
    staff_token, leader_token = token_for("staff"), token_for("leader")
    staff.set_password("Another-password-2026")
    staff.save()
    assert api_get(staff_token).status_code == 401
    assert api_get(leader_token).status_code == 200


# --- The admin --------------------------------------------------------------------


def test_administrator_lists_tokens_with_user_created_and_expiry_but_not_the_key(
    client_for, admin_user, staff
):
    token = token_for("staff")
    client = client_for(admin_user)
    response = client.get(reverse("admin:regions_apitoken_changelist"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "staff" in html
    assert "过期时间" in html
    assert token not in html
    assert token[:6] in html  # enough to tell two tokens apart


def test_administrator_revokes_a_token(client_for, admin_user, staff):
    token = token_for("staff")
    client = client_for(admin_user)
    url = reverse("admin:regions_apitoken_delete", args=[staff.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"post": "yes"})
    assert response.status_code == 302
    assert api_get(token).status_code == 401


def test_administrator_cannot_mint_a_token_for_someone_else(client_for, admin_user, staff):
    client = client_for(admin_user)
    assert client.get(reverse("admin:regions_apitoken_add")).status_code == 403


# --- Lockout ----------------------------------------------------------------------


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_token_endpoint_lockout_answers_429_like_the_web_login(staff, language):
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    wrong = {"username": "staff", "password": "wrong"}
    for _ in range(4):
        response = client.post(TOKEN_URL, wrong, REMOTE_ADDR="10.0.0.5")
        assert response.status_code == 400
    response = client.post(TOKEN_URL, wrong, REMOTE_ADDR="10.0.0.5")
    assert response.status_code == 429
    good = {"username": "staff", "password": PASSWORD}
    response = client.post(TOKEN_URL, good, REMOTE_ADDR="10.0.0.5")
    assert response.status_code == 429
    assert "token" not in response.json()
    expected = "登录已被暂时锁定" if language == "zh-hans" else "temporarily locked"
    assert expected in response.json()["detail"]
    assert response["Retry-After"] == str(15 * 60)


def test_lifetime_comes_from_the_environment():
    from django.core.exceptions import ImproperlyConfigured

    from tests.settings_env import settings_under

    assert settings_under(API_TOKEN_LIFETIME_HOURS="12")["API_TOKEN_LIFETIME"] == timedelta(
        hours=12
    )
    with pytest.raises(ImproperlyConfigured, match="API_TOKEN_LIFETIME_HOURS must be at least 1"):
        settings_under(API_TOKEN_LIFETIME_HOURS="0")


def test_token_and_web_login_failures_count_together(staff):
    client = Client()
    for _ in range(3):
        client.post(
            reverse("login"), {"username": "staff", "password": "wrong"}, REMOTE_ADDR="10.0.0.5"
        )
    for _ in range(2):
        response = client.post(
            TOKEN_URL, {"username": "staff", "password": "wrong"}, REMOTE_ADDR="10.0.0.5"
        )
    assert response.status_code == 429
    login = client.post(
        reverse("login"), {"username": "staff", "password": PASSWORD}, REMOTE_ADDR="10.0.0.5"
    )
    assert login.status_code == 429


# --- Bad bodies -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "chinese", "english"),
    [
        (
            "{bad",
            "请求内容不是有效的 JSON:第1行第2列有误",
            "not valid JSON: line 1, column 2 is wrong",
        ),
        (b"\xff\xfe", "不是 UTF-8 编码的文本", "not UTF-8 text"),
        ('{"username": NaN}', "请求内容不是有效的 JSON", "not valid JSON"),
    ],
)
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_a_body_that_is_no_json_is_told_so_in_the_callers_language(
    staff, language, body, chinese, english
):
    """Not DRF's "JSON parse error - " and Python's English in every language."""
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.post(TOKEN_URL, body, content_type="application/json")
    assert response.status_code == 400
    detail = response.json()["detail"]
    assert (chinese if language == "zh-hans" else english) in detail, detail
    assert "JSON parse error" not in detail
    assert not Token.objects.exists()
