"""The documents sections in a real browser: open each section, a document, its PDF."""

import datetime as dt
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from billing.models import LedgerEntry
from conftest import ALICE_PASSWORD, browser_login
from documents.tests.factories import make_correction, make_invoice, make_vat_invoice
from meters.models import DeliveryPoint, Meter, Reading

pytestmark = pytest.mark.browser


@pytest.fixture
def alice_documents(alice, alice_contract):
    invoice = make_vat_invoice(alice_contract, number="123")
    make_invoice(alice_contract, number="А-5")
    make_correction(alice_contract, invoice, number="К-1")
    LedgerEntry.objects.create(contract=alice_contract, kind="accrual", date=dt.date(2026, 10, 31),
                               debit=Decimal("10281.55"), doc_number="123")  # fmt: skip
    point = DeliveryPoint.objects.create(
        contract=alice_contract, code="ТП-1", address="ул. Мира, 1"
    )
    meter = Meter.objects.create(
        delivery_point=point, number="108008060", model="СКАТ 101Э/1-3 ШР1"
    )
    for day, value in ((dt.date(2026, 9, 30), "36000"), (dt.date(2026, 10, 31), "36156")):
        Reading.objects.create(meter=meter, date=day, value=Decimal(value))


def _download(page, link):
    with page.expect_download() as info:
        link.click()
    download = info.value
    assert download.path().read_bytes().startswith(b"%PDF")
    return download.suggested_filename


@pytest.mark.parametrize(
    ("menu_label", "number", "file_name"),
    [
        ("Счет на оплату", "А-5", "schet_a-5_2026-10.pdf"),
        ("Счет фактура (реализация)", "123", "schet-faktura_123_2026-10.pdf"),
        ("Корректировочный счет-фактура", "К-1", "korrektirovochnyj-schet-faktura_k-1_2026-10.pdf"),
    ],
)
def test_open_a_section_a_document_and_download_its_pdf(
    page, alice_documents, menu_label, number, file_name
):
    browser_login(page, "г. Кемерово", "1001", ALICE_PASSWORD)
    menu = page.get_by_role("navigation", name="Разделы личного кабинета")
    menu.get_by_role("link", name=menu_label, exact=True).click()
    expect(menu.locator("li.active")).to_have_text(menu_label)
    page.get_by_role("link", name=f"№ {number}", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"№ {number}")
    expect(menu.locator("li.active")).to_have_text(menu_label)
    assert _download(page, page.get_by_role("link", name="Скачать PDF")) == file_name


def test_reconciliation_for_chosen_months_and_its_pdf(page, alice_documents):
    browser_login(page, "г. Кемерово", "1001", ALICE_PASSWORD)
    page.get_by_role("link", name="Акт сверки").click()
    page.get_by_label("Период с").fill("2026-10")
    page.get_by_label("Период по").fill("2026-10")
    page.get_by_role("button", name="Сформировать").click()
    expect(
        page.get_by_text("задолженность в пользу ООО «ЭССК» составляет 10 281,55 руб.")
    ).to_be_visible()
    assert (
        _download(page, page.get_by_role("link", name="Скачать PDF"))
        == "akt-sverki_1001_2026-10.pdf"
    )


def test_consumption_as_html_then_as_pdf(page, alice_documents):
    browser_login(page, "г. Кемерово", "1001", ALICE_PASSWORD)
    page.get_by_role("link", name="Расшифровка потребления Э/Э").click()
    page.get_by_label("Период с").fill("2026-10")
    page.get_by_label("Период по").fill("2026-10")
    page.get_by_label("html-страница").check()
    page.get_by_role("button", name="Сформировать").click()
    expect(page.get_by_role("cell", name="108008060")).to_be_visible()
    page.get_by_label("pdf-документ").check()
    assert _download(page, page.get_by_role("button", name="Сформировать")) == (
        "rasshifrovka-potrebleniya_1001_2026-10.pdf"
    )
