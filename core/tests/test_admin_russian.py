"""The admin in Russian: every list, add and change page of every registered model, as a
superuser, names its section and model in Russian, in the case the sentence needs."""

import datetime as dt
import re
from decimal import Decimal
from html import unescape

import pytest
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.urls import NoReverseMatch, reverse

from billing.models import Contract, KeyRate, VatRate
from core.admin_names import NOUNS, noun_for

LATIN_WORD = re.compile(r"[A-Za-z]{2,}")
# Words of Latin letters a Russian page may carry: none of them names a section or a model.
ALLOWED_LATIN = {"ID"}


@pytest.fixture
def root(db, django_user_model):
    return django_user_model.objects.create_superuser("root", "root@example.ru", "Root-Secret-2026")


@pytest.fixture
def root_client(client, root):
    client.force_login(root)
    return client


@pytest.fixture
def demo(db, settings):
    settings.DEBUG_AS_DEPLOYED = True
    call_command("seed_demo", stdout=open("/dev/null", "w"))


def _text(html: str, pattern: str) -> str:
    match = re.search(pattern, html, flags=re.S)
    assert match, pattern
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", match.group(1))).split())


def headings(html: str) -> tuple[str, str]:
    """The page's <title> and its breadcrumbs, as text."""
    return (
        _text(html, r"<title>(.*?)</title>"),
        _text(html, r'<div class="breadcrumbs">(.*?)</div>'),
    )


def latin_words(text: str, *objects) -> set[str]:
    for obj in objects:
        text = text.replace(str(obj), " ")
    return set(LATIN_WORD.findall(text)) - ALLOWED_LATIN


def admin_url(model, view: str, *args) -> str | None:
    try:
        return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)
    except NoReverseMatch:
        return None


def test_every_registered_model_has_its_russian_forms():
    for model in admin.site._registry:
        noun = noun_for(model)
        assert noun is not None, f"add {model._meta.label_lower} to core.admin_names.NOUNS"
        assert noun.nominative.lower() == str(model._meta.verbose_name).lower(), model
        assert not LATIN_WORD.search(str(model._meta.verbose_name_plural)), model
        assert not LATIN_WORD.search(str(model._meta.app_config.verbose_name)), model


def test_every_inline_model_has_its_russian_forms():
    for model_admin in admin.site._registry.values():
        for inline in model_admin.inlines:
            assert inline.model._meta.label_lower in NOUNS, inline.model


def test_every_list_add_and_change_page_is_russian(root_client, demo):
    walked = {"changelist": 0, "add": 0, "change": 0}
    for model, model_admin in admin.site._registry.items():
        noun = noun_for(model)
        changelist = root_client.get(admin_url(model, "changelist"))
        assert changelist.status_code == 200, model
        title, crumbs = headings(changelist.content.decode())
        assert not latin_words(title + " " + crumbs), (model, title, crumbs)
        assert title.startswith(f"Выберите {noun.accusative} для "), title
        walked["changelist"] += 1

        add = admin_url(model, "add")
        response = root_client.get(add) if add else None
        if response is not None and response.status_code == 200:
            title, crumbs = headings(response.content.decode())
            assert not latin_words(title + " " + crumbs), (model, title, crumbs)
            assert title.startswith(f"Добавить {noun.accusative} |"), title
            assert crumbs.endswith(f"Добавить {noun.accusative}"), crumbs
            walked["add"] += 1

        obj = model_admin.get_queryset(changelist.wsgi_request).first()
        if obj is None:
            continue
        response = root_client.get(admin_url(model, "change", obj.pk))
        assert response.status_code == 200, model
        title, crumbs = headings(response.content.decode())
        assert not latin_words(title + " " + crumbs, obj, str(obj)[:60]), (model, title, crumbs)
        assert re.search(rf"(Изменить|Просмотреть) {re.escape(noun.accusative)} \|", title), title
        walked["change"] += 1
    # The demo data reaches nearly every model: the walk is not empty by accident.
    assert walked["changelist"] == len(admin.site._registry)
    assert walked["add"] >= 20 and walked["change"] >= 20, walked


@pytest.mark.parametrize(
    "label,title",
    [
        ("billing.customer", "Выберите потребителя для изменения"),
        ("billing.contract", "Выберите договор для изменения"),
        ("services.servicerequest", "Выберите заявку для изменения"),
        ("meters.deliverypoint", "Выберите точку поставки для изменения"),
        ("accounts.user", "Выберите пользователя для изменения"),
        ("core.auditevent", "Выберите событие журнала аудита для просмотра"),
    ],
)
def test_list_titles_are_in_the_accusative(root_client, label, title):
    from django.apps import apps

    model = apps.get_model(label)
    response = root_client.get(admin_url(model, "changelist"))
    assert response.context["title"] == title


def test_the_add_button_and_the_count_agree_with_the_number(root_client, kemerovo):
    from conftest import make_contract

    for number in ("1", "2", "3"):
        make_contract(kemerovo, number, inn=f"420500001{number}")
    html = root_client.get(admin_url(Contract, "changelist")).content.decode()
    assert "Добавить договор</a>" in html
    assert re.search(r"\b3 договора\b", html)
    assert "3 договоры" not in html


