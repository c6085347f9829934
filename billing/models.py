import secrets
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q

from billing.validators import validate_inn, validate_inn_kpp, validate_kpp


class Branch(models.Model):
    """A city branch of the supplier; a contract number is unique within one."""

    code = models.SlugField("код", max_length=32, unique=True)
    name = models.CharField("город", max_length=64, unique=True)

    class Meta:
        verbose_name = "город (филиал)"
        verbose_name_plural = "города (филиалы)"
        ordering = ("name",)

    def __str__(self) -> str:
        return self.name

    @property
    def login_label(self) -> str:
        return f"г. {self.name}"


class Customer(models.Model):
    """The legal entity (organisation, ИП or ФЛ) that holds supply contracts."""

    name = models.CharField("наименование", max_length=255)
    inn = models.CharField("ИНН", max_length=12, validators=[validate_inn], db_index=True)
    kpp = models.CharField("КПП", max_length=9, blank=True, validators=[validate_kpp])
    legal_address = models.CharField("юридический адрес", max_length=500, blank=True)

    class Meta:
        verbose_name = "потребитель"
        verbose_name_plural = "потребители"
        ordering = ("name",)

    def __str__(self) -> str:
        return f"{self.name} (ИНН {self.inn})"

    def clean(self) -> None:
        # Each field's own validator reports a malformed ИНН or КПП; here the pair.
        validate_inn_kpp(self.inn, self.kpp)


class PriceCategory(models.IntegerChoices):
    FIRST = 1, "первая"
    SECOND = 2, "вторая"
    THIRD = 3, "третья"
    FOURTH = 4, "четвертая"
    FIFTH = 5, "пятая"
    SIXTH = 6, "шестая"


class VoltageLevel(models.TextChoices):
    HIGH = "ВН", "ВН"
    MEDIUM1 = "СН1", "СН1"
    MEDIUM2 = "СН2", "СН2"
    LOW = "НН", "НН"


# Letters and digits that cannot be mistaken for one another on paper (no 0/O, 1/I/L).
REGISTRATION_CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def new_registration_code() -> str:
    """A fresh «Код регистрации»: 10 characters of 31, about 50 bits, typed from paper."""
    return "".join(secrets.choice(REGISTRATION_CODE_ALPHABET) for _ in range(10))


class ConsumerKind(models.TextChoices):
    """Who the customer is to the penalty rule of 35-ФЗ ст. 37 п. 2 (and ЖК РФ ст. 155 п. 14)."""

    OTHER = "other", "прочие потребители"
    HOUSING = "housing", "управляющие организации, ТСЖ, ЖСК"
    POPULATION = "population", "население и приравненные к нему категории"


# Основные положения (ПП № 442), п. 97: from 670 kW of maximum power only categories 3–6.
LARGE_POWER_KW = Decimal("670")
PRICE_CATEGORY_FOR_POWER_MESSAGE = (
    "При максимальной мощности 670 кВт и более доступны только категории 3–6."
)


def allowed_price_categories(max_power_kw: Decimal) -> tuple[int, ...]:
    """The price categories a customer of `max_power_kw` may choose (ПП № 442, п. 97):
    from 670 kW only 3–6, below it any of 1–6."""
    if max_power_kw is not None and max_power_kw >= LARGE_POWER_KW:
        return (3, 4, 5, 6)
    return tuple(PriceCategory.values)


