import datetime as dt
import tempfile
from decimal import Decimal

import pytest
from django.contrib.admin.models import LogEntry
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.urls import reverse

from billing.models import Contract, ImportBatch, KeyRate, LedgerEntry

UPLOAD = reverse("admin:billing_upload")
CONTRACTS = (
    "city;contract_number;contract_date;customer_name;inn;kpp;address;price_category;"
    "voltage_level;max_power_kw\n"
    "Кемерово;3003;15.01.2020;ООО «Альфа»;4205000016;420501001;ул. Мира, 5;1;НН;150\n"
)


@pytest.fixture
def staff_client(client, stella):
    client.force_login(stella)
    return client


def upload(client, text, kind="contracts", name="contracts.csv", **extra):
    """Post the file and follow to the batch's page; the task runs once the upload commits
    (eagerly here: no REDIS_URL)."""
    data = {"kind": kind, "file": SimpleUploadedFile(name, text.encode()), **extra}
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(UPLOAD, data)
    assert response.status_code == 302
    batch = ImportBatch.objects.latest("pk")
    assert response["Location"] == reverse("admin:billing_importbatch_change", args=[batch.pk])
    return client.get(response["Location"])


def test_the_changelists_offer_the_upload(staff_client):
    for name in ("admin:billing_contract_changelist", "admin:billing_ledgerentry_changelist"):
        assert UPLOAD in staff_client.get(reverse(name)).content.decode()


def test_staff_upload_runs_the_same_import_and_records_who(staff_client, stella):
    text = upload(staff_client, CONTRACTS).content.decode()
    assert "Создано: 1, обновлено: 0, без изменений: 0, отклонено: 0." in text
    assert Contract.objects.filter(number="3003").exists()
    batch = ImportBatch.objects.get()
    assert (batch.user, batch.file_name, batch.created) == (stella, "contracts.csv", 1)
    assert (batch.status, batch.rows_checked) == ("done", 1)
    assert batch.upload.read().decode() == CONTRACTS


def test_a_bad_upload_lists_each_row_with_the_files_own_name_and_writes_nothing(staff_client):
    bad = (
        CONTRACTS
        + CONTRACTS.splitlines()[1].replace("3003", "3004").replace("4205000016", "1")
        + "\n"
    )
    text = upload(staff_client, bad).content.decode()
    assert "contracts.csv:3: inn: ИНН должен содержать 10 цифр" in text
    assert tempfile.gettempdir() not in text
    assert not Contract.objects.exists()
    assert ImportBatch.objects.get().status == "failed"


def test_dry_run_from_the_admin_writes_nothing(staff_client):
    text = upload(staff_client, CONTRACTS, dry_run="on").content.decode()
    assert "ошибок нет" in text and not Contract.objects.exists()


def test_the_upload_page_answers_before_the_import_runs(staff_client, stella):
    """With a worker the request only stores the file and queues the task."""
    data = {"kind": "contracts", "file": SimpleUploadedFile("contracts.csv", CONTRACTS.encode())}
    with TestCase.captureOnCommitCallbacks(execute=False) as callbacks:
        response = staff_client.post(UPLOAD, data)
    assert response.status_code == 302 and len(callbacks) == 1
    batch = ImportBatch.objects.get()
    assert batch.status == "queued" and not Contract.objects.exists()
    page = staff_client.get(response["Location"]).content.decode()
    assert 'http-equiv="refresh"' in page and "в очереди" in page
    callbacks[0]()
    batch.refresh_from_db()
    assert batch.status == "done" and Contract.objects.filter(number="3003").exists()
    assert 'http-equiv="refresh"' not in staff_client.get(response["Location"]).content.decode()


def test_a_second_delivery_of_the_upload_task_imports_nothing_again(staff_client):
    from billing import uploads

    upload(staff_client, CONTRACTS)
    batch = ImportBatch.objects.get()
    assert uploads.run(batch.pk) == "done"
    batch.refresh_from_db()
    assert batch.created == 1 and Contract.objects.count() == 1


def test_a_customer_cannot_reach_the_upload(alice_client):
    assert alice_client.get(UPLOAD).status_code == 302  # to the admin login


@pytest.fixture
def locked_entry(alice_contract):
    return LedgerEntry.objects.create(
        contract=alice_contract, kind="accrual", date=dt.date(2026, 10, 31), period=dt.date(2026, 10, 1),
        doc_number="Р-10", debit=Decimal("1000.00"), is_locked=True,
    )  # fmt: skip


