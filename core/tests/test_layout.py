import re

import pytest
from django.test import override_settings
from django.urls import reverse

MENU_IN_ORDER = [
    "Лицевой счет",
    "Настройки",
    "Калькулятор",
    "Оплата через интернет",
    "Оплатить",
    "Мои платежи",
    "Передача показаний",
    "Счет на оплату",
    "Счет фактура (реализация)",
    "Корректировочный счет-фактура",
    "Акт сверки",
    "Расшифровка потребления Э/Э",
    "Дополнительные услуги",
    "Выход",
]


def test_home_page_offers_registration_and_login(client, db):
    text = client.get("/").content.decode()
    assert "Регистрация в Личный кабинет" in text
    assert "Вход в личный кабинет" in text


def test_cabinet_page_has_header_breadcrumb_contact_block_and_menu_in_order(
    alice_client,
):
    text = alice_client.get(reverse("calculator:index")).content.decode()
    assert "ЭССК" in text and "Личный кабинет" in text
    assert "Главная</a> &gt; <a" in text and "Калькулятор" in text
    assert "Есть вопросы?" in text and "8 800 3012 555" in text
    menu = text[text.index('<nav class="cabinet-menu"') :]
    menu = menu[: menu.index("</nav>")]
    positions = [menu.index(f">{label}<") for label in MENU_IN_ORDER]
    assert positions == sorted(positions)


def first_menu(text: str) -> str:
    menu = text[text.index('<nav class="cabinet-menu"') :]
    return menu[: menu.index("</nav>")]


def highlighted(text: str) -> list[tuple[str, str]]:
    return re.findall(
        r'<li class="active[^"]*">\s*<a href="([^"]+)" aria-current="page">([^<]+)<',
        first_menu(text),
    )


def test_the_phone_menu_is_the_same_menu_folded_under_one_button(alice_client):
    text = alice_client.get(reverse("calculator:index")).content.decode()
    folded = text[text.index('<details class="menu-fold">') :]
    folded = folded[: folded.index("</details>")]
    assert "<summary>Меню</summary>" in folded
    assert first_menu(folded).count("<li") == first_menu(text).count("<li")
    assert 'aria-current="page">Калькулятор<' in folded


def test_current_section_is_highlighted(alice_client):
    text = alice_client.get(reverse("calculator:index")).content.decode()
    assert highlighted(text) == [("/cabinet/calculator/", "Калькулятор")]


def test_each_section_highlights_itself_when_going_back_and_forth(alice_client):
    """Going back and forth between sections (and to a sub-page) never shows another
    section's highlight."""
    for name, label in [
        ("calculator:index", "Калькулятор"),
        ("payments:list", "Мои платежи"),
        ("calculator:index", "Калькулятор"),
        ("meters:bulk", "Передача показаний"),
        ("payments:list", "Мои платежи"),
    ]:
        text = alice_client.get(reverse(name)).content.decode()
        assert [entry_label for _, entry_label in highlighted(text)] == [label], name


@pytest.mark.parametrize(
    "url_name",
    [
        "billing:account",
        "accounts:settings",
        "calculator:index",
        "payments:pay",
        "payments:list",
        "meters:readings",
        "documents:invoices",
        "documents:vat_invoices",
        "documents:corrections",
        "documents:reconciliation",
        "documents:consumption",
        "services:index",
    ],
)
def test_every_section_needs_login(client, db, url_name):
    url = reverse(url_name)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_staff_without_contract_is_refused_the_cabinet(client, stella):
    client.force_login(stella)
    assert client.get(reverse("calculator:index")).status_code == 403


@override_settings(DEBUG=False)
def test_unknown_url_gives_styled_404_in_russian(client, db):
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    assert "Страница не найдена" in response.content.decode()


def test_server_error_page_is_styled_and_russian(client, db):
    from core.views import server_error

    response = server_error(None)
    assert response.status_code == 500
    assert "Ошибка на сервере" in response.content.decode()


def test_security_headers(client, db):
    response = client.get("/")
    assert response["X-Frame-Options"] == "DENY"
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert response["Referrer-Policy"] == "same-origin"


def test_a_lost_database_gives_the_styled_503_page(db):
    from django.db import OperationalError

    from core.views import server_error

    try:
        raise OperationalError("connection to server at 127.0.0.1 failed: Connection refused")
    except OperationalError:
        response = server_error(None)
    assert response.status_code == 503
    assert "Сервис временно недоступен" in response.content.decode()
    assert response["Retry-After"] == "30"


def test_other_database_errors_stay_500(db):
    from django.db import OperationalError

    from core.views import server_error

    try:
        raise OperationalError("division by zero")
    except OperationalError:
        response = server_error(None)
    assert response.status_code == 500


@override_settings(DEBUG=True)
def test_in_development_an_unknown_url_gives_the_portals_404(client, db):
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    assert "Страница не найдена" in response.content.decode()


@override_settings(DEBUG=True, DEBUG_TECHNICAL_404=True)
def test_debug_technical_404_brings_djangos_page_back(client, db):
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    assert "Using the URLconf" in response.content.decode()
