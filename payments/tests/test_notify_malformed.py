"""Pen-test Medium 5 (issue 23): the login-free callback and the mock bank's API.

Every malformed or forged body gets a 4xx, never a 500; a refused notification
leaves one short record (its first 2 KB and the sender's address); a body over
64 KB is refused before it is parsed. Run on SQLite and on PostgreSQL (jsonb
refuses NUL and lone surrogates, the pen test's DataError).
"""

import json

import pytest
from django.urls import reverse

from payments.models import PaymentEvent

NOTIFY = reverse("payments:notify")
SIGNED_FIELDS = {
    "TerminalKey": "ESSKDemoTerminal",
    "OrderId": "x",
    "PaymentId": 1,
    "Status": "CONFIRMED",
}

MALFORMED = {
    "non-ASCII token": json.dumps({**SIGNED_FIELDS, "Token": "токен"}),
    "deep nesting": "[" * 100_000 + "]" * 100_000,
    "NUL in a field": '{"TerminalKey": "ESSKDemoTerminal", "OrderId": "a\\u0000b", "Token": "t"}',
    "lone surrogate": '{"TerminalKey": "ESSKDemoTerminal", "OrderId": "\\ud800", "Token": "t"}',
    "NaN": '{"TerminalKey": "ESSKDemoTerminal", "Amount": NaN, "Token": "t"}',
    "1e999": '{"TerminalKey": "ESSKDemoTerminal", "Amount": 1e999, "Token": "t"}',
    "not an object": "[1, 2, 3]",
    "not JSON": "{{{",
    "not UTF-8": b"\xff\xfe{}",
    "NUL in a key": '{"a\\u0000": 1}',
}


def post(client, url, body):
    data = body if isinstance(body, bytes) else body.encode("utf-8", "surrogatepass")
    return client.post(url, data=data, content_type="application/json", REMOTE_ADDR="203.0.113.9")


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(MALFORMED))
def test_a_malformed_notification_is_a_4xx_with_a_short_record(client, name):
    response = post(client, NOTIFY, MALFORMED[name])
    assert 400 <= response.status_code < 500, (name, response.status_code)
    (event,) = PaymentEvent.objects.all()
    assert event.kind == PaymentEvent.Kind.REFUSED
    assert event.message["ip"] == "203.0.113.9"
    assert len(event.message["excerpt"]) <= 2048


@pytest.mark.django_db
def test_a_forged_notification_stores_2_kb_not_the_whole_body(client):
    body = json.dumps({**SIGNED_FIELDS, "Token": "forged", "Padding": "x" * 60_000})
    response = post(client, NOTIFY, body)
    assert response.status_code == 403
    (event,) = PaymentEvent.objects.all()
    assert len(json.dumps(event.message)) < 2200
    assert event.message["ip"] == "203.0.113.9"


@pytest.mark.django_db
def test_a_body_over_64_kb_is_refused_before_parsing(client, monkeypatch):
    from core import jsonbody

    parsed = []
    monkeypatch.setattr(jsonbody, "parse_object", lambda body: parsed.append(body) or {})
    response = post(client, NOTIFY, "{" + " " * (64 * 1024) + "}")
    assert response.status_code == 413
    assert parsed == []
    assert PaymentEvent.objects.get().note == "body over 64 KB"


@pytest.mark.django_db
@pytest.mark.parametrize("endpoint", ["gateway:init", "gateway:get_state"])
@pytest.mark.parametrize("name", sorted(MALFORMED))
def test_the_mock_banks_api_answers_4xx_to_the_same_bodies(client, endpoint, name):
    response = post(client, reverse(endpoint), MALFORMED[name])
    if name == "non-ASCII token":  # well-formed: refused by the API's own checks, not a 500
        assert response.status_code < 500 and response.json()["Success"] is False
        return
    assert 400 <= response.status_code < 500, (endpoint, name, response.status_code)
    assert response.json()["Success"] is False


@pytest.mark.django_db
@pytest.mark.parametrize("endpoint", ["gateway:init", "gateway:get_state"])
def test_the_mock_bank_refuses_a_body_over_64_kb(client, endpoint):
    response = post(client, reverse(endpoint), "{" + " " * (64 * 1024) + "}")
    assert response.status_code == 413
