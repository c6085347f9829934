from datetime import timedelta

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.crypto import salted_hmac

from billing.models import Branch, Contract, Customer


def login_name(branch: Branch, contract_number: str) -> str:
    """The internal username of a contract's portal user: city code and number."""
    return f"{branch.code}/{contract_number.strip()}"


# An unconfirmed registration lives this long from `date_joined` (issue 23).
REGISTRATION_LIFETIME = timedelta(hours=72)


class User(AbstractUser):
    """A portal user. A customer's user belongs to exactly one contract;
    staff users have none and work in the admin.

    A registration starts inactive with no `email_confirmed_at`; the link in
    the confirmation e-mail activates it. `confirmation_sent_to` is where that
    link went: billing's address of the contract, or the registrant's own
    when they gave the contract's «Код регистрации»; empty while the
    registration waits for staff approval. An account staff switched off is
    inactive *with* a confirmation date, so a new confirmation link cannot
    switch it back on.
    """

    contract = models.OneToOneField(
        Contract,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="portal_user",
        verbose_name="договор",
    )
    organisation_name = models.CharField("наименование организации", max_length=255, blank=True)
    middle_name = models.CharField("отчество", max_length=150, blank=True)
    session_version = models.PositiveIntegerField(
        "версия сеансов",
        default=0,
        help_text="растет, когда доступ человека меняется: все его сеансы завершаются",
    )
    email_confirmed_at = models.DateTimeField("e-mail подтвержден", null=True, blank=True)
    confirmation_sent_to = models.EmailField(
        "ссылка подтверждения отправлена на",
        blank=True,
        help_text="пусто — регистрация ждет одобрения сотрудником",
    )
    pending_email = models.EmailField(
        "новый e-mail (ждет подтверждения)",
        blank=True,
        help_text="становится основным, когда владелец перейдет по ссылке из письма",
    )

    class Meta(AbstractUser.Meta):
        verbose_name = "пользователь"
        verbose_name_plural = "пользователи"
        swappable = "AUTH_USER_MODEL"

    @property
    def awaits_confirmation(self) -> bool:
        """Registered, but the link from the confirmation e-mail was not opened yet."""
        return not self.is_active and self.email_confirmed_at is None

    @property
    def registration_expires_at(self):
        return self.date_joined + REGISTRATION_LIFETIME

    def registration_expired(self, now) -> bool:
        """An unconfirmed registration older than 72 hours: its link and approval no longer work."""
        return self.awaits_confirmation and now >= self.registration_expires_at

    def _get_session_auth_hash(self, secret=None):
        """Django's hash of the password, which every session carries and every request
        checks, with the session version in it: raising the version (accounts.organisations
        .end_sessions) ends every session of the person at their next request. Version 0
        keeps Django's own hash, so sessions opened before the field existed live on."""
        if not self.session_version:
            return super()._get_session_auth_hash(secret=secret)
        key_salt = "accounts.models.User.get_session_auth_hash"
        value = f"{self.password}|{self.session_version}"
        return salted_hmac(key_salt, value, secret=secret, algorithm="sha256").hexdigest()


class Role(models.TextChoices):
    """What a person does for their organisation; each role opens its own sections
    (accounts.sections.ROLE_SECTIONS)."""

    OWNER = "owner", "Руководитель"
    ACCOUNTANT = "accountant", "Бухгалтер"
    ENGINEER = "engineer", "Энергетик"


class Organisation(models.Model):
    """The customer (billing's ИНН + КПП) as the portal knows it: its people and the
    contracts it has attached. Every contract of an organisation is of its customer's ИНН."""

    customer = models.ForeignKey(
        Customer, models.PROTECT, related_name="organisations", verbose_name="потребитель"
    )
    contracts = models.ManyToManyField(
        Contract,
        through="OrganisationContract",
        related_name="+",
        verbose_name="договоры",
    )
    require_two_factor = models.BooleanField(
        "двухфакторный вход обязателен",
        default=False,
        help_text="каждый человек организации входит с кодом из приложения (TOTP)",
    )
    created_at = models.DateTimeField("создана", auto_now_add=True)

    class Meta:
        verbose_name = "организация"
        verbose_name_plural = "организации"

    def __str__(self) -> str:
        return str(self.customer)


class OrganisationContract(models.Model):
    """A contract attached to an organisation; a contract belongs to one organisation at most."""

    organisation = models.ForeignKey(
        Organisation, models.CASCADE, related_name="attachments", verbose_name="организация"
    )
    contract = models.OneToOneField(
        Contract, models.PROTECT, related_name="organisation_link", verbose_name="договор"
    )
    attached_at = models.DateTimeField("подключен", auto_now_add=True)

    class Meta:
        verbose_name = "договор организации"
        verbose_name_plural = "договоры организации"

    def __str__(self) -> str:
        return f"{self.contract} → {self.organisation}"


