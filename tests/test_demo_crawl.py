"""The demo in Chromium, as a newcomer sees it (issue 18 §3): `seed_demo` builds the demo in the test
database, every demo login (read from the demo's own list, so new logins are crawled too) opens every page
of the navigation and one page of each kind linked from them, and the crawl fails on any console error (a CSP
violation is one, so is a link answering 404) and on English UI strings. The account pages and the
password-reset e-mail are crawled too. Screenshots go to JOURNEY_SCREENSHOTS/crawl (artifacts/, ignored)."""

from __future__ import annotations

import io
import os
import re
import shutil
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.core import mail
from django.core.management import call_command
from django.urls import Resolver404, resolve

from tests.english import VISIBLE_TEXT_JS, english_in
from units.bench import session_for
from units.demo_data import LOGINS
from units.models import User

pytestmark = [
    pytest.mark.browser,
    pytest.mark.firsthour,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
ROOT = Path(__file__).resolve().parent.parent
SHOTS = Path(os.environ.get("JOURNEY_SCREENSHOTS", ROOT / "artifacts" / "journeys")) / "crawl"
# Leaving the session or the site is not a page to check.
SKIP_PREFIXES = ("/tai-khoan/logout/", "/quan-tri/", "/static/", "/media/")


@pytest.fixture
def demo(chromium):
    shutil.rmtree(SHOTS, ignore_errors=True)  # this run's screenshots only
    SHOTS.mkdir(parents=True, exist_ok=True)
    call_command("seed_demo", stdout=io.StringIO())
    return chromium


class Tab:
    """One browser context: records console errors and uncaught exceptions with the page they came from."""

    def __init__(self, browser, base_url: str, name: str, session_key: str | None = None):
        self.name, self.base_url = name, base_url
        self.context = browser.new_context(base_url=base_url)
        if session_key:
            self.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session_key, "url": base_url}])
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.english: list[str] = []
        self.shots = self.pages = 0
        self.page.on(
            "console", lambda m: self.errors.append(f"{self.page.url}: {m.text}") if m.type == "error" else None
        )
        self.page.on("pageerror", lambda e: self.errors.append(f"{self.page.url}: {e}"))

    def open(self, url: str, *, shot: bool = False) -> bool:
        """Opens `url`; False when it is a file (a download), True for a page, after checking its text."""
        from playwright.sync_api import Error

        try:
            response = self.page.goto(url)
        except Error as exc:
            if "Download is starting" in str(exc):
                return False
            raise
        if response is None or "text/html" not in (response.headers.get("content-type") or ""):
            return False
        self.check_text(url)
        self.pages += 1
        if not shot:
            return True
        self.shots += 1
        slug = re.sub(r"[^a-z0-9]+", "-", urlsplit(url).path.lower()).strip("-") or "home"
        self.page.screenshot(path=str(SHOTS / f"{self.name}-{self.shots:02d}-{slug[:50]}.png"))
        return True

    def check_text(self, label: str) -> None:
        found = english_in(self.page.evaluate(VISIBLE_TEXT_JS))
        if found:
            self.english.append(f"{label}: {found}")

    def links(self, selector: str) -> list[str]:
        hrefs = self.page.eval_on_selector_all(selector, "els => els.map(a => a.getAttribute('href'))")
        return [h for h in hrefs if h and h.startswith("/") and not h.startswith(SKIP_PREFIXES)]

    def close(self) -> None:
        self.page.wait_for_timeout(200)  # late errors of the last page (HTMX loads)
        self.context.close()


def _kind(url: str) -> str | None:
    """The URL's view name: one page of each kind per login is enough (and keeps the crawl short)."""
    try:
        match = resolve(urlsplit(url).path)
    except Resolver404:
        return url
    return match.view_name


def crawl_as(browser, base_url: str, username: str, seen_kinds: set[str]) -> Tab:
    """Every navigation page, then one page of each kind linked from them (or from the home page's work
    list) that no login has opened yet (`seen_kinds`, shared by the crawl to keep it near two minutes)."""
    user = User.objects.get(username=username)
    tab = Tab(browser, base_url, username, session_for(user, second_factor=True))
    tab.open("/", shot=True)
    nav = tab.links("#mainnav a[href]")
    assert len(nav) >= 5, f"{username}: navigation not shown ({nav})"
    linked = tab.links("main a[href]")
    for url in dict.fromkeys(nav):
        if url != "/" and tab.open(url, shot=True):
            linked += tab.links("main a[href]")
    seen_kinds.update(_kind(url) for url in nav)
    # Deeper: one page of each kind for the whole crawl, this login's work list (home) first.
    for url in linked:
        if _kind(url) not in seen_kinds:
            seen_kinds.add(_kind(url))
            tab.open(url)
    tab.close()
    return tab


