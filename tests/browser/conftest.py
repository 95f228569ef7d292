"""Real-browser fixtures: the demo site served from this process, driven by Debian's Chromium.

The app runs in a werkzeug server thread on a free loopback port over one database imported
once per session from the demo data. Playwright never downloads a browser: it launches
/usr/bin/chromium, and a missing Chromium is a test failure (CI must not skip silently).
"""

import os
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from tests.helpers import app_on_template_copy

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
WIDTHS = {"phone": 360, "desktop": 1280}


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def demo_site(template_db, tmp_path_factory):
    """Base URL of the demo site (postings, events and demo accounts imported once)."""
    app = app_on_template_copy(template_db, tmp_path_factory.mktemp("browser-site"),
                               RATELIMIT_ENABLED=False)
    with app.app_context():
        from app.extensions import db
        from app.services.data.demo import load_demo

        load_demo()
        db.session.remove()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield {"url": f"http://127.0.0.1:{server.server_port}", "app": app}
    server.shutdown()
    thread.join(timeout=5)


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.fail(
            f"{CHROMIUM} is missing: the browser tests need Debian's chromium "
            "(make test installs it via scripts/install-test-deps.sh, or: apt-get install -y chromium)",
            pytrace=False,
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def screenshots() -> Path:
    # Files are overwritten, never the folder removed: other runs may be writing there too.
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS


@pytest.fixture
def page(browser, demo_site):
    """A fresh page at desktop width that fails the test on any request leaving the machine."""
    context = browser.new_context(viewport={"width": WIDTHS["desktop"], "height": 900}, locale="ja-JP")
    outside: list[str] = []

    def guard(route):
        url = route.request.url
        if url.startswith((demo_site["url"], "data:", "about:")):
            route.continue_()
        else:
            outside.append(url)
            route.abort()

    context.route("**/*", guard)
    page = context.new_page()
    page.set_default_timeout(10000)
    yield page
    context.close()
    assert not outside, f"requests left the site: {outside}"


@pytest.fixture(scope="session", autouse=True)
def axe_report():
    """Writes each page's axe result next to the screenshots, for the person reviewing them."""
    yield
    from tests.browser.checks import AXE_SUMMARY

    if AXE_SUMMARY:
        SCREENSHOTS.parent.mkdir(parents=True, exist_ok=True)
        lines = [f"{name}: {result}" for name, result in sorted(AXE_SUMMARY.items())]
        (SCREENSHOTS.parent / "axe-results.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
