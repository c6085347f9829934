import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import Workbook

from billing.models import Contract, Customer, ImportBatch

HEADER = (
    "city;contract_number;contract_date;customer_name;inn;kpp;address;price_category;"
    "voltage_level;max_power_kw;comment\n"
)
ALFA = "Кемерово;3003;15.01.2020;ООО «Альфа»;4205000016;420501001;г. Кемерово, ул. Мира, 5;1;НН;150,5;x\n"
IVANOV = "г. Березовский;0001с;2020-01-20;ИП Иванов И. И.;420500001006;;пр-кт Ленина, 14;2;НН;15;\n"


def write(tmp_path, *rows, name="contracts.csv", bom=True):
    path = tmp_path / name
    path.write_bytes(("\ufeff" if bom else "").encode() + (HEADER + "".join(rows)).encode())
    return path


def run(path, *args):
    call_command("import_contracts", str(path), *args)


def test_it_creates_customers_and_contracts_and_says_how_many(db, tmp_path, capsys):
    run(write(tmp_path, ALFA, IVANOV))
    alfa = Contract.objects.select_related("customer", "branch").get(number="3003")
    assert (alfa.branch.name, alfa.customer.name, alfa.customer.kpp) == (
        "Кемерово",
        "ООО «Альфа»",
        "420501001",
    )
    assert str(alfa.max_power_kw) == "150.500" and alfa.voltage_level == "НН"
    ivanov = Contract.objects.get(number="0001с", branch__code="berezovsky")
    assert ivanov.customer.kpp == "" and ivanov.price_category == 2
    out = capsys.readouterr().out
    assert "Создано: 2, обновлено: 0, без изменений: 0, отклонено: 0." in out


def test_a_second_run_of_the_same_file_changes_nothing(db, tmp_path, capsys):
    path = write(tmp_path, ALFA, IVANOV)
    run(path)
    run(path)
    assert Contract.objects.count() == 2 and Customer.objects.count() == 2
    assert "Создано: 0, обновлено: 0, без изменений: 2" in capsys.readouterr().out


def test_a_row_with_the_same_key_updates_the_contract_in_place(db, tmp_path, capsys):
    run(write(tmp_path, ALFA))
    changed = ALFA.replace(";1;НН;150,5;", ";2;СН2;150,5;").replace(
        "ООО «Альфа»", "ООО «Альфа-Плюс»"
    )
    run(write(tmp_path, changed))
    contract = Contract.objects.get(number="3003")
    assert (contract.price_category, contract.voltage_level) == (2, "СН2")
    assert contract.customer.name == "ООО «Альфа-Плюс»"
    assert Customer.objects.count() == 1
    assert "обновлено: 1" in capsys.readouterr().out


def test_each_bad_row_is_reported_as_file_line_column_reason_and_nothing_is_written(
    db, tmp_path, capsys
):
    path = write(
        tmp_path,
        ALFA,
        ALFA.replace("Кемерово;3003", "Новосибирск;3004"),
        ALFA.replace("3003", "3005").replace("4205000016", "4205000017"),
        ALFA.replace("3003", "3006").replace(";420501001;", ";;"),
        ALFA.replace("3003", "3007").replace(";1;НН;150,5;", ";1;НН;700;"),
        ALFA.replace("3003", "3008").replace(";1;НН;", ";7;НН;"),
        ALFA.replace("3003", "3009").replace(";НН;", ";НН2;"),
        ALFA.replace("3003", "3010").replace("15.01.2020", "32.01.2020"),
        ALFA,
    )
    with pytest.raises(CommandError, match="Строк с ошибками: 8 из 9. Ничего не записано."):
        run(path)
    err = capsys.readouterr().err.splitlines()
    assert err == [
        f"{path}:3: city: «Новосибирск» — нет такого города (Березовский или Кемерово)",
        f"{path}:4: inn: ИНН указан неверно: не сходится контрольное число.",
        f"{path}:5: kpp: У организации (ИНН из 10 цифр) должен быть КПП.",
        f"{path}:6: price_category: При максимальной мощности 670 кВт и более доступны "
        "только категории 3–6.",
        f"{path}:7: price_category: должно быть не больше 6",
        f"{path}:8: voltage_level: «НН2» — допустимо: ВН, СН1, СН2, НН",
        f"{path}:9: contract_date: «32.01.2020» не дата (ожидается 31.10.2026 или 2026-10-31)",
        f"{path}:10: -: повторяет строку 2",
    ]
    assert not Contract.objects.exists() and not Customer.objects.exists()


def test_dry_run_only_checks(db, tmp_path, capsys):
    run(write(tmp_path, ALFA), "--dry-run")
    assert not Contract.objects.exists()
    assert "Проверено строк: 1, ошибок нет" in capsys.readouterr().out


def test_comma_separated_file_without_bom_and_latin_lookalike_voltage(db, tmp_path):
    path = tmp_path / "c.csv"
    path.write_text(
        HEADER.replace(";", ",") + "Кемерово,3003,15.01.2020,ООО Альфа,4205000016,420501001,"
        '"г. Кемерово, ул. Мира, 5",3,CH2,"1200,5",\n',
        encoding="utf-8",
    )
    run(path)
    contract = Contract.objects.get(number="3003")
    assert contract.voltage_level == "СН2" and str(contract.max_power_kw) == "1200.500"


def test_xlsx_as_excel_stores_numbers_and_dates(db, tmp_path):
    import datetime as dt

    book = Workbook()
    book.active.append(HEADER.strip().split(";"))
    book.active.append(["Кемерово", 3003, dt.datetime(2020, 1, 15), "ООО «Альфа»", 4205000016,
                        420501001, "ул. Мира, 5", 1, "НН", 150.5, None])  # fmt: skip
    path = tmp_path / "contracts.xlsx"
    book.save(path)
    run(path)
    assert Contract.objects.get(number="3003").customer.inn == "4205000016"


def test_the_load_is_recorded_with_its_counts(db, tmp_path):
    run(write(tmp_path, ALFA, IVANOV))
    batch = ImportBatch.objects.get()
    assert (batch.kind, batch.file_name, batch.created) == ("contracts", "contracts.csv", 2)
    assert batch.operator


def test_the_optional_email_column_is_where_registration_links_go(db, tmp_path):
    """Issue 23: billing's address of the contract proves a registrant speaks for the customer."""
    path = tmp_path / "with-email.csv"
    header = HEADER.replace(";comment", ";email")
    path.write_text(header + ALFA.replace(";x\n", ";buh@alfa.example\n"), encoding="utf-8")
    run(path)
    assert Contract.objects.get(number="3003").email == "buh@alfa.example"
    # A file without the column leaves the address as it is.
    run(write(tmp_path, ALFA))
    assert Contract.objects.get(number="3003").email == "buh@alfa.example"


def test_a_bad_email_is_refused_with_file_line_and_column(db, tmp_path):
    path = tmp_path / "bad-email.csv"
    header = HEADER.replace(";comment", ";email")
    path.write_text(header + ALFA.replace(";x\n", ";not-an-address\n"), encoding="utf-8")
    with pytest.raises(CommandError):
        run(path)
    assert not Contract.objects.exists()
