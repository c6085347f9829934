"""The Russian forms of every admin model's name, for grammatical admin pages and messages.

Django builds its admin sentences from `verbose_name` in the nominative: «Выберите
потребитель для изменения», «Заявка … был успешно изменен», «3 договоры». Russian needs
the accusative («Выберите потребителя»), the gender («была изменена») and three counted
forms («1 договор», «3 договора», «5 договоров»). `verbose_name` and
`verbose_name_plural` stay on each model's Meta; the other forms are here, one entry a
model (core.tests.test_admin_russian fails for a registered model without one), and
core.adminsite puts them into every page and message of the admin.
"""

import dataclasses
from dataclasses import dataclass

from django.db import models

MASCULINE, FEMININE, NEUTER, PLURAL = "m", "f", "n", "pl"


@dataclass(frozen=True)
class Noun:
    """A model's name in the forms the admin's sentences need.

    `accusative`: «Выберите … для изменения», «Добавить …». `gender`: m, f, n, or pl for
    a name used only in the plural («тарифы месяца»). `animate`: its accusative plural is
    the genitive («выбранных потребителей»). `one`, `few`, `many`: after 1, 3 and 5
    (`one` defaults to the nominative; a plural-only name counts through another word:
    «3 набора настроек уведомлений»).
    """

    nominative: str
    accusative: str
    gender: str
    few: str
    many: str
    animate: bool = False
    one: str = ""
    plural: str = ""  # the nominative plural: the model's verbose_name_plural

    def counted(self, count: int) -> str:
        """«1 договор», «3 договора», «5 договоров», «21 заявка», «12 заявок»."""
        return f"{count} {self.count_form(count)}"

    def count_form(self, count: int) -> str:
        tens, units = count % 100, count % 10
        if units == 1 and tens != 11:
            return self.one or self.nominative
        if 2 <= units <= 4 and not 12 <= tens <= 14:
            return self.few
        return self.many

    def past(self, stem: str) -> str:
        """The short participle agreeing with the name: «изменен», «изменена», «изменены»."""
        return stem + {MASCULINE: "", FEMININE: "а", NEUTER: "о", PLURAL: "ы"}[self.gender]

    def was(self) -> str:
        return {MASCULINE: "был", FEMININE: "была", NEUTER: "было", PLURAL: "были"}[self.gender]

    def it(self) -> str:
        """The accusative pronoun: «изменить его / ее / их»."""
        return {MASCULINE: "его", FEMININE: "ее", NEUTER: "его", PLURAL: "их"}[self.gender]

    def another(self) -> str:
        """«еще один договор», «еще одного потребителя», «еще одну заявку»."""
        if self.gender == MASCULINE:
            word = "одного" if self.animate else "один"
        else:
            word = {FEMININE: "одну", NEUTER: "одно", PLURAL: "одни"}[self.gender]
        return f"еще {word} {self.accusative}"

    def selected_plural(self) -> str:
        """The accusative plural after «выбранные»: «выбранные договоры», «выбранных
        потребителей»."""
        if self.animate:
            return f"выбранных {self.many}"
        return f"выбранные {self.plural}"


def _n(nominative, accusative, gender, few, many, *, animate=False, one=""):
    return Noun(nominative, accusative or nominative, gender, few, many, animate, one)


M, F, N, PL = MASCULINE, FEMININE, NEUTER, PLURAL

