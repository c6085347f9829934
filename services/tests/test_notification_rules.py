"""Each notification rule, once per thing, and only to those who want it."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import pytest
import time_machine
from django.core import mail
from django.core.mail import EmailMultiAlternatives

from billing.models import LedgerEntry
from meters.models import Reading
from services.models import NotificationPreference, NotificationSent
from services.notifications import notify
from services.tests.conftest import local, make_meter
from services.tests.conftest import run_notifications as run_on


def mails_to(address):
    return [m for m in mail.outbox if m.to == [address]]


def switch_off(user, kind):
    NotificationPreference.objects.update_or_create(user=user, defaults={kind: False})


def read(meter, day, value="100"):
    return Reading.objects.create(meter=meter, date=day, value=Decimal(value))


# --- readings reminder --------------------------------------------------------


def test_the_readings_reminder_goes_out_from_the_25th_for_a_meter_without_this_months_reading(
    alice, alice_meter
):
    read(alice_meter, dt.date(2026, 10, 31))
    run_on(local(2026, 11, 24))
    assert mail.outbox == []
    run_on(local(2026, 11, 25))
    [message] = mail.outbox
    assert message.to == ["alice@example.ru"]
    assert message.subject == "Передайте показания приборов учета за ноябрь 2026"
    assert "№ 108008060 СКАТ 101Э/1-3 ШР1" in message.body
    assert "http://127.0.0.1:8000/cabinet/readings/" in message.body
    html, mime = message.alternatives[0]
    assert mime == "text/html" and "№ 108008060" in html


def test_the_readings_reminder_is_sent_once_a_month_however_often_cron_runs(alice, alice_meter):
    run_on(local(2026, 11, 25, 9))
    run_on(local(2026, 11, 25, 21))
    run_on(local(2026, 11, 27))
    assert len(mail.outbox) == 1
    run_on(local(2026, 12, 25))
    assert len(mail.outbox) == 2
    assert mail.outbox[1].subject.endswith("декабрь 2026")


def test_a_reading_dated_this_month_means_no_reminder(alice, alice_meter):
    read(alice_meter, dt.date(2026, 11, 24))
    run_on(local(2026, 11, 25))
    assert mail.outbox == []


def test_a_contract_with_one_meter_unread_of_two_is_reminded_about_that_one(alice, alice_contract):
    done = make_meter(alice_contract, "111")
    make_meter(alice_contract, "222")
    read(done, dt.date(2026, 11, 25))
    run_on(local(2026, 11, 26))
    [message] = mail.outbox
    assert "№ 222" in message.body and "№ 111" not in message.body


def test_automatic_meters_need_no_reminder(alice, alice_contract):
    make_meter(alice_contract, "АИИСКУЭ-1", automatic=True)
    run_on(local(2026, 11, 25))
    assert mail.outbox == []


def test_each_contract_gets_its_own_reminder(alice, alice_meter, bob, bob_meter):
    read(bob_meter, dt.date(2026, 11, 25))
    run_on(local(2026, 11, 25, 12))
    assert [m.to for m in mail.outbox] == [["alice@example.ru"]]


def test_a_user_who_switched_the_reminder_off_gets_none(alice, alice_meter):
    switch_off(alice, "readings_reminder")
    run_on(local(2026, 11, 25))
    assert mail.outbox == []


def test_a_user_without_an_address_is_skipped(alice, alice_meter):
    alice.email = ""
    alice.save(update_fields=["email"])
    assert run_on(local(2026, 11, 25))["readings_reminder"]["queued"] == 0


# --- payment credited -----------------------------------------------------------


def pay(contract, day, amount="1500.00", number="п/п 17"):
    return LedgerEntry.objects.create(
        contract=contract, kind="payment", date=day, credit=Decimal(amount), doc_number=number
    )


def test_each_credited_payment_is_mailed_once(alice, alice_contract):
    with time_machine.travel(local(2026, 11, 10, 8), tick=False):
        first = pay(alice_contract, dt.date(2026, 11, 10), "12345.67")
    run_on(local(2026, 11, 10, 9))
    run_on(local(2026, 11, 10, 10))
    [message] = mail.outbox
    assert message.subject == "Платеж 12 345,67 руб. зачислен на лицевой счет"
    assert "от 10.11.2026 (п/п 17)" in message.body
    assert NotificationSent.objects.get().key == f"ledger-{first.pk}"
    with time_machine.travel(local(2026, 11, 11, 8), tick=False):
        pay(alice_contract, dt.date(2026, 11, 11), "100.00", "карта")
    run_on(local(2026, 11, 11, 9))
    assert len(mail.outbox) == 2
    assert mail.outbox[1].subject == "Платеж 100,00 руб. зачислен на лицевой счет"


def test_charges_and_payments_of_other_contracts_are_not_alices_mail(
    alice, alice_contract, bob, bob_contract
):
    with time_machine.travel(local(2026, 11, 10, 8), tick=False):
        LedgerEntry.objects.create(
            contract=alice_contract, kind="accrual", date=dt.date(2026, 10, 31), debit=Decimal("5")
        )
        pay(bob_contract, dt.date(2026, 11, 10))
    run_on(local(2026, 11, 10, 9))
    assert mails_to("alice@example.ru") == []
    assert len(mails_to("bob@example.ru")) == 1


def test_an_imported_history_of_old_payments_is_not_mailed(alice, alice_contract):
    with time_machine.travel(local(2026, 11, 10, 8), tick=False):
        pay(alice_contract, dt.date(2026, 6, 15))
    run_on(local(2026, 11, 10, 9))
    assert mail.outbox == []


def test_a_user_who_switched_payment_mail_off_gets_none(alice, alice_contract):
    switch_off(alice, "payment_credited")
    with time_machine.travel(local(2026, 11, 10, 8), tick=False):
        pay(alice_contract, dt.date(2026, 11, 10))
    run_on(local(2026, 11, 10, 9))
    assert mail.outbox == []


# --- overdue debt ---------------------------------------------------------------


def charge(contract, day, amount):
    return LedgerEntry.objects.create(
        contract=contract, kind="accrual", date=day, debit=Decimal(amount)
    )


def test_a_debt_after_the_18th_is_mailed_once_a_month(alice, alice_contract):
    charge(alice_contract, dt.date(2026, 10, 31), "50000.00")
    pay(alice_contract, dt.date(2026, 11, 5), "20000.00")
    run_on(local(2026, 11, 18, 20))
    assert mail.outbox == []
    run_on(local(2026, 11, 19))
    run_on(local(2026, 11, 19, 15))
    run_on(local(2026, 11, 25))
    overdue = [m for m in mail.outbox if "Задолженность" in m.subject]
    [message] = overdue
    assert message.subject == "Задолженность 30 000,00 руб.: срок оплаты 18.11.2026 прошел"
    assert "Оплата за октябрь 2026 должна была поступить до 18.11.2026" in message.body
    assert "http://127.0.0.1:8000/cabinet/payments/pay/" in message.body
    charge(alice_contract, dt.date(2026, 11, 30), "10000.00")
    run_on(local(2026, 12, 19))
    overdue = [m for m in mail.outbox if "Задолженность" in m.subject]
    assert len(overdue) == 2
    assert overdue[1].subject.startswith("Задолженность 40 000,00 руб.")


def test_a_debt_paid_by_the_due_date_is_not_mailed(alice, alice_contract):
    charge(alice_contract, dt.date(2026, 10, 31), "50000.00")
    pay(alice_contract, dt.date(2026, 11, 18), "50000.00")
    run_on(local(2026, 11, 19))
    assert [m for m in mail.outbox if "Задолженность" in m.subject] == []


def test_an_overpayment_is_no_debt(alice, alice_contract):
    pay(alice_contract, dt.date(2026, 10, 1), "100.00")
    assert run_on(local(2026, 11, 20))["overdue_debt"]["queued"] == 0


def test_a_user_who_switched_debt_mail_off_gets_none(alice, alice_contract):
    switch_off(alice, "overdue_debt")
    charge(alice_contract, dt.date(2026, 10, 31), "50000.00")
    assert run_on(local(2026, 11, 19))["overdue_debt"]["queued"] == 0


# --- new document (against the IssuedDocument protocol) ---------------------------


@dataclass
class FakeInvoice:
    """Stands for a documents-app model: what services.notifications.IssuedDocument asks."""

    pk: int
    contract_id: int
    issued_at: dt.datetime
    title: str

    def get_absolute_url(self) -> str:
        return f"/cabinet/documents/invoices/{self.pk}/"


ISSUED: list[FakeInvoice] = []


def issued_documents(since, until):
    return [doc for doc in ISSUED if since <= doc.issued_at <= until]


@pytest.fixture
def document_source(settings):
    settings.SERVICES_DOCUMENT_SOURCES = [f"{__name__}.issued_documents"]
    ISSUED.clear()
    yield ISSUED
    ISSUED.clear()


def test_each_new_document_is_mailed_once(alice, alice_contract, bob, document_source):
    document_source.append(
        FakeInvoice(
            5, alice_contract.pk, local(2026, 11, 10, 8), "Счет на оплату № 5 от 10.11.2026"
        )
    )
    run_on(local(2026, 11, 10, 9))
    run_on(local(2026, 11, 11, 9))
    [message] = mail.outbox
    assert message.to == ["alice@example.ru"]
    assert message.subject == "Выставлен документ: Счет на оплату № 5 от 10.11.2026"
    assert "http://127.0.0.1:8000/cabinet/documents/invoices/5/" in message.body
    assert NotificationSent.objects.get().key == "fakeinvoice-5"


def test_a_document_of_a_contract_that_switched_it_off_is_not_mailed(
    alice, alice_contract, document_source
):
    switch_off(alice, "new_document")
    document_source.append(FakeInvoice(6, alice_contract.pk, local(2026, 11, 10, 8), "Акт сверки"))
    assert run_on(local(2026, 11, 10, 9))["new_document"]["queued"] == 0


def test_without_a_document_source_the_rule_sends_nothing(alice):
    assert run_on(local(2026, 11, 10, 9))["new_document"]["queued"] == 0


# --- delivery ---------------------------------------------------------------------


def test_a_failed_smtp_server_delays_the_mail_in_the_outbox_and_it_goes_out_once(
    alice, alice_contract, monkeypatch, settings
):
    """Retrying is the outbox's work (core.mail): the next runs add nothing, the sweep sends."""
    from core import tasks
    from core.models import OutboxMail

    with time_machine.travel(local(2026, 11, 10, 8), tick=False):
        pay(alice_contract, dt.date(2026, 11, 10))

    def refuse(*args, **kwargs):
        raise OSError("connection refused")

    monkeypatch.setattr(EmailMultiAlternatives, "send", refuse)
    assert run_on(local(2026, 11, 10, 9))["payment_credited"]["queued"] == 1
    record = NotificationSent.objects.select_related("mail").get()
    assert record.mail.sent_at is None and record.mail.last_error == "OSError: connection refused"
    assert mail.outbox == []
    monkeypatch.undo()
    assert run_on(local(2026, 11, 10, 10))["payment_credited"] == {
        "queued": 0, "skipped": 1, "failed": 0
    }  # fmt: skip
    later = local(2026, 11, 10, 9) + settings.MAIL_CLAIM_TIMEOUT * 2
    with time_machine.travel(later, tick=False):
        assert tasks.send_pending_mail() == 1
        assert tasks.send_pending_mail() == 0
    [message] = mail.outbox
    assert message.subject == "Платеж 1 500,00 руб. зачислен на лицевой счет"
    assert OutboxMail.objects.get().name == "services/payment_credited"


