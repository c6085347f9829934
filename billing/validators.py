from django.core.exceptions import ValidationError
from stdnum.exceptions import InvalidChecksum, InvalidFormat, InvalidLength
from stdnum.ru import inn as stdnum_inn


def validate_inn(value: str) -> None:
    """ИНН: 10 digits (organisation) or 12 (ИП, ФЛ) with a valid checksum."""
    try:
        stdnum_inn.validate(value)
    except InvalidLength:
        raise ValidationError(
            "ИНН должен содержать 10 цифр (организация) или 12 цифр (ИП, физическое лицо).",
            code="inn_length",
        ) from None
    except InvalidFormat:
        raise ValidationError("ИНН должен состоять только из цифр.", code="inn_format") from None
    except InvalidChecksum:
        raise ValidationError(
            "ИНН указан неверно: не сходится контрольное число.", code="inn_checksum"
        ) from None


def validate_kpp(value: str) -> None:
    if value and not (len(value) == 9 and value.isdigit()):
        raise ValidationError("КПП должен состоять из 9 цифр.", code="kpp_format")


def valid_inn(prefix: str) -> str:
    """Complete 9 or 10 leading digits to a valid organisation or personal ИНН."""
    if len(prefix) == 9:
        return prefix + stdnum_inn.calc_company_check_digit(prefix)
    return prefix + stdnum_inn.calc_personal_check_digits(prefix)
