"""Arbitrary input posted to every form of the portal never gives a 500, and
a refused form stores nothing.

The fields are read from the form's own HTML, so a field added later is
fuzzed too. Hypothesis draws text (unicode, control characters, NUL, very
long), numbers, dates and files.
"""

import re

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st


def at(url_name, **kwargs):
    """A form that posts to the page that shows it."""

    def build(user):
        url = reverse(url_name, kwargs=kwargs)
        return url, url

    return build


def _meter(user):
    """One meter of the user's, made once: hypothesis runs many examples in one test."""
    from meters.models import Meter
    from meters.tests.conftest import make_meter

    existing = Meter.objects.filter(delivery_point__contract=user.contract).first()
    return existing or make_meter(user.contract, number=f"F{user.pk}")


def reading_form(user):
    """The reading form of «Передача показаний», shown on the page, posted to the meter."""
    meter = _meter(user)
    page = reverse("meters:readings") + f"?meter={meter.pk}"
    return page, reverse("meters:submit", kwargs={"pk": meter.pk})


def meters_table(user):
    _meter(user)
    return reverse("meters:bulk"), reverse("meters:bulk")


def meters_upload(user):
    return reverse("meters:bulk"), reverse("meters:upload")


# (label, builder(user) -> (url showing the form, url it posts to), behind the login, method)
FORMS = [
    ("login", at("accounts:login"), False, "post"),
    ("registration", at("accounts:register_legal"), False, "post"),
    ("resend confirmation", at("accounts:resend"), False, "post"),
    ("password reset", at("accounts:password_reset"), False, "post"),
    ("password change", at("accounts:password_change"), True, "post"),
    ("e-mail change", at("accounts:email_change"), True, "post"),
    ("account history", at("billing:history"), True, "get"),
    ("penalties", at("billing:penalties"), True, "get"),
    ("document list", at("documents:invoices"), True, "get"),
    ("reconciliation", at("documents:reconciliation"), True, "get"),
    ("consumption", at("documents:consumption"), True, "get"),
    ("request: meter", at("services:request_create", kind="meter"), True, "post"),
    ("request: reconciliation", at("services:request_create", kind="reconciliation"), True, "post"),
    ("request: contacts", at("services:request_create", kind="contacts"), True, "post"),
    ("request: question", at("services:request_create", kind="question"), True, "post"),
    ("notification settings", at("services:notifications"), True, "post"),
    ("calculator", at("calculator:index"), True, "post"),
    ("reading", reading_form, True, "post"),
    ("meters table", meters_table, True, "post"),
    ("readings upload", meters_upload, True, "post"),
    ("payment amount", at("payments:pay"), True, "post"),
]

FIELD = re.compile(r'<(input|select|textarea)\b[^>]*\bname="([^"]+)"[^>]*>', re.I)
TYPE = re.compile(r'\btype="([^"]+)"', re.I)

texts = st.one_of(
    st.text(max_size=50),
    st.text(alphabet=st.characters(min_codepoint=0, max_codepoint=0x2FFF), max_size=300),
    st.sampled_from(["", " ", "\x00", "-1", "0", "1e309", "NaN", "12,345.678.9", "9" * 40,
                     "31.02.2026", "2026-13-01", "<script>alert(1)</script>", "' OR 1=1 --", "x" * 5000]),
    st.integers(min_value=-(10**20), max_value=10**20).map(str),
    st.decimals(allow_nan=False, allow_infinity=False, places=4).map(str),
    st.dates().map(lambda d: d.strftime("%d.%m.%Y")),
)  # fmt: skip
files = st.one_of(
    st.binary(max_size=2048).map(lambda b: ("file.pdf", b)),
    st.just(("evil.pdf", b"MZ\x90\x00" + b"\x00" * 60)),
    st.just(("data.csv", b"meter_number;date;value\n1;31.02.2026;-5\n")),
    st.just(("book.xlsx", b"PK\x03\x04broken")),
)


def fields_of(html: str) -> dict[str, str]:
    found = {}
    for match in FIELD.finditer(html):
        tag, name = match.group(1).lower(), match.group(2)
        if name == "csrfmiddlewaretoken":
            continue
        kind = "select" if tag == "select" else "textarea" if tag == "textarea" else "text"
        type_match = TYPE.search(match.group(0))
        if tag == "input" and type_match:
            kind = type_match.group(1).lower()
        if kind in ("submit", "button", "image", "reset"):
            continue
        found[name] = kind
    return found


def counts() -> dict[str, int]:
    """The rows of every table a form may write, in one query: it runs twice per example, and
    a count per model was a third of the suite's fuzzing. Whole tables, not the default
    managers, so that no row a manager hides escapes the comparison."""
    tables = sorted(
        {
            m._meta.db_table
            for m in apps.get_models()
            if m._meta.managed
            and not m._meta.proxy
            and m._meta.app_label not in ("sessions", "axes", "core", "captcha", "admin")
        }
    )
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT " + ", ".join(f"(SELECT COUNT(*) FROM {quote(table)})" for table in tables)
        )
        return dict(zip(tables, cursor.fetchone(), strict=True))


@pytest.mark.parametrize("label,build,needs_login,method", FORMS, ids=[f[0] for f in FORMS])
@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_arbitrary_input_never_breaks_a_form(
    client, alice, label, build, needs_login, method, data
):
    if needs_login:
        client.force_login(alice)
    page, url = build(alice)
    fields = fields_of(client.get(page).content.decode())
    assert fields, f"no form fields found at {page}"
    payload = {}
    for name, kind in fields.items():
        if kind == "file":
            filename, content = data.draw(files)
            payload[name] = SimpleUploadedFile(filename, content)
        elif kind == "checkbox":
            if data.draw(st.booleans()):
                payload[name] = data.draw(st.sampled_from(["on", "1", "", "\x00"]))
        else:
            payload[name] = data.draw(texts)
    before = counts()
    if method == "get":
        payload = {k: v for k, v in payload.items() if isinstance(v, str)}
        response = client.get(url, payload)
        assert response.status_code < 500
        assert counts() == before, "a search form changed the database"
        return
    response = client.post(url, payload)
    assert response.status_code < 500
    if response.status_code == 200:
        assert counts() == before, "a refused form changed the database"
