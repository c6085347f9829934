"""The three sections of issued documents: lists by period, a document's page, ownership."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from documents.models import Document
from documents.tests.factories import make_correction, make_invoice, make_vat_invoice


def test_vat_invoices_are_listed_newest_first(alice_client, alice_contract):
    for month in (8, 10, 9):
        make_vat_invoice(alice_contract, number=f"СФ-{month}", date=dt.date(2026, month, 28),
                         period=dt.date(2026, month, 1))  # fmt: skip
    text = alice_client.get(reverse("documents:vat_invoices")).content.decode()
    assert text.index("СФ-10") < text.index("СФ-9") < text.index("СФ-8")


def test_the_list_shows_only_the_sections_kind_and_the_sessions_contract(
    alice_client, alice_contract, bob_contract
):
    make_vat_invoice(alice_contract, number="СФ-АЛИСА")
    make_invoice(alice_contract, number="СЧЕТ-АЛИСА")
    make_vat_invoice(bob_contract, number="СФ-БОБ")
    text = alice_client.get(reverse("documents:vat_invoices")).content.decode()
    assert "СФ-АЛИСА" in text
    assert "СЧЕТ-АЛИСА" not in text and "СФ-БОБ" not in text
    assert "СЧЕТ-АЛИСА" in alice_client.get(reverse("documents:invoices")).content.decode()


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"year": "2026", "month": "2"}, {"2026-02"}),
        ({"year": "2026", "quarter": "1"}, {"2026-01", "2026-02", "2026-03"}),
        ({"year": "2025"}, {"2025-12"}),
        ({}, {"2025-12", "2026-01", "2026-02", "2026-03", "2026-04"}),
    ],
)
def test_the_list_filters_by_month_quarter_or_year_of_supply(
    alice_client, alice_contract, query, expected
):
    for period in ("2025-12", "2026-01", "2026-02", "2026-03", "2026-04"):
        first = dt.date.fromisoformat(period + "-01")
        make_vat_invoice(alice_contract, number=f"N{period}", date=first, period=first)
    text = alice_client.get(reverse("documents:vat_invoices"), query).content.decode()
    shown = {p for p in ("2025-12", "2026-01", "2026-02", "2026-03", "2026-04") if f"N{p}<" in text}
    assert shown == expected


def test_a_month_outside_the_chosen_quarter_is_an_error_next_to_the_field(
    alice_client, alice_contract
):
    make_vat_invoice(alice_contract)
    response = alice_client.get(
        reverse("documents:vat_invoices"), {"year": "2026", "quarter": "1", "month": "5"}
    )
    text = response.content.decode()
    assert "Месяц не входит в выбранный квартал." in text
    assert 'value="5" selected' in text


def _list_queries(django_assert_num_queries, client, url):
    client.get(url)  # the first request of a session also refreshes its activity stamp
    # session, user with its contract; then the years, the count and one page of documents
    with django_assert_num_queries(6):
        assert client.get(url).status_code == 200


@pytest.mark.parametrize("count", [1, 30])
def test_list_queries_do_not_grow_with_the_number_of_documents(
    alice_client, alice_contract, django_assert_num_queries, count
):
    for n in range(count):
        invoice = make_vat_invoice(alice_contract, number=f"СФ-{n}")
        make_correction(alice_contract, invoice, number=f"К-{n}")
    for name in ("documents:vat_invoices", "documents:corrections"):
        _list_queries(django_assert_num_queries, alice_client, reverse(name))


def test_vat_invoice_page_holds_every_field_of_the_statutory_form(alice_client, alice_contract):
    invoice = make_vat_invoice(alice_contract, number="123", quantities=(("1000", "8.4275"),))
    text = alice_client.get(
        reverse("documents:vat_invoices_detail", args=[invoice.pk])
    ).content.decode()
    for expected in (
        "Счет-фактура № 123 от 31.10.2026",
        "Исправление № — от —",
        "ИНН/КПП продавца:</th><td>4205109750/420501001",
        "Грузоотправитель и его адрес:</th><td>он же",
        "Грузополучатель и его адрес:",
        "К платежно-расчетному документу:",
        "Документ об отгрузке:",
        "ИНН/КПП покупателя:</th><td>4205000016/420501001",
        "Российский рубль, 643",
        "Идентификатор государственного контракта",
        "<td>245</td>",
        "<td>кВт·ч</td>",
        "без акциза",
        "22%",
        "8 427,50",  # 1000 × 8.4275
        "1 854,05",  # 22 % of it
        "10 281,55",
        "Десять тысяч двести восемьдесят один рубль 55 копеек",
        "Главный бухгалтер или иное уполномоченное лицо",
    ):
        assert expected in text, expected


def test_vat_follows_the_period_of_supply_not_the_document_date(alice_client, alice_contract):
    invoice = make_vat_invoice(
        alice_contract, number="1", date=dt.date(2026, 1, 15), period=dt.date(2025, 12, 1)
    )
    line = invoice.lines.get()
    assert line.vat_rate == Decimal("20.00")
    assert invoice.vat == Decimal("1685.50")
    text = alice_client.get(
        reverse("documents:vat_invoices_detail", args=[invoice.pk])
    ).content.decode()
    assert "20%" in text and "22%" not in text


def test_invoice_page_has_bank_details_and_the_amount_in_words(
    alice_client, alice_contract, settings
):
    invoice = make_invoice(alice_contract, number="А-77", quantities=(("1500", "8.4275"),))
    text = alice_client.get(
        reverse("documents:invoices_detail", args=[invoice.pk])
    ).content.decode()
    bank = settings.SUPPLIER_BANK
    for expected in (bank["bank"], bank["bik"], bank["account"], bank["corr_account"],
                     "Счет на оплату № А-77", "Всего к оплате:",
                     "Пятнадцать тысяч четыреста двадцать два рубля 33 копейки"):  # fmt: skip
        assert expected in text, expected


def test_correction_page_shows_before_after_and_the_change(alice_client, alice_contract):
    invoice = make_vat_invoice(alice_contract, number="123")
    correction = make_correction(alice_contract, invoice, number="К-9", after=("900", "8.4275"))
    assert correction.amount == Decimal("-1028.15")  # the difference of the rounded states
    text = alice_client.get(
        reverse("documents:corrections_detail", args=[correction.pk])
    ).content.decode()
    for expected in ("к счету-фактуре № 123 от 31.10.2026", "А (до изменения)", "Б (после изменения)",
                     "В (увеличение)", "Г (уменьшение)", "Всего увеличение (сумма строк В)",
                     "Всего уменьшение (сумма строк Г)", "1 000,000", "900,000", "100,000",
                     "842,75", "185,40", "1 028,15", "Всего к уменьшению"):  # fmt: skip
        assert expected in text, expected


def test_another_contracts_document_is_404_on_every_url(bob_client, alice_contract):
    invoice = make_vat_invoice(alice_contract)
    for name in ("documents:vat_invoices_detail", "documents:vat_invoices_pdf"):
        assert bob_client.get(reverse(name, args=[invoice.pk])).status_code == 404


def test_a_document_under_another_sections_url_is_404(alice_client, alice_contract):
    invoice = make_vat_invoice(alice_contract)
    assert (
        alice_client.get(reverse("documents:invoices_detail", args=[invoice.pk])).status_code == 404
    )


def test_issued_documents_refuse_changes(alice_contract):
    from documents.models import ImmutableError

    invoice = make_vat_invoice(alice_contract)
    invoice.number = "999"
    with pytest.raises(ImmutableError):
        invoice.save()
    line = invoice.lines.get()
    line.quantity = Decimal(1)
    with pytest.raises(ImmutableError):
        line.save()
    with pytest.raises(ImmutableError):
        Document.objects.get(pk=invoice.pk).delete()
    assert Document.objects.get(pk=invoice.pk).number == "123"


def test_only_a_correction_refers_to_a_corrected_invoice(alice_contract):
    from django.db import IntegrityError

    invoice = make_vat_invoice(alice_contract)
    with pytest.raises(IntegrityError):
        make_vat_invoice(alice_contract, number="124", corrects=invoice)