def test_the_demo_in_chromium_is_vietnamese_and_error_free(demo, live_server):
    """One test, one demo build (seed_demo takes most of the time): the crawl of every login, the
    school-year select, the account pages and the reset e-mail."""
    every_login_sees_its_pages_without_console_errors_or_english(demo, live_server)
    school_year_select_changes_the_year(demo, live_server)
    account_pages_and_the_reset_mail_in_the_browser(demo, live_server)


def every_login_sees_its_pages_without_console_errors_or_english(demo, live_server):
    assert len(LOGINS) >= 9
    errors, english, visited, seen_kinds = [], [], {}, set()
    for username, *_ in LOGINS:
        tab = crawl_as(demo, live_server.url, username, seen_kinds)
        errors += [f"[{username}] {e}" for e in tab.errors]
        english += [f"[{username}] {e}" for e in tab.english]
        visited[username] = tab.pages
    assert all(n >= 6 for n in visited.values()), visited
    print(f"Chromium crawl: {sum(visited.values())} pages, per login {visited}")
    assert not errors, "Console errors:\n" + "\n".join(errors)
    assert not english, "English UI strings:\n" + "\n".join(english)


def school_year_select_changes_the_year(demo, live_server):
    """/tu-danh-gia/ changed the year with an inline onchange the CSP blocked: nothing happened."""
    principal = next(row[0] for row in LOGINS if row[1] == "head")
    tab = Tab(demo, live_server.url, "nam-hoc", session_for(User.objects.get(username=principal), second_factor=True))
    tab.open("/tu-danh-gia/")
    years = tab.page.eval_on_selector_all("#year option", "os => os.map(o => o.value)")
    other = next(y for y in years if y != tab.page.input_value("#year"))
    with tab.page.expect_navigation():
        tab.page.select_option("#year", other)
    assert f"nam-hoc={other}" in tab.page.url
    assert tab.page.input_value("#year") == other
    tab.close()
    assert not tab.errors, tab.errors


def account_pages_and_the_reset_mail_in_the_browser(demo, live_server):
    """Signed out: login, password reset, the e-mail (its text and name), the link it carries, the new
    password, and the pages around them; plus the sign-up URL and an unpublished public page (404)."""
    user = User.objects.filter(username__in=[row[0] for row in LOGINS]).exclude(email="").first()
    tab = Tab(demo, live_server.url, "tai-khoan")
    for url in ("/tai-khoan/login/", "/tai-khoan/password/reset/"):
        tab.open(url)
    tab.page.fill("input[name=email]", user.email)
    with tab.page.expect_navigation():
        tab.page.locator("main form button[type=submit]").first.click()
    tab.check_text("reset done")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert not english_in(message.subject + "\n" + message.body), (message.subject, message.body)
    assert message.subject.startswith(f"[{settings.SITE_NAME}]") and settings.SITE_NAME in message.body
    link = re.search(r"https?://\S+/tai-khoan/password/reset/key/\S+", message.body).group(0)
    tab.open(urlsplit(link).path)
    tab.page.fill("input[name=password1]", "Mat-khau-moi-2027")
    tab.page.fill("input[name=password2]", "Mat-khau-moi-2027")
    with tab.page.expect_navigation():
        tab.page.locator("main form button[type=submit]").first.click()
    tab.check_text("reset from key done")
    assert tab.page.url.endswith("/tai-khoan/password/reset/key/done/")
    for url in ("/tai-khoan/signup/", "/cong-khai/tu-danh-gia/chua-cong-bo/"):
        response = tab.page.goto(url)
        assert response.status == 404 and "Không tìm thấy trang" in tab.page.inner_text("main")
        tab.check_text(url)
    tab.close()
    # The two 404s log "Failed to load resource"; nothing else may.
    assert all("404" in e for e in tab.errors) and len(tab.errors) == 2, tab.errors
    assert not tab.english, tab.english
