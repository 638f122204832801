"""Hardening: account pages, login throttling, sessions, CSRF, security headers
and the production settings (``check --deploy``)."""

from __future__ import annotations

import secrets
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.exceptions import ImproperlyConfigured
from django.db import OperationalError, connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.conftest import PASSWORD
from tests.settings_env import clean_environment, settings_under

BASE_DIR = Path(__file__).resolve().parent.parent
LOGIN_URL = reverse("login")
PLAN_URL = reverse("targets:plan")


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Logins check passwords; the production hasher would make each cost ~0.5 s."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def log_in(client: Client, username: str, password: str, address: str = "10.0.0.7"):
    return client.post(LOGIN_URL, {"username": username, "password": password}, REMOTE_ADDR=address)


# --- Login, logout, password change -----------------------------------------


def test_login_page_is_in_chinese_and_needs_no_login(client, plan):
    response = client.get(LOGIN_URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert "登录" in html
    assert "用户名" in html  # Django's own form label, translated


def test_language_switch_works_before_login(client, plan):
    response = client.post(reverse("set_language"), {"language": "en", "next": LOGIN_URL})
    assert response.status_code == 302
    assert response.url == LOGIN_URL
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    assert "Username" in client.get(LOGIN_URL).content.decode()


def test_account_pages_are_available_in_english(client_for, official):
    client = client_for(official)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get(reverse("password_change")).content.decode()
    assert '<h1 class="h4 mb-3">Change password</h1>' in html
    assert "at least 10 characters" in html
    client.post(reverse("logout"))
    assert '<h1 class="h4 mb-3">Log in</h1>' in client.get(LOGIN_URL).content.decode()


def test_anonymous_is_sent_to_login_with_next(client, plan):
    response = client.get(PLAN_URL)
    assert response.status_code == 302
    assert response.url == f"{LOGIN_URL}?next={PLAN_URL}"


def test_correct_login_lands_on_home(client, staff):
    response = log_in(client, "staff", PASSWORD)
    assert response.status_code == 302
    assert response.url == reverse("home")


def test_wrong_password_shows_a_chinese_error(client, staff):
    response = log_in(client, "staff", "wrong-password")
    assert response.status_code == 200
    assert "请输入一个正确的" in response.content.decode()


def test_logout_needs_post_and_ends_the_session(client_for, staff):
    client = client_for(staff)
    assert client.get(reverse("logout")).status_code == 405
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert response.url == LOGIN_URL
    assert client.get(PLAN_URL).status_code == 302


@pytest.mark.parametrize(
    "name", ["reports:review_approve", "reports:quarter_close", "reports:briefing_save", "logout"]
)
def test_a_forms_address_opened_in_the_browser_says_why_in_chinese(client_for, staff, name):
    """A form's address reloaded or bookmarked answered a blank 405: the page
    now says it takes a form's submission only, and nothing was saved."""
    response = client_for(staff).get(reverse(name))
    assert response.status_code == 405
    assert "POST" in response["Allow"]
    text = response.content.decode()
    assert "此地址只接受页面上表单的提交" in text and "未保存任何数据" in text


def test_a_pages_address_posted_to_says_it_takes_no_such_request(client_for, staff, plan):
    response = client_for(staff).post(reverse("reports:overview"))
    assert response.status_code == 405
    assert "此地址不接受这种请求方式" in response.content.decode()


def test_the_api_keeps_its_own_405(client_for, staff, plan):
    response = client_for(staff).post(reverse("api:progress"), {})
    assert response.status_code == 405
    assert "detail" in response.json()


def test_password_change_rejects_a_short_password_in_chinese(client_for, official):
    response = client_for(official).post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": "Ab3$xyz9", "new_password2": "Ab3$xyz9"},
    )
    assert response.status_code == 200
    assert "密码长度太短。密码必须包含至少 10 个字符。" in response.content.decode()
    assert "至少 10 位" in response.content.decode()


def test_password_change_accepts_a_strong_password(client_for, official):
    new = "Kunyang-incubator-2026"
    response = client_for(official).post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
        follow=True,
    )
    assert "密码已修改" in response.content.decode()
    official.refresh_from_db()
    assert official.check_password(new)


def test_password_validators_require_ten_characters():
    minimum = next(
        validator
        for validator in settings.AUTH_PASSWORD_VALIDATORS
        if validator["NAME"].endswith(".MinimumLengthValidator")
    )
    assert minimum["OPTIONS"]["min_length"] == 10


