"""The cabinet's left menu, in the order of the seed document's screens.

An entry is highlighted when the current path lies under its URL, so every
section keeps its sub-pages under its own prefix (e.g. /cabinet/readings/…).
"""

from dataclasses import dataclass, field

from django.urls import reverse

from core.access import URL_SECTIONS


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


def _visible(entry: MenuEntry, sections) -> bool:
    if entry.children:
        return any(_visible(child, sections) for child in entry.children)
    return URL_SECTIONS[entry.url_name] in sections


def _item(entry: MenuEntry, path: str, sections) -> dict:
    url = reverse(entry.url_name) if entry.url_name else ""
    children = [
        _item(child, path, sections) for child in entry.children if _visible(child, sections)
    ]
    active = bool(url) and path.startswith(url)
    return {
        "label": entry.label,
        "url": url,
        "active": active,
        "open": active or any(c["active"] for c in children),
        "children": children,
    }


def menu_for(path: str, sections) -> list[dict]:
    """The menu as template data: only the sections the person's role opens
    (core.access), with the entry of the current section marked."""
    return [_item(entry, path, sections) for entry in MENU if _visible(entry, sections)]
