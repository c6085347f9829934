"""manage.py import_documents: whole documents, sums checked to the kopeck, issued once."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from documents.models import Document

HEADER = ("city;contract_number;kind;number;date;period;corrects_number;corrects_date;line_no;name;"
          "quantity;price;amount_net;vat_rate;vat;amount;quantity_before;price_before;"
          "amount_net_before;vat_before;amount_before\n")  # fmt: skip

# A VAT invoice of two lines, an advance invoice, and a correction of the VAT invoice.
GOOD = (
    "Кемерово;1001;vat_invoice;123;31.10.2026;2026-10;;;1;Электроэнергия;1000;8,4275;8427,50;22;1854,05;10281,55;;;;;\n"
    "Кемерово;1001;vat_invoice;123;31.10.2026;2026-10;;;2;Услуги по передаче;333,333;1,5;500,00;22;110,00;610,00;;;;;\n"
    "kemerovo;1001;invoice;А-5;01.11.2026;2026-11;;;1;Аванс 30 %;300;8,4275;2528,25;22;556,22;3084,47;;;;;\n"
    "Кемерово;1001;correction;К-1;10.11.2026;2026-10;123;31.10.2026;1;Электроэнергия;1120;8,4275;9438,80;22;2076,54;11515,34;1000;8,4275;8427,50;1854,05;10281,55\n"
)  # fmt: skip


def write(tmp_path, body, name="docs.csv"):
    path = tmp_path / name
    path.write_text(HEADER + body, encoding="utf-8")
    return path


def run(path, *args):
    call_command("import_documents", str(path), *args)


def test_it_issues_each_document_with_its_lines_and_totals(alice_contract, tmp_path, capsys):
    run(write(tmp_path, GOOD))
    assert "Создано: 3" in capsys.readouterr().out
    invoice = Document.objects.get(kind="vat_invoice", number="123")
    assert (invoice.amount_net, invoice.vat, invoice.amount) == (
        Decimal("8927.50"),
        Decimal("1964.05"),
        Decimal("10891.55"),
    )
    assert [line.name for line in invoice.lines.all()] == ["Электроэнергия", "Услуги по передаче"]
    assert invoice.buyer["inn"] == "4205000016" and invoice.seller["inn"] == "4205109750"
    assert invoice.seller["bik"]
    correction = Document.objects.get(kind="correction")
    assert correction.corrects == invoice
    assert correction.amount == Decimal("1233.79")
    assert correction.lines.get().quantity_before == Decimal("1000")


def test_loading_the_same_file_again_changes_nothing(alice_contract, tmp_path, capsys):
    path = write(tmp_path, GOOD)
    run(path)
    run(path)
    assert "Создано: 0, обновлено: 0, без изменений: 3" in capsys.readouterr().out
    assert Document.objects.count() == 3


def test_an_issued_document_cannot_be_loaded_with_other_figures(alice_contract, tmp_path, capsys):
    run(write(tmp_path, GOOD))
    changed = GOOD.replace("Электроэнергия;1000;", "Электроэнергия (испр.);1000;", 1)
    path = write(tmp_path, changed, "again.csv")
    with pytest.raises(CommandError, match="Ничего не записано"):
        run(path)
    assert (
        f"{path}:2: number: документ № 123 от 31.10.2026 уже выпущен с другими данными; "
        "изменение оформляется корректировочным счетом-фактурой"
    ) in capsys.readouterr().err
    assert Document.objects.get(number="123").lines.get(line_no=1).name == "Электроэнергия"


def test_an_issued_document_cannot_lose_a_line(alice_contract, tmp_path, capsys):
    run(write(tmp_path, GOOD))
    path = write(tmp_path, GOOD.splitlines(keepends=True)[0], "short.csv")
    with pytest.raises(CommandError):
        run(path)
    assert (
        f"{path}:2: line_no: документ № 123 уже выпущен с 2 строками, в файле 1"
        in capsys.readouterr().err
    )


@pytest.mark.parametrize(
    ("row", "error"),
    [
        ("Кемерово;1001;vat_invoice;9;31.10.2026;2026-10;;;1;Э;1000;8,4275;8427,51;22;1854,05;10281,56;;;;;",
         "amount_net: 8427.51 не равно количество × цена (1000.000 × 8.42750 = 8427.50000)"),
        ("Кемерово;1001;vat_invoice;9;31.10.2026;2026-10;;;1;Э;1000;8,4275;8427,50;22;1854,04;10281,54;;;;;",
         "vat: 1 854,04, а НДС 22 % от 8 427,50 — 1 854,05"),
        ("Кемерово;1001;vat_invoice;9;31.10.2026;2026-10;;;1;Э;1000;8,4275;8427,50;22;1854,05;10281,50;;;;;",
         "amount: 10281.50 не равно 8427.50 + 1854.05 = 10281.55"),
        ("Кемерово;1001;vat_invoice;9;31.10.2026;2026-10;;;1;Э;1000;8,4275;8427,50;20;1685,50;10113,00;;;;;",
         "vat_rate: 20.00% — за 10.2026 ставка НДС 22% (ставка определяется периодом поставки)"),
        ("Кемерово;9999;vat_invoice;9;31.10.2026;2026-10;;;1;Э;1;1;1,00;22;0,22;1,22;;;;;",
         "contract_number: договор № 9999 в г. Кемерово не найден"),
        ("Москва;1001;vat_invoice;9;31.10.2026;2026-10;;;1;Э;1;1;1,00;22;0,22;1,22;;;;;",
         "city: «Москва» — нет такого города (Березовский или Кемерово)"),
        ("Кемерово;1001;correction;К-2;10.11.2026;2026-10;555;31.10.2026;1;Э;1;1;1,00;22;0,22;1,22;1;1;1,00;0,22;1,22",
         "corrects_number: счет-фактура № 555 от 31.10.2026 по этому договору не найден "
         "(он должен быть загружен раньше или стоять в файле выше)"),
        ("Кемерово;1001;vat_invoice;9;31.10.2026;2026-10;555;;1;Э;1;1;1,00;22;0,22;1,22;;;;;",
         "corrects_number: заполняется только у корректировки (kind=correction)"),
        ("Кемерово;1001;act;9;31.10.2026;2026-10;;;1;Э;1;1;1,00;22;0,22;1,22;;;;;",
         "kind: «act» — допустимо: invoice, vat_invoice, correction"),
    ],
)  # fmt: skip
def test_a_bad_row_is_reported_as_file_line_column_reason_and_nothing_is_written(
    alice_contract, tmp_path, capsys, row, error
):
    path = write(tmp_path, GOOD + row + "\n")
    with pytest.raises(CommandError, match="Ничего не записано"):
        run(path)
    assert f"{path}:6: {error}" in capsys.readouterr().err.splitlines()
    assert not Document.objects.exists()


def test_a_correction_before_its_invoice_in_the_file_is_refused(alice_contract, tmp_path, capsys):
    lines = GOOD.splitlines(keepends=True)
    path = write(tmp_path, lines[3] + lines[0] + lines[1])
    with pytest.raises(CommandError):
        run(path)
    assert f"{path}:2: corrects_number:" in capsys.readouterr().err


def test_rows_of_one_document_must_agree_on_its_header(alice_contract, tmp_path, capsys):
    lines = GOOD.splitlines(keepends=True)
    path = write(tmp_path, lines[0] + lines[1].replace(";2026-10;", ";2026-09;"))
    with pytest.raises(CommandError):
        run(path)
    assert "расходится со строкой 2 того же документа" in capsys.readouterr().err


def test_a_repeated_line_is_reported(alice_contract, tmp_path, capsys):
    lines = GOOD.splitlines(keepends=True)
    path = write(tmp_path, lines[0] + lines[0])
    with pytest.raises(CommandError):
        run(path)
    assert f"{path}:3: -: повторяет строку 2" in capsys.readouterr().err


def test_a_january_2026_document_for_december_2025_supply_is_at_20_percent(
    alice_contract, tmp_path
):
    row = "Кемерово;1001;vat_invoice;1;15.01.2026;2025-12;;;1;Э;1000;8,4275;8427,50;20;1685,50;10113,00;;;;;\n"
    fix = "Кемерово;1001;correction;К-1;20.02.2026;2025-12;1;15.01.2026;1;Э;900;8,4275;7584,75;20;1516,95;9101,70;1000;8,4275;8427,50;1685,50;10113,00\n"
    run(write(tmp_path, row + fix))
    invoice = Document.objects.get(kind="vat_invoice")
    assert invoice.vat == Decimal("1685.50") and invoice.date == dt.date(2026, 1, 15)
    assert Document.objects.get(kind="correction").vat == Decimal("-168.55")


def test_quantity_times_price_may_miss_the_net_only_by_the_price_rounding(alice_contract, tmp_path):
    # 7 × 1.428571 = 9.999997: the billing system's net 10.00 with a price rounded to 6 → 5 places.
    row = (
        "Кемерово;1001;vat_invoice;5;31.10.2026;2026-10;;;1;Э;7;1,42857;10,00;22;2,20;12,20;;;;;\n"
    )
    run(write(tmp_path, row))
    assert Document.objects.get(number="5").amount == Decimal("12.20")


def test_dry_run_writes_nothing(alice_contract, tmp_path, capsys):
    run(write(tmp_path, GOOD), "--dry-run")
    assert "ошибок нет" in capsys.readouterr().out
    assert not Document.objects.exists()


def test_xlsx_is_read_as_well(alice_contract, tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(HEADER.strip().split(";"))
    book.active.append(["Кемерово", "1001", "vat_invoice", "77", dt.date(2026, 10, 31), "2026-10", None, None,
                        1, "Электроэнергия", 1000, 8.4275, 8427.5, 22, 1854.05, 10281.55])  # fmt: skip
    path = tmp_path / "docs.xlsx"
    book.save(path)
    run(path)
    assert Document.objects.get(number="77").amount == Decimal("10281.55")