def test_an_entry_with_an_issued_document_is_read_only_and_offers_a_correction(
    staff_client, locked_entry
):
    url = reverse("admin:billing_ledgerentry_change", args=[locked_entry.pk])
    text = staff_client.get(url).content.decode()
    assert 'name="debit"' not in text
    assert "Создать корректировку к этой записи" in text and "kind=correction" in text
    staff_client.post(url, {"debit": "1.00"})
    locked_entry.refresh_from_db()
    assert locked_entry.debit == Decimal("1000.00")
    delete = reverse("admin:billing_ledgerentry_delete", args=[locked_entry.pk])
    assert staff_client.post(delete, {"post": "yes"}).status_code == 403
    assert LedgerEntry.objects.filter(pk=locked_entry.pk).exists()


def test_a_staff_correction_records_who_and_when(staff_client, stella, alice_contract):
    response = staff_client.post(
        reverse("admin:billing_ledgerentry_add"),
        {"contract": alice_contract.pk, "kind": "correction", "date": "01.11.2026",
         "period": "01.10.2026", "doc_number": "К-1", "debit": "0", "credit": "150.00",
         "description": "Перерасчет за октябрь", "purpose": "energy"},
    )  # fmt: skip
    assert response.status_code == 302
    entry = LedgerEntry.objects.get(doc_number="К-1")
    assert (entry.source, entry.created_by, entry.updated_by) == ("staff", stella, stella)
    log = LogEntry.objects.get(object_id=str(entry.pk))
    assert log.user == stella and log.action_time is not None


def test_both_debit_and_credit_is_refused_in_the_form(staff_client, alice_contract):
    response = staff_client.post(
        reverse("admin:billing_ledgerentry_add"),
        {"contract": alice_contract.pk, "kind": "correction", "date": "01.11.2026",
         "debit": "1.00", "credit": "1.00"},
    )  # fmt: skip
    assert "одна операция — одна сторона" in response.content.decode()
    assert not LedgerEntry.objects.exists()


def test_staff_add_a_key_rate(staff_client):
    response = staff_client.post(
        reverse("admin:billing_keyrate_add"), {"valid_from": "01.12.2026", "rate": "14.50"}
    )
    assert response.status_code == 302
    assert KeyRate.objects.get(valid_from=dt.date(2026, 12, 1)).rate == Decimal("14.50")


def test_staff_cannot_save_category_1_at_1000_kw(staff_client, alice_contract):
    url = reverse("admin:billing_contract_change", args=[alice_contract.pk])
    response = staff_client.post(
        url,
        {"branch": alice_contract.branch_id, "number": alice_contract.number,
         "date": "01.03.2018", "customer": alice_contract.customer_id, "address": "",
         "price_category": "1", "voltage_level": "НН", "max_power_kw": "1000"},
    )  # fmt: skip
    assert response.status_code == 200
    assert (
        "При максимальной мощности 670 кВт и более доступны только категории 3–6."
        in response.content.decode()
    )
    alice_contract.refresh_from_db()
    assert (alice_contract.price_category, alice_contract.max_power_kw) != (1, Decimal("1000"))


def test_staff_may_save_category_3_at_1000_kw(staff_client, alice_contract):
    url = reverse("admin:billing_contract_change", args=[alice_contract.pk])
    response = staff_client.post(
        url,
        {"branch": alice_contract.branch_id, "number": alice_contract.number,
         "date": "01.03.2018", "customer": alice_contract.customer_id, "address": "",
         "price_category": "3", "voltage_level": "НН", "max_power_kw": "1000",
         "consumer_kind": "other"},
    )  # fmt: skip
    assert response.status_code == 302
    alice_contract.refresh_from_db()
    assert (alice_contract.price_category, alice_contract.max_power_kw) == (3, Decimal("1000"))


def test_the_upload_task_has_a_time_limit(settings):
    """Issue 23 (Medium 4): an operator's file in the admin runs in the worker with a limit."""
    from billing import tasks

    assert tasks.run_upload.soft_time_limit == settings.IMPORT_SOFT_TIME_LIMIT == 1800
    assert tasks.run_upload.time_limit == settings.IMPORT_TIME_LIMIT == 1900
    assert tasks.run_upload.acks_late


def test_an_upload_past_the_soft_time_limit_writes_nothing_and_says_so(staff_client, monkeypatch):
    from celery.exceptions import SoftTimeLimitExceeded

    from billing import importers

    original = None

    def slow_write(self, records):
        # The limit strikes after the first batch is written: its transaction rolls back.
        original(self, records)
        assert Contract.objects.exists()
        raise SoftTimeLimitExceeded()

    importer = importers.IMPORTS["contracts"][1]
    original = importer.write_batch
    monkeypatch.setattr(importer, "write_batch", slow_write)
    page = upload(staff_client, CONTRACTS).content.decode()
    batch = ImportBatch.objects.get()
    assert batch.status == "failed"
    assert "Загрузка шла дольше 30 мин. и остановлена: ничего не записано." in batch.report
    assert "ничего не записано" in page
    assert not Contract.objects.exists()
