"""Login, lockout, password reset and logout, in Vietnamese."""

from __future__ import annotations

import pytest
from axes.utils import reset as axes_reset
from django.core import mail
from django.core.cache import cache

LOGIN = "/tai-khoan/login/"
PASSWORD = "Mat-khau-2026"


@pytest.fixture(autouse=True)
def _fresh_counters(db):
    """Failed-login counters live in axes' tables and allauth's rate-limit cache: start clean."""
    axes_reset()
    cache.clear()
    yield
    axes_reset()
    cache.clear()


def test_login_page_is_vietnamese_even_for_an_english_browser(client, db):
    page = client.get(LOGIN, headers={"accept-language": "en-US,en;q=0.9"}).text
    assert "Đăng nhập" in page and "Quên mật khẩu?" in page
    assert "Sign In" not in page and "sign up" not in page.lower()


@pytest.mark.parametrize("login", ["principal_a", "principal_a@example.edu.vn"])
def test_login_by_username_or_email_lands_on_home(cast, client, login):
    r = client.post(LOGIN, {"login": login, "password": PASSWORD})
    assert r.status_code == 302 and r["Location"] == "/"
    assert "Trường THCS An Bình" in client.get("/").text


def test_wrong_password_says_so_and_keeps_username(cast, client):
    r = client.post(LOGIN, {"login": "principal_a", "password": "sai-mat-khau"})
    assert r.status_code == 200
    assert "Tên đăng nhập hoặc mật khẩu không đúng" in r.text
    assert 'value="principal_a"' in r.text


def test_lockout_after_five_failures_refuses_even_the_right_password(cast, client):
    for _ in range(4):
        assert client.post(LOGIN, {"login": "principal_a", "password": "sai"}).status_code == 200
    fifth = client.post(LOGIN, {"login": "principal_a", "password": "sai"})
    assert fifth.status_code == 429 and "Tài khoản tạm thời bị khóa" in fifth.text
    r = client.post(LOGIN, {"login": "principal_a", "password": PASSWORD})
    assert r.status_code == 429
    assert "Tài khoản tạm thời bị khóa" in r.text and "30 phút" in r.text
    assert client.get("/").status_code == 302  # still anonymous


def test_password_reset_page_is_vietnamese(client, db):
    page = client.get("/tai-khoan/password/reset/", headers={"accept-language": "en-US"}).text
    assert "Đặt lại mật khẩu" in page and "Password Reset" not in page


def test_password_reset_mail_is_vietnamese_and_sent_once(cast, client):
    r = client.post("/tai-khoan/password/reset/", {"email": "principal_a@example.edu.vn"})
    assert r.status_code == 302
    assert len(mail.outbox) == 1
    body = mail.outbox[0].body
    assert "/tai-khoan/password/reset/key/" in body
    assert "Cổng thi đua" in body or "mật khẩu" in body


def test_logout_is_a_post_and_ends_the_session(cast, client):
    client.post(LOGIN, {"login": "principal_a", "password": PASSWORD})
    assert client.get("/").status_code == 200
    client.post("/tai-khoan/logout/")
    assert client.get("/").status_code == 302
