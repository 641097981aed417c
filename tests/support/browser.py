"""Browser test support: serve a built site from localhost, drive Debian's chromium with Playwright.

Use in a test module::

    from support.browser import serve  # the browser and browser_page fixtures come from conftest.py

    @pytest.mark.browser
    def test_x(browser_page, built_dir):
        with serve(built_dir) as url:
            browser_page.page.goto(url + "index.html")
            ...
            assert browser_page.errors == []
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run",
]


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextlib.contextmanager
def serve(directory: Path) -> Iterator[str]:
    """Serve *directory* on a free localhost port; yields the base URL (ending in '/')."""
    handler = functools.partial(_QuietHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """A headless chromium (one per test module)."""
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is not installed (Debian package 'chromium')")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            yield browser
        finally:
            browser.close()


@dataclass
class BrowserPage:
    """A fresh page, and every console error (with the URL it is about) and uncaught exception seen on it.

    A 404 for /favicon.ico is not counted: browsers ask for it on their own.
    """

    page: Any
    errors: list[str] = field(default_factory=list)


@pytest.fixture
def browser_page(browser: Any) -> Iterator[BrowserPage]:
    context = browser.new_context()
    page = context.new_page()
    page.set_default_timeout(15_000)
    seen = BrowserPage(page)
    def on_console(message: Any) -> None:
        where = (message.location or {}).get("url", "")
        if message.type == "error" and not where.endswith("/favicon.ico"):  # the browser's own guess, not the site's
            seen.errors.append(f"{message.text} [{where}]")

    page.on("console", on_console)
    page.on("pageerror", lambda error: seen.errors.append(f"uncaught: {error}"))
    try:
        yield seen
    finally:
        context.close()