# --- Login throttling (django-axes) ----------------------------------------


def test_fifth_failed_login_locks_out_with_a_chinese_429(client, staff):
    for _ in range(4):
        assert log_in(client, "staff", "wrong-password").status_code == 200
    response = log_in(client, "staff", "wrong-password")
    assert response.status_code == 429
    html = response.content.decode()
    assert "登录已被暂时锁定" in html
    assert "连续 5 次" in html
    assert "请在 15 分钟后再试" in html


def test_lockout_page_is_available_in_english(client, staff):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    for _ in range(5):
        response = log_in(client, "staff", "wrong-password")
    assert response.status_code == 429
    assert "Too many failed logins (5 in a row)" in response.content.decode()
    assert "try again in 15 minutes" in response.content.decode()


def test_correct_password_is_refused_while_locked_out(client, staff):
    for _ in range(5):
        log_in(client, "staff", "wrong-password")
    response = log_in(client, "staff", PASSWORD)
    assert response.status_code == 429
    assert "登录已被暂时锁定" in response.content.decode()
    assert client.get(PLAN_URL).status_code == 302  # still anonymous


def test_lockout_is_per_username_and_address(client, staff, leader):
    for _ in range(5):
        log_in(client, "staff", "wrong-password", address="10.0.0.7")
    # Another user at the same address, and the same user elsewhere, still get in.
    assert log_in(Client(), "leader", PASSWORD, address="10.0.0.7").status_code == 302
    assert log_in(Client(), "staff", PASSWORD, address="10.0.0.8").status_code == 302


def test_lockout_ends_after_the_cool_off(client, staff):
    for _ in range(5):
        log_in(client, "staff", "wrong-password")
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))
    assert log_in(client, "staff", PASSWORD).status_code == 302


def test_admin_login_is_throttled_too(client, admin_user):
    url = reverse("admin:login")
    for _ in range(5):
        response = client.post(
            url, {"username": "admin", "password": "wrong-password"}, REMOTE_ADDR="10.0.0.9"
        )
    assert response.status_code == 429


# --- Sessions -------------------------------------------------------------------


def test_session_expires_after_the_idle_time(client, staff):
    log_in(client, "staff", PASSWORD)
    assert client.session.get_expiry_age() == settings.SESSION_IDLE_MINUTES * 60 == 30 * 60
    assert client.get(PLAN_URL).status_code == 200
    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))
    response = client.get(PLAN_URL)
    assert response.status_code == 302
    assert response.url.startswith(LOGIN_URL)


@pytest.fixture
def clock(monkeypatch):
    """Moves Django's clock (session expiry and renewal both read it) forward."""
    real_now = timezone.now
    offset = {"by": timedelta(0)}
    monkeypatch.setattr(timezone, "now", lambda: real_now() + offset["by"])

    def advance(**delta):
        offset["by"] += timedelta(**delta)

    return advance


def writes(queries) -> list[str]:
    return [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
    ]


def test_a_read_within_the_minute_writes_no_session(client, staff, clock):
    log_in(client, "staff", PASSWORD)
    saved = Session.objects.get().expire_date
    clock(seconds=50)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(PLAN_URL).status_code == 200
    assert writes(queries) == []
    assert Session.objects.get().expire_date == saved


def test_activity_renews_the_session_once_a_minute(client, staff, clock):
    log_in(client, "staff", PASSWORD)
    clock(minutes=5)
    client.get(PLAN_URL)
    renewed = Session.objects.get().expire_date
    assert renewed >= timezone.now() + timedelta(minutes=29)
    clock(seconds=30)
    client.get(PLAN_URL)
    assert Session.objects.get().expire_date == renewed  # within the minute: not again


def test_a_user_at_work_stays_logged_in_for_hours(client, staff, clock):
    log_in(client, "staff", PASSWORD)
    for _ in range(12):  # two hours, a page every ten minutes
        clock(minutes=10)
        assert client.get(PLAN_URL).status_code == 200


@pytest.mark.parametrize("idle_minutes", [30, 45])
def test_an_idle_user_is_logged_out_after_30_minutes(client, staff, clock, idle_minutes):
    log_in(client, "staff", PASSWORD)
    clock(seconds=59)
    assert client.get(PLAN_URL).status_code == 200  # within the minute: no renewal
    clock(minutes=idle_minutes)
    response = client.get(PLAN_URL)
    assert response.status_code == 302
    assert response.url.startswith(LOGIN_URL)


