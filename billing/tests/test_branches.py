"""billing.branches: one city → branch look-up for every import."""

import pytest
from django.core.management import call_command

from billing.branches import Branches, city_key
from core.importing import Row, RowError
from documents.models import Document
from documents.tests.test_import_documents import GOOD, write

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "city", ["Кемерово", "г. Кемерово", "г.Кемерово", "  г.\u00a0КЕМЕРОВО ", "kemerovo"]
)
def test_every_spelling_finds_the_branch(kemerovo, city):
    assert Branches().find(city) == kemerovo


def test_city_key_drops_the_prefix_case_and_spaces():
    assert city_key("г. Березовский") == city_key("березовский") == "березовский"


def test_an_unknown_city_is_a_row_error_naming_the_cities(kemerovo):
    with pytest.raises(RowError) as error:
        Branches().of_row(Row(2, {"city": "Новосибирск"}))
    assert (error.value.column, error.value.reason) == (
        "city", "«Новосибирск» — нет такого города (Березовский или Кемерово)",
    )  # fmt: skip


def test_import_documents_accepts_the_city_written_without_a_space(alice_contract, tmp_path):
    # Before: documents' own copy stripped only «г. » and refused «г.Кемерово».
    body = GOOD.splitlines()[2].replace("kemerovo", "г.Кемерово") + "\n"
    call_command("import_documents", str(write(tmp_path, body)))
    assert Document.objects.filter(number="А-5").exists()
