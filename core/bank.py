"""Russian bank details: the control key of an account against its bank's БИК.

The Bank of Russia's algorithm (Правила ведения бухгалтерского учета в кредитных
организациях; the key is the 9th digit of the 20-digit account): the 3 last digits
of the БИК (for a correspondent account at the Bank of Russia: «0» and its 5th–6th
digits) followed by the 23 digits of the account, multiplied digit by digit by the
weights 7, 1, 3 repeated, sum to a multiple of 10.
"""

WEIGHTS = ((7, 1, 3) * 8)[:23]  # 3 digits of the БИК + 20 of the account


def _key_ok(prefix: str, account: str) -> bool:
    digits = prefix + account
    return sum(int(d) * w for d, w in zip(digits, WEIGHTS, strict=True)) % 10 == 0


def bank_details_errors(bik: str, account: str, corr_account: str) -> list[str]:
    """What is wrong with a supplier's bank details, in Russian; [] when they are right."""
    if not (len(bik) == 9 and bik.isdigit()):
        return [f"БИК «{bik}» должен состоять из 9 цифр"]
    errors = []
    for name, value in (("расчетный счет", account), ("корреспондентский счет", corr_account)):
        if not (len(value) == 20 and value.isdigit()):
            errors.append(f"{name} «{value}» должен состоять из 20 цифр")
    if errors:
        return errors
    if not _key_ok(bik[-3:], account):
        errors.append(f"расчетный счет {account} не сходится по контрольному ключу с БИК {bik}")
    if not _key_ok("0" + bik[4:6], corr_account):
        errors.append(
            f"корреспондентский счет {corr_account} не сходится по контрольному ключу с БИК {bik}"
        )
    return errors
