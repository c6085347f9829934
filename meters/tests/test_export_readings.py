"""`manage.py export_readings --period YYYY-MM`: the month's readings for the billing system."""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from meters.models import Reading
from meters.tests.conftest import make_meter


@pytest.fixture
def readings(alice_contract, bob_contract):
    seed = make_meter(
        alice_contract,
        "108008060",
        history=[(dt.date(2026, 9, 30), 35856), (dt.date(2026, 10, 31), 36156)],
    )
    two = make_meter(
        bob_contract,
        "36125481",
        point_code="ТП-7007",
        zones=2,
        decimals=1,
        history=[(dt.date(2026, 10, 25), {"D": "20450.5", "N": 9000})],
    )
    Reading.objects.create(
        meter=seed, date=dt.date(2026, 10, 15), value=99, status=Reading.Status.REJECTED
    )
    Reading.objects.create(meter=seed, date=dt.date(2026, 11, 1), value=36160)
    return seed, two


def export(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("export_readings", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_the_months_readings_are_written_as_csv_without_rejected_ones(readings):
    out, err = export("--period", "2026-10")
    assert out.splitlines() == [
        "city;contract_number;point_code;meter_number;date;zone;value;source;status",
        "Кемерово;1001;ТП-1;108008060;2026-10-31;T;36156;import;accepted",
        "Кемерово;7007;ТП-7007;36125481;2026-10-25;D;20450.5;import;accepted",
        "Кемерово;7007;ТП-7007;36125481;2026-10-25;N;9000;import;accepted",
    ]
    assert "Выгружено показаний за октябрь 2026: 3." in err


def test_the_export_goes_to_a_file_and_imports_back_unchanged(readings, tmp_path, capsys):
    path = tmp_path / "october.csv"
    export("--period", "2026-10", "--output", str(path))
    call_command("import_readings", str(path))
    assert "Создано: 0, обновлено: 0, без изменений: 3" in capsys.readouterr().out


def test_a_bad_period_is_refused(db):
    with pytest.raises(CommandError, match="ожидается ГГГГ-ММ"):
        export("--period", "10.2026")


def test_an_empty_month_writes_only_the_header(readings):
    out, _ = export("--period", "2025-01")
    assert out.splitlines() == [
        "city;contract_number;point_code;meter_number;date;zone;value;source;status"
    ]


def test_cells_that_excel_would_run_as_formulas_are_prefixed_and_import_back(
    alice_contract, tmp_path, capsys
):
    """Issue 23 (Low 9): billing's fields such as `=HYPERLINK(…)` are never a live formula."""
    make_meter(
        alice_contract,
        '=HYPERLINK("http://evil.example","x")',
        point_code="@SUM(A1:A9)",
        history=[(dt.date(2026, 10, 31), 36156)],
    )
    path = tmp_path / "october.csv"
    export("--period", "2026-10", "--output", str(path))
    row = path.read_text(encoding="utf-8").splitlines()[1]
    assert ";'@SUM(A1:A9);" in row and ';"\'=HYPERLINK(""http://evil.example"",""x"")";' in row
    call_command("import_readings", str(path))
    assert "Создано: 0, обновлено: 0, без изменений: 1" in capsys.readouterr().out


def test_the_import_strips_only_the_prefix_the_export_adds():
    from core.importing import from_spreadsheet_safe, spreadsheet_safe

    for text in ("=1+1", "+7", "-5", "@x", "\tx", "\rx", "plain", "'quoted", ""):
        assert from_spreadsheet_safe(spreadsheet_safe(text)) == text
    assert from_spreadsheet_safe("'quoted") == "'quoted"
