"""The marketing site passes axe-core with no serious or critical violation, on a phone and on a
desktop: the home page, features, pricing, the help centre and an article, and the sign-up form."""

from __future__ import annotations

import pytest

from tests.e2e.axe import axe_violations
from tests.e2e.test_signup_journey import marketing_site  # noqa: F401 (a fixture)

PAGES = [
    "/",
    "/features/",
    "/pricing/",
    "/help/",
    "/help/your-first-five-minutes/",
    "/signup/",
]


@pytest.mark.parametrize("width", [1440, 390])
def test_the_marketing_pages_have_no_serious_accessibility_violations(
    browser,
    live_url,
    marketing_site,  # noqa: F811
    width,
):
    port = live_url.rsplit(":", 1)[1]
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    found = []
    try:
        for path in PAGES:
            response = page.goto(f"http://localhost:{port}{path}")
            assert response.status == 200, path
            found += axe_violations(page)
    finally:
        context.close()
    assert not found, "\n".join(found)
