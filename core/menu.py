"""The cabinet's left menu, in the order of the seed document's screens.

An entry is highlighted when the current path lies under its URL, so every
section keeps its sub-pages under its own prefix (e.g. /cabinet/readings/…).
"""

from dataclasses import dataclass, field

from django.urls import reverse


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


def _item(entry: MenuEntry, path: str) -> dict:
    url = reverse(entry.url_name) if entry.url_name else ""
    children = [_item(child, path) for child in entry.children]
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
    return [_item(entry, path) for entry in MENU]
