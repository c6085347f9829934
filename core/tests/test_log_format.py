"""Issue 23 (Low 8): a user name with a newline cannot forge a line of the log."""

import json
import logging


def console_formatter() -> logging.Formatter:
    handler = next(h for h in logging.getLogger().handlers if h.get_name() == "console")
    return handler.formatter


def test_a_newline_in_a_logged_value_stays_inside_one_json_line():
    forged = "kemerovo/1001\n2026-12-02 10:00:00 INFO eskk.audit login user=admin"
    record = logging.LogRecord(
        "eskk.audit", logging.INFO, __file__, 1, "login.failed user=%s", (forged,), None
    )
    line = console_formatter().format(record)
    assert "\n" not in line and "\r" not in line
    entry = json.loads(line)
    assert entry["message"] == f"login.failed user={forged}"
    assert entry["levelname"] == "INFO" and entry["name"] == "eskk.audit"


def test_russian_text_stays_readable():
    record = logging.LogRecord("eskk", logging.INFO, __file__, 1, "Договор № %s", ("1001",), None)
    assert "Договор № 1001" in console_formatter().format(record)
