"""Filing each kind of request from its form."""

import datetime as dt

import time_machine
from django.urls import reverse

from services.models import RequestStatus, ServiceRequest
from services.tests.conftest import PDF_BYTES, local, upload


def form_url(kind):
    return reverse("services:request_create", args=[kind])


@time_machine.travel(local(2026, 11, 10), tick=False)
def test_a_meter_verification_request_names_one_of_the_contracts_meters(alice_client, alice_meter):
    response = alice_client.post(
        form_url("meter"),
        {
            "meter": alice_meter.pk,
            "meter_action": "verification",
            "text": "Истек межповерочный интервал",
            "preferred_date": "2026-11-20",
        },
    )
    service_request = ServiceRequest.objects.get()
    assert response.status_code == 302
    assert response["Location"] == service_request.get_absolute_url()
    assert service_request.kind == "meter"
    assert service_request.meter == alice_meter
    assert service_request.meter_action == "verification"
    assert service_request.preferred_date == dt.date(2026, 11, 20)
    assert service_request.status == RequestStatus.ACCEPTED
    assert service_request.summary == "Поверка прибора учета № 108008060"
    [first] = service_request.history.all()
    assert first.status == RequestStatus.ACCEPTED and first.is_filing


def test_the_meter_list_offers_only_the_contracts_own_meters(alice_client, alice_meter, bob_meter):
    text = alice_client.get(form_url("meter")).content.decode()
    assert "108008060" in text
    assert "700700700" not in text


@time_machine.travel(local(2026, 11, 10), tick=False)
def test_another_contracts_meter_id_is_refused_next_to_the_field(
    alice_client, alice_meter, bob_meter
):
    response = alice_client.post(
        form_url("meter"),
        {
            "meter": bob_meter.pk,
            "meter_action": "replacement",
            "text": "Неисправен",
            "preferred_date": "2026-11-20",
        },
    )
    text = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_meter_error"' in text
    assert "Выберите прибор учета из списка приборов вашего договора." in text
    assert "Неисправен" in text
    assert not ServiceRequest.objects.exists()


@time_machine.travel(local(2026, 11, 10), tick=False)
def test_a_meter_request_needs_a_future_preferred_date(alice_client, alice_meter):
    response = alice_client.post(
        form_url("meter"),
        {
            "meter": alice_meter.pk,
            "meter_action": "replacement",
            "text": "Неисправен",
            "preferred_date": "10.11.2026",
        },
    )
    assert "Желаемая дата должна быть позже сегодняшней." in response.content.decode()
    assert not ServiceRequest.objects.exists()


@time_machine.travel(local(2026, 11, 10), tick=False)
def test_a_paper_reconciliation_statement_is_requested_for_a_period(alice_client):
    response = alice_client.post(
        form_url("reconciliation"),
        {"period_from": "01.01.2026", "period_to": "31.10.2026", "delivery": "post"},
    )
    assert response.status_code == 302
    service_request = ServiceRequest.objects.get()
    assert service_request.kind == "reconciliation"
    assert (service_request.period_from, service_request.period_to) == (
        dt.date(2026, 1, 1),
        dt.date(2026, 10, 31),
    )
    assert service_request.get_delivery_display() == "почтой по юридическому адресу"
    assert service_request.summary == "Акт сверки за 01.01.2026 – 31.10.2026"


@time_machine.travel(local(2026, 11, 10), tick=False)
def test_a_reconciliation_period_must_run_forwards_and_not_into_the_future(alice_client):
    backwards = alice_client.post(
        form_url("reconciliation"),
        {"period_from": "2026-10-31", "period_to": "2026-01-01", "delivery": "office"},
    )
    assert "Конец периода раньше его начала." in backwards.content.decode()
    future = alice_client.post(
        form_url("reconciliation"),
        {"period_from": "2026-01-01", "period_to": "2026-12-31", "delivery": "office"},
    )
    assert "Период не может заканчиваться в будущем." in future.content.decode()
    assert not ServiceRequest.objects.exists()


def test_a_change_of_contact_details_keeps_the_new_values(alice_client):
    response = alice_client.post(
        form_url("contacts"),
        {
            "contact_person": "Петрова Анна Сергеевна, главный бухгалтер",
            "phone": "+7 (3842) 00-00-00",
            "email": "buh@alfa.example",
        },
    )
    assert response.status_code == 302
    service_request = ServiceRequest.objects.get()
    assert service_request.kind == "contacts"
    assert service_request.phone == "+7 (3842) 00-00-00"
    assert service_request.email == "buh@alfa.example"


def test_a_change_of_contact_details_needs_at_least_one_new_value(alice_client):
    response = alice_client.post(form_url("contacts"), {"text": "Просто так"})
    text = response.content.decode()
    assert 'id="id_contact_person_error"' in text
    assert "Укажите хотя бы одно новое значение" in text
    assert "Просто так" in text
    assert not ServiceRequest.objects.exists()


def test_a_wrong_phone_is_refused_next_to_the_field(alice_client):
    response = alice_client.post(form_url("contacts"), {"phone": "позвоните мне"})
    assert "Введите телефон цифрами" in response.content.decode()
    assert not ServiceRequest.objects.exists()


def test_a_complaint_has_a_subject_and_a_text(alice_client):
    response = alice_client.post(
        form_url("question"),
        {"topic": "complaint", "subject": "Отключение", "text": "Нас отключили без уведомления."},
    )
    assert response.status_code == 302
    service_request = ServiceRequest.objects.get()
    assert service_request.kind == "question"
    assert service_request.summary == "Жалоба: Отключение"


def test_a_question_without_text_is_refused_and_keeps_what_was_typed(alice_client):
    response = alice_client.post(
        form_url("question"), {"topic": "question", "subject": "Тема осталась", "text": ""}
    )
    text = response.content.decode()
    assert "Напишите текст обращения." in text
    assert 'value="Тема осталась"' in text
    assert not ServiceRequest.objects.exists()


def test_the_success_message_gives_the_request_number(alice_client):
    response = alice_client.post(
        form_url("question"),
        {
            "topic": "question",
            "subject": "Вопрос",
            "text": "Текст",
            "attachments": [upload("a.pdf", PDF_BYTES)],
        },
        follow=True,
    )
    number = ServiceRequest.objects.get().number
    text = response.content.decode()
    assert f"Заявка № {number} принята." in text
    assert "a.pdf" in text


def test_an_unknown_kind_is_a_404(alice_client):
    assert alice_client.get(form_url("teleport")).status_code == 404


def test_filing_needs_login(client, db):
    response = client.get(form_url("question"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_the_chooser_links_every_kind(alice_client):
    text = alice_client.get(reverse("services:request_new")).content.decode()
    for kind in ("meter", "reconciliation", "contacts", "question"):
        assert form_url(kind) in text


def test_filing_is_protected_against_cross_site_posts(alice):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    response = client.post(form_url("question"), {"topic": "question", "subject": "S", "text": "T"})
    assert response.status_code == 403
    assert not ServiceRequest.objects.exists()
