"""The one pagination fragment every paginated list includes."""

from pathlib import Path

from django.conf import settings
from django.core.paginator import Paginator
from django.template.loader import render_to_string

FRAGMENT = "core/fragment_pagination.html"


def render(number: int, query: str = "") -> str:
    page = Paginator(range(25), 10).get_page(number)
    return render_to_string(FRAGMENT, {"page": page, "query": query, "label": "Страницы"})


def test_a_middle_page_links_both_ways_keeping_the_filter():
    html = render(2, query="date_from=2026-01-01")
    assert 'aria-label="Страницы"' in html
    assert 'href="?date_from=2026-01-01&amp;page=1">← Новее</a>' in html
    assert "Страница 2 из 3" in html
    assert 'href="?date_from=2026-01-01&amp;page=3">Старше →</a>' in html


def test_the_first_page_without_a_filter_links_only_to_older():
    html = render(1)
    assert "Новее" not in html
    assert 'href="?page=2">Старше →</a>' in html


def test_a_single_page_shows_no_navigation():
    page = Paginator(range(3), 10).get_page(1)
    html = render_to_string(FRAGMENT, {"page": page, "query": "", "label": "Страницы"})
    assert html.strip() == "" or "<nav" not in html


def test_the_pagination_markup_is_written_only_in_the_fragment():
    templates = Path(settings.BASE_DIR, "templates")
    holders = sorted(
        str(path.relative_to(templates))
        for path in templates.rglob("*.html")
        if 'class="pagination"' in path.read_text(encoding="utf-8")
    )
    assert holders == [FRAGMENT]