# app_label.model_name → forms. The nominative is the model's own verbose_name.
NOUNS: dict[str, Noun] = {
    "auth.group": _n("группа", "группу", F, "группы", "групп"),
    "auth.permission": _n("право", "", N, "права", "прав"),
    "admin.logentry": _n("запись в журнале", "", F, "записи в журнале", "записей в журнале"),
    "axes.accessattempt": _n(
        "запись о попытке доступа", "", F, "записи о попытках доступа",
        "записей о попытках доступа",
    ),
    "axes.accesslog": _n("запись о доступе", "", F, "записи о доступе", "записей о доступе"),
    "axes.accessfailurelog": _n(
        "ошибка доступа", "ошибку доступа", F, "ошибки доступа", "ошибок доступа"
    ),
    "core.auditevent": _n(
        "событие журнала аудита", "", N, "события журнала аудита", "событий журнала аудита"
    ),
    "core.outboxmail": _n("исходящее письмо", "", N, "исходящих письма", "исходящих писем"),
    "accounts.user": _n(
        "пользователь", "пользователя", M, "пользователя", "пользователей", animate=True
    ),
    "accounts.organisation": _n("организация", "организацию", F, "организации", "организаций"),
    "accounts.organisationcontract": _n(
        "договор организации", "", M, "договора организации", "договоров организации"
    ),
    "accounts.membership": _n(
        "сотрудник организации", "сотрудника организации", M, "сотрудника организации",
        "сотрудников организации", animate=True,
    ),
    "accounts.invitation": _n(
        "приглашение сотрудника", "", N, "приглашения сотрудников", "приглашений сотрудников"
    ),
    "accounts.contractclaim": _n(
        "запрос на добавление договора", "", M, "запроса на добавление договора",
        "запросов на добавление договора",
    ),
    "billing.branch": _n("город (филиал)", "", M, "города (филиала)", "городов (филиалов)"),
    "billing.customer": _n(
        "потребитель", "потребителя", M, "потребителя", "потребителей", animate=True
    ),
    "billing.contract": _n("договор", "", M, "договора", "договоров"),
    "billing.ledgerentry": _n(
        "операция по лицевому счету", "операцию по лицевому счету", F,
        "операции по лицевому счету", "операций по лицевому счету",
    ),
    "billing.keyrate": _n(
        "ключевая ставка Банка России", "ключевую ставку Банка России", F,
        "ключевые ставки Банка России", "ключевых ставок Банка России",
    ),
    "billing.keyrateconfirmation": _n(
        "подтверждение ключевых ставок", "", N, "подтверждения ключевых ставок",
        "подтверждений ключевых ставок",
    ),
    "billing.vatrate": _n("ставка НДС", "ставку НДС", F, "ставки НДС", "ставок НДС"),
    "billing.importbatch": _n(
        "загрузка выгрузки биллинга", "загрузку выгрузки биллинга", F,
        "загрузки выгрузок биллинга", "загрузок выгрузок биллинга",
    ),
    "meters.deliverypoint": _n(
        "точка поставки", "точку поставки", F, "точки поставки", "точек поставки"
    ),
    "meters.meter": _n("прибор учета", "", M, "прибора учета", "приборов учета"),
    "meters.reading": _n("показание", "", N, "показания", "показаний"),
    "meters.closedperiod": _n(
        "закрытый период показаний", "", M, "закрытых периода показаний",
        "закрытых периодов показаний",
    ),
    "payments.payment": _n("платеж картой", "", M, "платежа картой", "платежей картой"),
    "payments.paymentevent": _n("событие платежа", "", N, "события платежа", "событий платежа"),
    "gateway.order": _n("заказ шлюза", "", M, "заказа шлюза", "заказов шлюза"),
    "gateway.notification": _n(
        "уведомление магазину", "", N, "уведомления магазину", "уведомлений магазину"
    ),
    "documents.document": _n("документ", "", M, "документа", "документов"),
    "documents.documentline": _n(
        "строка документа", "строку документа", F, "строки документа", "строк документа"
    ),
    "calculator.tariffmonth": _n(
        "тарифы месяца", "", PL, "месяца с тарифами", "месяцев с тарифами",
        one="месяц с тарифами",
    ),
    "calculator.flatrate": _n(
        "ставка 1–2 категории", "ставку 1–2 категории", F, "ставки 1–2 категорий",
        "ставок 1–2 категорий",
    ),
    "calculator.monthlyrate": _n(
        "ставка месяца 3–6 категорий", "ставку месяца 3–6 категорий", F,
        "ставки месяца 3–6 категорий", "ставок месяца 3–6 категорий",
    ),
    "calculator.hourlyrate": _n(
        "почасовая ставка 3–6 категорий", "почасовую ставку 3–6 категорий", F,
        "почасовые ставки 3–6 категорий", "почасовых ставок 3–6 категорий",
    ),
    "meters.hourlyvolume": _n(
        "почасовой объем потребления", "", M, "почасовых объема потребления",
        "почасовых объемов потребления",
    ),
    "calculator.monthhours": _n(
        "часы месяца (пик СО, зоны суток)", "", PL, "месяца (пик СО, зоны суток)",
        "месяцев (пик СО, зоны суток)", one="месяц (пик СО, зоны суток)",
    ),
    "calculator.capacitypeakhour": _n(
        "час пиковой нагрузки СО (мощность)", "", M, "часа пиковой нагрузки СО (мощность)",
        "часов пиковой нагрузки СО (мощность)",
    ),
    "services.servicerequest": _n("заявка", "заявку", F, "заявки", "заявок"),
    "services.statuschange": _n("изменение статуса", "", N, "изменения статуса", "изменений статуса"),
    "services.attachment": _n("вложение", "", N, "вложения", "вложений"),
    "services.notificationpreference": _n(
        "настройки уведомлений", "", PL, "набора настроек уведомлений",
        "наборов настроек уведомлений", one="набор настроек уведомлений",
    ),
    "services.notificationsent": _n(
        "отправленное уведомление", "", N, "отправленных уведомления",
        "отправленных уведомлений",
    ),
}  # fmt: skip


def noun_for(model: type[models.Model] | models.Model) -> Noun | None:
    """The forms of `model`'s name, its plural nominative taken from its Meta."""
    opts = model._meta
    noun = NOUNS.get(opts.label_lower)
    if noun is None:
        return None
    plural = str(opts.verbose_name_plural)
    if plural[:2] != plural[:2].upper():  # «Логи доступа» (axes) inside a sentence; not «НДС»
        plural = plural[0].lower() + plural[1:]
    return dataclasses.replace(noun, plural=plural)


# Default permissions under Russian names: «Изменение: договор» (Django stores «Can
# change договор», built from the untranslated name).
PERMISSION_ACTIONS = {
    "add": "Добавление",
    "change": "Изменение",
    "delete": "Удаление",
    "view": "Просмотр",
}