# --- CSRF -------------------------------------------------------------------------


def test_login_without_csrf_token_is_refused(staff):
    client = Client(enforce_csrf_checks=True)
    response = log_in(client, "staff", PASSWORD)
    assert response.status_code == 403


def test_login_with_the_forms_csrf_token_works(staff):
    client = Client(enforce_csrf_checks=True)
    page = client.get(LOGIN_URL)
    token = page.context["csrf_token"]
    response = client.post(
        LOGIN_URL, {"username": "staff", "password": PASSWORD, "csrfmiddlewaretoken": token}
    )
    assert response.status_code == 302


# --- Security headers ---------------------------------------------------------

EXPECTED_CSP = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    # Exactly plotly's two fixed style attributes (settings.PLOTLY_STYLE_ATTRIBUTES).
    "style-src-attr": [
        "'unsafe-hashes'",
        "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='",  # ""
        "'sha256-AR/cKIZjWPcPmBUPDA6oti9XBiTbJvz0Cro2J1VzzS8='",  # image-rendering probe
    ],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'none'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}


def parse_csp(header: str) -> dict[str, list[str]]:
    directives = {}
    for part in header.split(";"):
        name, *sources = part.split()
        directives[name] = sources
    return directives


@pytest.mark.parametrize("page", ["login", "plan"])
def test_pages_carry_the_security_headers(client_for, staff, page):
    client = client_for(staff) if page == "plan" else Client()
    response = client.get(PLAN_URL if page == "plan" else LOGIN_URL)
    assert response.status_code == 200
    assert parse_csp(response["Content-Security-Policy"]) == EXPECTED_CSP
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


def test_csp_never_allows_inline_or_eval(client, plan):
    header = client.get(LOGIN_URL)["Content-Security-Policy"]
    assert "unsafe-inline" not in header
    assert "unsafe-eval" not in header


def test_session_and_csrf_cookies_are_http_only(client, staff):
    log_in(client, "staff", PASSWORD)
    assert client.cookies[settings.SESSION_COOKIE_NAME]["httponly"]
    assert client.cookies[settings.SESSION_COOKIE_NAME]["samesite"] == "Lax"
    assert settings.CSRF_COOKIE_HTTPONLY


# --- Production settings ----------------------------------------------------


def run_manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    """``manage.py`` in a fresh process with the given environment on top of a
    clean one (no DEBUG/SECURE_* leaking in from the developer's shell)."""
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=clean_environment(**env),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def production_env(tmp_path, **extra: str) -> dict[str, str]:
    return {
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(64),  # 86 random characters
        "ALLOWED_HOSTS": "example.org",
        "STATIC_ROOT": str(tmp_path),  # as after collectstatic
        **extra,
    }


def test_check_deploy_is_clean_in_production_over_https(tmp_path):
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", **production_env(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout
    assert "WARNING" not in result.stdout + result.stderr


def test_check_deploy_is_clean_on_an_intranet_over_http_with_four_checks_silenced(tmp_path):
    env = production_env(tmp_path, INTRANET_HTTP="1")
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", **env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (4 silenced)." in result.stdout


def test_intranet_http_turns_off_exactly_the_https_settings(tmp_path):
    def https_settings(env):
        s = settings_under(**env)
        return (
            s["SECURE_SSL_REDIRECT"], s["SESSION_COOKIE_SECURE"], s["CSRF_COOKIE_SECURE"],
            s["SECURE_HSTS_SECONDS"], sorted(s.get("SILENCED_SYSTEM_CHECKS", [])),
            s["X_FRAME_OPTIONS"],
        )  # fmt: skip

    assert https_settings(production_env(tmp_path)) == (True, True, True, 31536000, [], "DENY")
    assert https_settings(production_env(tmp_path, INTRANET_HTTP="1")) == (
        False, False, False, 0,
        ["security.W004", "security.W008", "security.W012", "security.W016"], "DENY",
    )  # fmt: skip


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    env = production_env(tmp_path)
    env["SECRET_KEY"] = ""
    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY must be set"):
        settings_under(**env)


