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
    """КПП: 9 digits, or empty (ИП and ФЛ have none)."""
    if value and not (len(value) == 9 and value.isdigit()):
        raise ValidationError("КПП должен состоять из 9 цифр.", code="kpp_format")


def validate_inn_kpp(inn: str, kpp: str) -> None:
    """The pair: a КПП is given to organisations only (НК РФ, ст. 83–84), so a 10-digit
    ИНН comes with one and a 12-digit ИНН (ИП, ФЛ) without. Raises {"kpp": message}."""
    if len(inn) == 10 and not kpp:
        raise ValidationError(
            {"kpp": "У организации (ИНН из 10 цифр) должен быть КПП."}, code="kpp_missing"
        )
    if len(inn) == 12 and kpp:
        raise ValidationError(
            {"kpp": "У ИП и физического лица (ИНН из 12 цифр) нет КПП."}, code="kpp_extra"
        )


def customer_ids_errors(inn: str, kpp: str) -> dict[str, str]:
    """Every problem of an ИНН and КПП typed or loaded together, by field: each validator
    above, the pair only when both are well-formed. Empty when they are good."""
    errors = {}
    for field, validate, value in (("inn", validate_inn, inn), ("kpp", validate_kpp, kpp)):
        try:
            validate(value)
        except ValidationError as error:
            errors[field] = error.messages[0]
    if not errors:
        try:
            validate_inn_kpp(inn, kpp)
        except ValidationError as error:
            errors.update({field: messages[0] for field, messages in error.message_dict.items()})
    return errors


def valid_inn(prefix: str) -> str:
    """Complete 9 or 10 leading digits to a valid organisation or personal ИНН."""
    if len(prefix) == 9:
        return prefix + stdnum_inn.calc_company_check_digit(prefix)
    return prefix + stdnum_inn.calc_personal_check_digits(prefix)
