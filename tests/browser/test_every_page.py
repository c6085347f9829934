"""Every cabinet page of every demo customer, at a laptop's width and a phone's: nothing
scrolls sideways, and axe-core finds no serious or critical accessibility violation.

The pages are found as a person finds them: from «Лицевой счет», every link that stays in
the cabinet is followed (one page per kind of URL: the first document, the first entry...).
"""

import re
from collections import deque
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from accounts.demo import DEMO_PASSWORD
from conftest import browser_login
from tests.browser.axe import serious_violations

pytestmark = pytest.mark.browser

LAPTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
DEMO_CUSTOMERS = (("г. Кемерово", "1001"), ("г. Кемерово", "2002"), ("г. Березовский", "0001с"))
# Files, not pages: a PDF, a sample to download.
NOT_A_PAGE = re.compile(r"/pdf/|/download/|/sample|\.(csv|xlsx|pdf)$")

WIDTHS = """() => ({
  page: document.documentElement.scrollWidth,
  window: innerWidth,
  scrolling_tables: [...document.querySelectorAll('table')]
    .filter(t => {
      const box = t.closest('.table-wrap') || t.parentElement;
      return box.scrollWidth > box.clientWidth + 1 || t.scrollWidth > t.clientWidth + 1;
    })
    .map(t => `${t.className || 'table'}: ${t.scrollWidth} > ${t.parentElement.clientWidth}`),
})"""


def _kind(path: str) -> str:
    """One page per kind of URL: /cabinet/documents/vat-invoices/17/ and /18/ are one kind."""
    return re.sub(r"/\d+/", "/N/", path)


def cabinet_pages(page):
    """Every cabinet page reachable by links from «Лицевой счет», yielded while it is loaded."""
    start = "/cabinet/account/"
    seen, queue, found = {_kind(start)}, deque([start]), []
    while queue:
        path = queue.popleft()
        page.set_viewport_size(LAPTOP)
        response = page.goto(path)
        assert response.ok, f"{path}: {response.status}"
        found.append(path)
        yield path
        for href in page.eval_on_selector_all("a[href]", "els => els.map(a => a.href)"):
            url = urlsplit(href)
            if url.query or not url.path.startswith("/cabinet/") or NOT_A_PAGE.search(url.path):
                continue
            if _kind(url.path) not in seen:
                seen.add(_kind(url.path))
                queue.append(url.path)
    assert len(found) >= 20, found


# One test per customer: the workers of `make test` share the walk.
@pytest.mark.parametrize("branch, number", DEMO_CUSTOMERS, ids=[n for _, n in DEMO_CUSTOMERS])
def test_at_1280_and_on_a_phone_no_page_scrolls_sideways_and_axe_finds_nothing(
    demo_page, branch, number
):
    """Each page is loaded once and checked at both widths: resizing the window lays it out
    again (no script of the portal reads the width at load). At 1280 no table scrolls either;
    on a phone a wide table scrolls inside its own box."""
    demo_page.set_viewport_size(LAPTOP)
    browser_login(demo_page, branch, number, DEMO_PASSWORD)
    expect(demo_page.get_by_role("heading", name="Лицевой счет")).to_be_visible()
    problems, violations = [], []
    for path in cabinet_pages(demo_page):
        for viewport in (LAPTOP, PHONE):
            demo_page.set_viewport_size(viewport)
            widths = demo_page.evaluate(WIDTHS)
            tables = widths["scrolling_tables"] if viewport is LAPTOP else []
            if widths["page"] > widths["window"] or tables:
                problems.append((viewport["width"], path, widths))
            violations += [(viewport["width"], path, v) for v in serious_violations(demo_page)]
    assert problems == []
    assert violations == []


def test_on_a_phone_the_menu_is_one_button_that_opens_without_javascript(chromium, demo_server):
    context = chromium.new_context(
        base_url=demo_server.url, locale="ru-RU", viewport=PHONE, java_script_enabled=False
    )
    page = context.new_page()
    browser_login(page, "г. Кемерово", "1001", DEMO_PASSWORD)
    heading = page.get_by_role("heading", name="Лицевой счет")
    expect(heading).to_be_visible()
    # The page starts on the first screen, under the header, the breadcrumb and the button.
    assert heading.bounding_box()["y"] < 300
    expect(page.get_by_role("link", name="Передача показаний")).to_have_count(0)
    page.get_by_text("Меню", exact=True).click()
    page.get_by_role("link", name="Передача показаний").click()
    expect(page.get_by_role("heading", name="Ввод показаний по счетчику")).to_be_visible()
    context.close()
