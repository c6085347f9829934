import pytest
from django.core.exceptions import ValidationError

from billing.models import Customer


def test_a_valid_organisation_inn_with_kpp_passes(db):
    Customer(name="ООО", inn="4205000016", kpp="420501001").full_clean()


def test_a_wrong_checksum_is_refused():
    with pytest.raises(ValidationError, match="контрольное число"):
        Customer(name="ООО", inn="4205000017", kpp="420501001").full_clean()


def test_organisation_needs_kpp_and_entrepreneur_has_none():
    with pytest.raises(ValidationError, match="КПП"):
        Customer(name="ООО", inn="4205000016", kpp="").full_clean()
    with pytest.raises(ValidationError, match="нет КПП"):
        Customer(name="ИП", inn="420500001006", kpp="420501001").full_clean()
