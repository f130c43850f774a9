"""A principal enters a criterion in a real browser (Chromium): HTMX autosave under the strict CSP, the
values survive a reload, and a numerator above the denominator is refused on the page without losing input."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from criteria import services
from criteria.models import Answer, CriterionEntry, Indicator

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def page(chromium, live_server):
    context = chromium.new_context(base_url=live_server.url)
    yield context
    context.close()


def test_autosave_and_a_bad_value_in_the_browser(cast, live_server, page):
    assessment = services.assessment_start(cast.school_a, "2025-2026", actor=cast.principal_a)
    entry = CriterionEntry.objects.get(assessment=assessment, criterion__code="1.3")
    indicator = Indicator.objects.get(criterion=entry.criterion)
    client = Client()
    client.force_login(cast.principal_a, backend="allauth.account.auth_backends.AuthenticationBackend")
    page.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}])
    tab = page.new_page()
    errors = []
    tab.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    url = reverse("criteria:entry", args=[assessment.public_id, entry.pk])
    tab.goto(url)
    tab.fill(f"#n{indicator.pk}", "30")
    tab.fill(f"#d{indicator.pk}", "40")
    tab.locator(f"#d{indicator.pk}").dispatch_event("change")
    tab.get_by_text("Đã tự động lưu").wait_for(timeout=10_000)
    answer = Answer.objects.get(entry=entry, indicator=indicator)
    assert (answer.numerator, answer.denominator) == (30, 40)
    tab.reload()
    assert tab.input_value(f"#n{indicator.pk}") == "30"
    tab.fill(f"#n{indicator.pk}", "50")
    tab.locator(f"#n{indicator.pk}").dispatch_event("change")
    tab.get_by_text("không được lớn hơn mẫu số").wait_for(timeout=10_000)
    assert tab.input_value(f"#n{indicator.pk}") == "50"  # what was typed stays on the page
    assert Answer.objects.get(pk=answer.pk).numerator == 30
    assert not [e for e in errors if "Content Security Policy" in e], errors