def test_a_notice_recorded_by_an_earlier_or_parallel_run_is_skipped(alice, alice_meter):
    NotificationSent.objects.create(user=alice, kind="readings_reminder", key="2026-11")
    assert run_on(local(2026, 11, 25, 8))["readings_reminder"]["skipped"] == 1
    assert mail.outbox == []


def test_a_template_error_records_nothing_and_the_next_run_tries_again(
    alice, alice_meter, monkeypatch
):
    from services import notifications

    def broken(*args, **kwargs):
        raise ValueError("template broken")

    monkeypatch.setattr(notifications, "render_to_string", broken)
    assert run_on(local(2026, 11, 25, 8))["readings_reminder"]["failed"] == 1
    assert not NotificationSent.objects.exists() and mail.outbox == []
    monkeypatch.undo()
    assert run_on(local(2026, 11, 25, 9))["readings_reminder"]["queued"] == 1
    assert len(mail.outbox) == 1


def test_the_record_and_its_mail_roll_back_together(alice, alice_meter):
    from django.db import transaction

    from core.models import OutboxMail
    from services.notifications import readings_reminder

    [notice] = readings_reminder(dt.date(2026, 11, 25), local(2026, 11, 25))
    with pytest.raises(RuntimeError), transaction.atomic():
        notify(notice)
        assert NotificationSent.objects.exists() and OutboxMail.objects.exists()
        raise RuntimeError("the caller's change failed")
    assert not NotificationSent.objects.exists() and not OutboxMail.objects.exists()


