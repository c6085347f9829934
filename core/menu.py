"""The cabinet's left menu, in the order of the seed document's screens.

An entry is highlighted when the current path lies under its URL, so every
section keeps its sub-pages under its own prefix (e.g. /cabinet/readings/…).
"""

from dataclasses import dataclass, field
from functools import lru_cache

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.safestring import SafeString


@dataclass(frozen=True)
class MenuEntry:
    label: str
    url_name: str = ""
    children: tuple["MenuEntry", ...] = field(default_factory=tuple)


MENU: tuple[MenuEntry, ...] = (
    MenuEntry("Лицевой счет", "billing:account"),
    MenuEntry("Настройки", "accounts:settings"),
    MenuEntry("Калькулятор", "calculator:index"),
    MenuEntry(
        "Оплата через интернет",
        children=(
            MenuEntry("Оплатить", "payments:pay"),
            MenuEntry("Мои платежи", "payments:list"),
        ),
    ),
    MenuEntry("Передача показаний", "meters:readings"),
    MenuEntry("Счет на оплату", "documents:invoices"),
    MenuEntry("Счет фактура (реализация)", "documents:vat_invoices"),
    MenuEntry("Корректировочный счет-фактура", "documents:corrections"),
    MenuEntry("Акт сверки", "documents:reconciliation"),
    MenuEntry("Расшифровка потребления Э/Э", "documents:consumption"),
    MenuEntry("Дополнительные услуги", "services:index"),
)


@lru_cache(maxsize=8)
def _urls(script_prefix: str, urlconf: str | None) -> dict[str, str]:
    """Every menu URL, reversed once per script prefix and URLconf (not 17 times a page)."""
    names = [e.url_name for top in MENU for e in (top, *top.children) if e.url_name]
    return {name: reverse(name) for name in names}


def _item(entry: MenuEntry, path: str, urls: dict[str, str]) -> dict:
    url = urls[entry.url_name] if entry.url_name else ""
    children = [_item(child, path, urls) for child in entry.children]
    active = bool(url) and path.startswith(url)
    return {
        "label": entry.label,
        "url": url,
        "active": active,
        "open": active or any(c["active"] for c in children),
        "children": children,
    }


def menu_for(path: str) -> list[dict]:
    """The menu as template data, with the entry of the current section marked."""
    urls = _urls(get_script_prefix(), get_urlconf())
    return [_item(entry, path, urls) for entry in MENU]


def menu_html(path: str) -> SafeString:
    """The menu's entries as HTML: the same for every page of a section, so each process
    renders them once per section (on every request while DEBUG, for template edits)."""
    menu = menu_for(path)
    if settings.DEBUG:
        return _render(menu)
    active = tuple(e["active"] for top in menu for e in (top, *top["children"]))
    # A handful of keys at most: one per section (and none active), per script prefix.
    key = (get_script_prefix(), get_urlconf(), active)
    html = _RENDERED.get(key)
    if html is None:
        html = _RENDERED[key] = _render(menu)
    return html


_RENDERED: dict[tuple, SafeString] = {}


def _render(menu: list[dict]) -> SafeString:
    return render_to_string("core/fragment_menu_items.html", {"menu": menu})