@pytest.mark.parametrize(
    "count,text", [(1, "1 договор"), (3, "3 договора"), (5, "5 договоров"), (11, "11 договоров"),
                   (21, "21 договор"), (22, "22 договора"), (112, "112 договоров")],
)  # fmt: skip
def test_counted_forms(count, text):
    assert NOUNS["billing.contract"].counted(count) == text


def test_a_feminine_name_changes_its_verbs(root_client):
    rate = VatRate.objects.get(valid_from=dt.date(2026, 1, 1))
    url = admin_url(VatRate, "change", rate.pk)
    response = root_client.post(url, {"valid_from": "01.01.2026", "rate": "22.00"}, follow=True)
    text = unescape(re.sub(r"<[^>]+>", "", response.content.decode()))
    assert f"Ставка НДС «{rate}» была успешно изменена." in text
    response = root_client.post(
        url, {"valid_from": "01.01.2026", "rate": "22.00", "_continue": "1"}, follow=True
    )
    text = unescape(re.sub(r"<[^>]+>", "", response.content.decode()))
    assert "была успешно изменена. Ниже можно снова ее изменить." in text


def test_adding_another_names_the_next_one_in_the_accusative(root_client):
    data = {"valid_from": "01.01.2030", "rate": "16.00", "_addanother": "1"}
    response = root_client.post(admin_url(KeyRate, "add"), data, follow=True)
    text = unescape(re.sub(r"<[^>]+>", "", response.content.decode()))
    assert (
        "была успешно добавлена. Ниже можно добавить еще одну ключевую ставку Банка России." in text
    )


def test_the_request_message_of_the_brief(rf):
    """«Заявка … была успешно изменена», as the admin says it of a service request."""
    from django.contrib.admin import site
    from django.contrib.messages.storage.fallback import FallbackStorage

    from services.models import ServiceRequest

    model_admin = site._registry[ServiceRequest]
    request = rf.post("/admin/services/servicerequest/1/change/", {})
    request.session = {}
    request._messages = FallbackStorage(request)
    request._russian_names = ("change", "№ 7")
    model_admin.message_user(request, "ignored", level=25)
    (message,) = list(request._messages)
    assert unescape(re.sub(r"<[^>]+>", "", str(message))) == "Заявка «№ 7» была успешно изменена."


def test_deleting_selected_is_counted_in_russian(root_client):
    rates = [
        KeyRate.objects.create(valid_from=dt.date(2031, 1, day), rate=Decimal("10"))
        for day in (1, 2, 3)
    ]
    url = admin_url(KeyRate, "changelist")
    ids = [str(rate.pk) for rate in rates]
    page = root_client.get(url).content.decode()
    assert "Удалить выбранные ключевые ставки Банка России" in page
    confirm = root_client.post(url, {"action": "delete_selected", "_selected_action": ids})
    assert "удалить выбранные ключевые ставки Банка России (3 ключевые ставки Банка России)?" in (
        confirm.content.decode()
    )
    done = root_client.post(
        url, {"action": "delete_selected", "_selected_action": ids, "post": "yes"}, follow=True
    )
    assert "Успешно удалено 3 ключевые ставки Банка России." in done.content.decode()


def test_deleting_one_asks_in_the_accusative(root_client, alice_contract):
    customer = alice_contract.customer
    html = root_client.get(admin_url(type(customer), "delete", customer.pk)).content.decode()
    assert "удалить потребителя «" in unescape(html) or "Не удается удалить потребителя" in html


def test_permissions_have_russian_names_and_only_for_shown_models(root_client, root):
    permission = Permission.objects.get(codename="change_contract")
    assert permission.name == "Изменение: договор"
    assert (
        not Permission.objects.filter(name__startswith="Can ")
        .exclude(content_type__app_label__in=("captcha",))
        .filter(codename__regex=r"^(add|change|delete|view)_")
        .exclude(content_type__model__in=("accessattemptexpiration",))
        .exists()
    )
    form = root_client.get(admin_url(type(root), "change", root.pk)).context["adminform"].form
    labels = [str(choice) for choice in form.fields["user_permissions"].queryset]
    assert labels and not any("captcha" in label.lower() for label in labels)
    assert not any(LATIN_WORD.search(label) for label in labels), [
        label for label in labels if LATIN_WORD.search(label)
    ][:5]


OWN_APPS = {"core", "accounts", "billing", "meters", "payments", "gateway", "documents",
            "calculator", "services"}  # fmt: skip
# Terms staff read as they are: Latin on purpose.
LATIN_TERMS = {"e-mail", "RRN", "ID"}


def test_no_field_of_the_portals_admin_models_is_named_in_latin_only():
    latin_only = re.compile(r"^[A-Za-z0-9 _().-]+$")
    found = [
        f"{model._meta.label}.{field.name}: {field.verbose_name}"
        for model in admin.site._registry
        if model._meta.app_label in OWN_APPS
        for field in model._meta.get_fields()
        if getattr(field, "verbose_name", None) is not None
        and field.name != "id"
        # A field of a third-party parent (django-otp's devices under accounts' proxies)
        # is named by its package: renaming it would need a migration there.
        and getattr(field, "model", model)._meta.app_label in OWN_APPS
        and latin_only.match(str(field.verbose_name))
        and str(field.verbose_name) not in LATIN_TERMS
    ]
    assert found == []