class Contract(models.Model):
    """A supply contract; its number within the branch is the portal login.

    `email` is the customer's address as billing holds it: a registration's
    confirmation link goes there. `registration_code` is printed on the
    contract's «Счет на оплату» and proves a registrant holds the customer's
    papers when billing has no address (issue 23).
    """

    branch = models.ForeignKey(Branch, models.PROTECT, verbose_name="город")
    number = models.CharField("номер договора", max_length=32)
    date = models.DateField("дата договора")
    customer = models.ForeignKey(
        Customer, models.PROTECT, related_name="contracts", verbose_name="потребитель"
    )
    address = models.CharField("адрес", max_length=500, blank=True)
    price_category = models.PositiveSmallIntegerField(
        "ценовая категория", choices=PriceCategory.choices, default=PriceCategory.FIRST
    )
    voltage_level = models.CharField(
        "уровень напряжения",
        max_length=3,
        choices=VoltageLevel.choices,
        default=VoltageLevel.LOW,
    )
    max_power_kw = models.DecimalField(
        "максимальная мощность, кВт",
        max_digits=12,
        decimal_places=3,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    email = models.EmailField(
        "e-mail по данным биллинга",
        blank=True,
        help_text="сюда уходит ссылка подтверждения регистрации в личном кабинете",
    )
    registration_code = models.CharField(
        "код регистрации",
        max_length=16,
        default=new_registration_code,
        help_text="печатается на «Счете на оплату»; подтверждает регистрацию без e-mail биллинга",
    )
    consumer_kind = models.CharField(
        "категория потребителя для пени",
        max_length=16,
        choices=ConsumerKind.choices,
        default=ConsumerKind.OTHER,
        help_text="доля ключевой ставки по 35-ФЗ, ст. 37 п. 2",
    )

    class Meta:
        verbose_name = "договор"
        verbose_name_plural = "договоры"
        ordering = ("branch__name", "number")
        constraints = [
            models.UniqueConstraint(
                fields=("branch", "number"), name="contract_number_unique_in_branch"
            ),
            models.CheckConstraint(
                condition=Q(price_category__gte=1) & Q(price_category__lte=6),
                name="contract_price_category_1_6",
            ),
        ]

    def __str__(self) -> str:
        return f"№ {self.number} ({self.branch})"

    def allowed_price_categories(self) -> tuple[int, ...]:
        """The categories this contract's maximum power allows (ПП № 442, п. 97)."""
        return allowed_price_categories(self.max_power_kw)

    def clean(self) -> None:
        if self.price_category not in self.allowed_price_categories():
            raise ValidationError({"price_category": PRICE_CATEGORY_FOR_POWER_MESSAGE})


class LedgerEntry(models.Model):
    """One operation on the contract's account (лицевой счет).

    `debit` is what the customer was charged (energy, penalties, corrections up),
    `credit` what the customer paid or was credited. The balance is
    sum(credit) − sum(debit): below zero a debt, above zero an overpayment.
    It is always derived from these rows, never stored.
    """

    class Kind(models.TextChoices):
        ACCRUAL = "accrual", "начисление"
        PAYMENT = "payment", "оплата"
        CORRECTION = "correction", "корректировка"
        PENALTY = "penalty", "пени"

    class Purpose(models.TextChoices):
        """What a payment pays (ГК РФ ст. 319, 319.1): energy unless the payer says penalties."""

        ENERGY = "energy", "за электроэнергию"
        PENALTY = "penalty", "пени"

    class Source(models.TextChoices):
        IMPORT = "import", "выгрузка биллинга"
        CARD = "card", "оплата картой"
        STAFF = "staff", "сотрудник"
        SYSTEM = "system", "расчет портала"
        DEMO = "demo", "демо-данные"

    contract = models.ForeignKey(
        Contract, models.PROTECT, related_name="ledger_entries", verbose_name="договор"
    )
    kind = models.CharField("вид операции", max_length=16, choices=Kind.choices)
    date = models.DateField("дата операции")
    period = models.DateField(
        "расчетный период", null=True, blank=True, help_text="первое число месяца"
    )
    doc_number = models.CharField("номер документа", max_length=64, blank=True)
    doc_date = models.DateField("дата документа", null=True, blank=True)
    description = models.CharField("содержание", max_length=255, blank=True)
    volume_kwh = models.DecimalField(
        "объем, кВт·ч", max_digits=16, decimal_places=3, null=True, blank=True
    )
    amount_net = models.DecimalField(
        "сумма без НДС", max_digits=14, decimal_places=2, null=True, blank=True
    )
    vat = models.DecimalField("НДС", max_digits=14, decimal_places=2, null=True, blank=True)
    debit = models.DecimalField(
        "начислено", max_digits=14, decimal_places=2, default=Decimal("0.00")
    )
    credit = models.DecimalField(
        "оплачено", max_digits=14, decimal_places=2, default=Decimal("0.00")
    )
    purpose = models.CharField(
        "назначение платежа",
        max_length=16,
        choices=Purpose.choices,
        default=Purpose.ENERGY,
        help_text="только у оплаты: без указания плательщика — за электроэнергию",
    )
    source = models.CharField(
        "источник", max_length=16, choices=Source.choices, default=Source.IMPORT
    )
    created_at = models.DateTimeField("создано", auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="кем создано",
    )
    updated_at = models.DateTimeField("изменено", auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="кем изменено",
    )
    import_batch = models.ForeignKey(
        "ImportBatch",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="entries",
        verbose_name="загрузка",
    )
    is_locked = models.BooleanField(
        "по записи выдан документ",
        default=False,
        help_text="такую запись нельзя изменить: исправление вносится новой корректировкой",
    )

    class Meta:
        verbose_name = "операция по лицевому счету"
        verbose_name_plural = "операции по лицевому счету"
        ordering = ("-date", "-id")
        indexes = [models.Index(fields=("contract", "date"), name="ledger_contract_date")]
        constraints = [
            models.CheckConstraint(
                condition=Q(debit__gte=0) & Q(credit__gte=0),
                name="ledger_amounts_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(debit=0) | Q(credit=0), name="ledger_debit_or_credit"
            ),
            models.CheckConstraint(
                condition=Q(purpose="energy") | Q(kind="payment"),
                name="ledger_purpose_only_of_payments",
            ),
            # The keys that make the imports and the penalty run idempotent.
            models.UniqueConstraint(
                fields=("contract", "doc_number"),
                condition=Q(kind="accrual") & ~Q(doc_number=""),
                name="ledger_accrual_doc_once",
            ),
            models.UniqueConstraint(
                fields=("contract", "doc_number", "date"),
                condition=Q(kind="payment", source="import") & ~Q(doc_number=""),
                name="ledger_imported_payment_once",
            ),
            models.UniqueConstraint(
                fields=("contract", "date"),
                condition=Q(kind="penalty", source="system"),
                name="ledger_penalty_run_once_a_day",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.doc_number} от {self.date:%d.%m.%Y}"

    def clean(self) -> None:
        if self.debit is None or self.credit is None:
            return
        if self.debit < 0 or self.credit < 0:
            raise ValidationError("Суммы не могут быть отрицательными.")
        if self.debit and self.credit:
            raise ValidationError(
                "Заполните либо «начислено», либо «оплачено»: одна операция — одна сторона."
            )
        if not self.debit and not self.credit:
            raise ValidationError("Укажите сумму в поле «начислено» или «оплачено».")
        if self.purpose != self.Purpose.ENERGY and self.kind != self.Kind.PAYMENT:
            raise ValidationError({"purpose": "Назначение указывается только у оплаты."})

    @classmethod
    def penalty_side(cls) -> Q:
        """The entries of the penalty account: penalties booked and payments stated for them.

        Everything else is the energy account («Задолженность»); the two never offset
        each other (ГК РФ ст. 319: a penalty is paid only when the payer says so).
        """
        return Q(kind=cls.Kind.PENALTY) | Q(kind=cls.Kind.PAYMENT, purpose=cls.Purpose.PENALTY)

    @property
    def amount(self) -> Decimal:
        """The signed effect on the balance: + credit, − debit."""
        return self.credit - self.debit


class VatRate(models.Model):
    """НДС rate by period of supply: the rate follows the month of supply, not the document date."""

    valid_from = models.DateField("действует с", unique=True)
    rate = models.DecimalField("ставка, %", max_digits=5, decimal_places=2)

    class Meta:
        verbose_name = "ставка НДС"
        verbose_name_plural = "ставки НДС"
        ordering = ("-valid_from",)

    def __str__(self) -> str:
        return f"{self.rate}% с {self.valid_from:%d.%m.%Y}"


class KeyRate(models.Model):
    """The Bank of Russia key rate from a date on; penalties use the rate of the day."""

    valid_from = models.DateField("действует с", unique=True)
    rate = models.DecimalField(
        "ключевая ставка, % годовых",
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0"))],
    )

    class Meta:
        verbose_name = "ключевая ставка Банка России"
        verbose_name_plural = "ключевые ставки Банка России"
        ordering = ("-valid_from",)

    def __str__(self) -> str:
        return f"{self.rate}% с {self.valid_from:%d.%m.%Y}"


class KeyRateConfirmation(models.Model):
    """An operator's word that the key rates are complete up to `confirmed_to`.

    Penalties are never computed for a day after the latest such date: a rate
    decided later would otherwise be silently replaced by the last known one.
    """

    confirmed_to = models.DateField("ставки подтверждены по", unique=True)
    source = models.CharField("основание", max_length=255, blank=True)
    created_at = models.DateTimeField("внесено", auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="кем внесено",
    )

    class Meta:
        verbose_name = "подтверждение ключевых ставок"
        verbose_name_plural = "подтверждения ключевых ставок"
        ordering = ("-confirmed_to",)

    def __str__(self) -> str:
        return f"Ключевые ставки подтверждены по {self.confirmed_to:%d.%m.%Y}"


class ImportBatch(models.Model):
    """One load of a billing-system export: who loaded which file, when, with what result."""

    class Kind(models.TextChoices):
        CONTRACTS = "contracts", "договоры"
        ACCRUALS = "accruals", "начисления"
        PAYMENTS = "payments", "оплаты"

    class Status(models.TextChoices):
        QUEUED = "queued", "в очереди"
        RUNNING = "running", "выполняется"
        DONE = "done", "загружено"
        FAILED = "failed", "ошибки, ничего не записано"

    kind = models.CharField("что загружено", max_length=16, choices=Kind.choices)
    file_name = models.CharField("файл", max_length=255)
    operator = models.CharField("оператор", max_length=150, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="сотрудник",
    )
    started_at = models.DateTimeField("начало", auto_now_add=True)
    created = models.PositiveIntegerField("создано", default=0)
    updated = models.PositiveIntegerField("обновлено", default=0)
    unchanged = models.PositiveIntegerField("без изменений", default=0)
    # An upload from the admin runs in the background (billing.uploads); a run of
    # the command is written when it has finished, hence the default.
    status = models.CharField(
        "состояние", max_length=16, choices=Status.choices, default=Status.DONE
    )
    upload = models.FileField("загруженный файл", upload_to="imports/%Y/%m/", blank=True)
    dry_run = models.BooleanField("только проверка", default=False)
    claimed_at = models.DateTimeField("взято в работу", null=True, blank=True)
    rows_checked = models.PositiveIntegerField("проверено строк", default=0)
    finished_at = models.DateTimeField("окончание", null=True, blank=True)
    report = models.TextField("отчет", blank=True)

    class Meta:
        verbose_name = "загрузка выгрузки биллинга"
        verbose_name_plural = "загрузки выгрузок биллинга"
        ordering = ("-started_at",)

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.file_name} ({self.started_at:%d.%m.%Y %H:%M})"

    @property
    def in_progress(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)