def test_the_once_only_row_is_unique_in_the_database(alice):
    from django.db import IntegrityError, transaction

    NotificationSent.objects.create(user=alice, kind="overdue_debt", key="2026-11")
    with pytest.raises(IntegrityError), transaction.atomic():
        NotificationSent.objects.create(user=alice, kind="overdue_debt", key="2026-11")


def test_finding_reminders_and_writing_the_mails_costs_no_query_per_contract(
    kemerovo, django_assert_num_queries
):
    from conftest import make_contract, make_user
    from services.notifications import build_message, readings_reminder

    for n in range(3):
        contract = make_contract(kemerovo, f"30{n}", inn="4205000016")
        make_user(contract, "Pass-2026-word", email=f"c{n}@example.ru")
        make_meter(contract, f"M{n}")
    with django_assert_num_queries(1):
        notices = list(readings_reminder(dt.date(2026, 11, 25), local(2026, 11, 25)))
    with django_assert_num_queries(0):
        messages = [build_message(notice) for notice in notices]
    assert sorted(m.to[0] for m in messages) == ["c0@example.ru", "c1@example.ru", "c2@example.ru"]


def test_the_debt_rule_costs_one_balance_query_per_candidate_and_none_to_write(
    alice, alice_contract, django_assert_num_queries
):
    from services.notifications import build_message, overdue_debt

    charge(alice_contract, dt.date(2026, 10, 31), "10.00")
    with django_assert_num_queries(2):
        notices = list(overdue_debt(dt.date(2026, 11, 20), local(2026, 11, 20)))
    with django_assert_num_queries(0):
        build_message(notices[0])