def test_api_token_endpoint_is_throttled_too(client, staff):
    """The API's token endpoint authenticates through the same backends, so
    the lockout applies: it answers 429 like the web login (in JSON, with
    Retry-After), and the right password gets no token while locked."""
    url = reverse("api:token")
    good = {"username": "staff", "password": PASSWORD}
    assert "token" in client.post(url, good, REMOTE_ADDR="10.0.0.5").json()
    for _ in range(5):
        client.post(url, {"username": "staff", "password": "wrong"}, REMOTE_ADDR="10.0.0.5")
    response = client.post(url, good, REMOTE_ADDR="10.0.0.5")
    assert response.status_code == 429
    assert "登录已被暂时锁定" in response.json()["detail"]
    assert "token" not in response.json()


def test_the_embedded_database_makes_a_second_writer_wait_instead_of_failing(tmp_path):
    """Two writers at once on SQLite (runserver's threads): each write
    transaction takes the lock when it begins, and the second waits for it,
    rather than a server error ("database is locked") after it has read."""
    url = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    options = settings_under(DATABASE_URL=url)["DATABASES"]["default"]["OPTIONS"]
    assert options == {"transaction_mode": "IMMEDIATE", "timeout": 20}
    waits = settings_under(DATABASE_URL=url, SQLITE_TIMEOUT="5")["DATABASES"]["default"]
    assert waits["OPTIONS"]["timeout"] == 5
    postgres = settings_under(DATABASE_URL="postgres://postgres@127.0.0.1:5432/x")
    assert "transaction_mode" not in postgres["DATABASES"]["default"].get("OPTIONS", {})


# --- Error pages: in the user's language, never Django's bare English ------------------


def test_a_request_too_big_to_read_gets_a_page_in_chinese(client_for, staff):
    """Django refuses more than DATA_UPLOAD_MAX_NUMBER_FIELDS fields before
    any view runs (a 400)."""
    client = client_for(staff)
    client.raise_request_exception = False
    fields = settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 10
    response = client.post(reverse("reports:entry"), {f"f{n}": "1" for n in range(fields)})
    assert response.status_code == 400
    assert "请求无效" in response.content.decode() and "未保存任何数据" in response.content.decode()


def failing_get(client_for, user, monkeypatch, view, url: str, error: Exception):
    """GET ``url`` as ``user`` with ``view``'s GET raising ``error``, as the
    browser sees it (the test client re-raises by default)."""

    def broken(*args, **kwargs):
        raise error

    monkeypatch.setattr(view, "get", broken)
    client = client_for(user)
    client.raise_request_exception = False
    return client.get(url)


def test_a_server_error_gets_a_page_in_chinese(client_for, staff, monkeypatch):
    from reports.views import notices

    url = reverse("reports:notices")
    response = failing_get(
        client_for, staff, monkeypatch, notices.NoticeListView, url, RuntimeError("a bug")
    )
    assert response.status_code == 500
    assert "服务器出错" in response.content.decode()
    assert "本次操作未完成" in response.content.decode()


def test_a_write_that_waited_out_the_database_lock_says_busy_not_error(
    client_for, staff, monkeypatch
):
    """On SQLite a write waits for another (a large import's preview) and
    then fails "database is locked": the user is told the system is busy
    and to retry (503, Retry-After), not that the server is broken."""
    from reports.views import notices

    locked = OperationalError("database is locked")
    url = reverse("reports:notices")
    response = failing_get(client_for, staff, monkeypatch, notices.NoticeListView, url, locked)
    assert response.status_code == 503 and response["Retry-After"] == "30"
    page = response.content.decode()
    assert "系统繁忙" in page and "本次操作未保存" in page and "服务器出错" not in page


def test_the_api_says_busy_in_json(client_for, staff, monkeypatch):
    from reports.api import views

    locked = OperationalError("database is locked")
    url = reverse("api:progress")
    response = failing_get(client_for, staff, monkeypatch, views.ProgressAPIView, url, locked)
    assert response.status_code == 503 and response["Retry-After"] == "30"
    assert response.json() == {"detail": "系统正忙,请稍后重试。"}


def test_a_form_posted_without_its_security_token_says_so_in_chinese(staff):
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("login"), {"username": staff.username, "password": PASSWORD})
    assert response.status_code == 403
    assert "页面已过期" in response.content.decode()
    assert "请刷新页面后重新填写并提交" in response.content.decode()