class Membership(models.Model):
    """A person's place in an organisation: the role and the contracts granted.

    A «Руководитель» sees every contract of the organisation; an employee only
    those in `contracts`. Deleting the membership revokes the person: the
    access check (core.access) ends their sessions on the next request.
    """

    user = models.OneToOneField(
        User, models.CASCADE, related_name="membership", verbose_name="пользователь"
    )
    organisation = models.ForeignKey(
        Organisation, models.CASCADE, related_name="memberships", verbose_name="организация"
    )
    role = models.CharField("роль", max_length=16, choices=Role.choices)
    contracts = models.ManyToManyField(
        Contract, blank=True, related_name="+", verbose_name="доступные договоры"
    )
    created_at = models.DateTimeField("добавлен", auto_now_add=True)

    class Meta:
        verbose_name = "сотрудник организации"
        verbose_name_plural = "сотрудники организаций"

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()}"

    def granted_contracts(self):
        """The contracts this person may choose: all the organisation's for its head,
        the granted ones (still attached to the organisation) for an employee."""
        contracts = Contract.objects.filter(organisation_link__organisation_id=self.organisation_id)
        if self.role != Role.OWNER:
            contracts = contracts.filter(pk__in=self.contracts.values("pk"))
        return contracts


# An invitation's link works this long from its last sending.
INVITATION_LIFETIME = timedelta(days=3)


class Invitation(models.Model):
    """An owner's invitation of a person by e-mail, with the role and contracts to grant.

    The link in the mail is signed and carries `nonce`; each sending makes a new
    nonce (an earlier link stops working), accepting or revoking closes it.
    Accepting always makes a new account for this organisation, so nothing about
    other accounts of the address is ever shown (issue 19).
    """

    organisation = models.ForeignKey(
        Organisation, models.CASCADE, related_name="invitations", verbose_name="организация"
    )
    email = models.EmailField("e-mail")
    role = models.CharField("роль", max_length=16, choices=Role.choices)
    contracts = models.ManyToManyField(
        Contract, blank=True, related_name="+", verbose_name="доступные договоры"
    )
    invited_by = models.ForeignKey(
        User, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="пригласил"
    )
    created_at = models.DateTimeField("создано", auto_now_add=True)
    sent_at = models.DateTimeField("отправлено", default=timezone.now)
    nonce = models.CharField("метка ссылки", max_length=32, editable=False)
    accepted_at = models.DateTimeField("принято", null=True, blank=True)
    accepted_by = models.ForeignKey(
        User,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="учетная запись",
    )
    revoked_at = models.DateTimeField("отозвано", null=True, blank=True)

    class Meta:
        verbose_name = "приглашение сотрудника"
        verbose_name_plural = "приглашения сотрудников"
        ordering = ("-sent_at",)

    def __str__(self) -> str:
        return f"{self.email} — {self.get_role_display()} ({self.organisation})"

    @property
    def expires_at(self):
        return self.sent_at + INVITATION_LIFETIME

    def state(self, now=None) -> str:
        """«принято», «отозвано», «просрочено» or «ждет ответа»."""
        if self.accepted_at:
            return "принято"
        if self.revoked_at:
            return "отозвано"
        if (now or timezone.now()) >= self.expires_at:
            return "просрочено"
        return "ждет ответа"

    @property
    def is_open(self) -> bool:
        return self.state() == "ждет ответа"


# A code for adding a contract works this long, and for this many tries.
CONTRACT_CODE_LIFETIME = timedelta(hours=24)
CONTRACT_CODE_TRIES = 5


class ContractClaim(models.Model):
    """An owner's request to add a contract to the organisation («Настройки» → «Договоры»).

    A one-time code goes to the contract's e-mail in billing (or staff give it by
    phone from the admin); typing it attaches the contract. A request is made for
    whatever was typed — an unknown contract, one of another ИНН — and then simply
    never succeeds, so the page says the same for every contract (issue 19).
    """

    organisation = models.ForeignKey(
        Organisation, models.CASCADE, related_name="contract_claims", verbose_name="организация"
    )
    branch = models.ForeignKey(Branch, models.PROTECT, related_name="+", verbose_name="город")
    number = models.CharField("номер договора", max_length=32)
    contract = models.ForeignKey(
        Contract,
        models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="договор",
        help_text="пусто — такого договора нет",
    )
    requested_by = models.ForeignKey(
        User, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="запросил"
    )
    code_hash = models.CharField("код (хеш)", max_length=64, editable=False)
    code_sent_at = models.DateTimeField("код выдан", default=timezone.now)
    tries = models.PositiveSmallIntegerField("неверных попыток", default=0)
    created_at = models.DateTimeField("запрошено", auto_now_add=True)
    attached_at = models.DateTimeField("договор добавлен", null=True, blank=True)

    class Meta:
        verbose_name = "запрос на добавление договора"
        verbose_name_plural = "запросы на добавление договора"
        ordering = ("-created_at",)

    def __str__(self) -> str:
        return f"№ {self.number} ({self.branch}) → {self.organisation}"

    @property
    def expires_at(self):
        return self.code_sent_at + CONTRACT_CODE_LIFETIME

    def state(self, now=None) -> str:
        if self.attached_at:
            return "договор добавлен"
        if self.tries >= CONTRACT_CODE_TRIES:
            return "попытки исчерпаны"
        if (now or timezone.now()) >= self.expires_at:
            return "код просрочен"
        return "ждет кода"
