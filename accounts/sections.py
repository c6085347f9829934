"""Which cabinet sections each role opens (issue 19).

- «Руководитель»: everything, including «Доступ сотрудников» and «Договоры» of «Настройки»
  (Section.ORGANISATION: the organisation's people and contracts);
- «Бухгалтер»: the account, payments, every document (with «Акт сверки»), the calculator;
  no readings;
- «Энергетик»: readings (form, table, upload), «Расшифровка потребления», the calculator,
  «Дополнительные услуги»; no payments, no financial documents.
Every person keeps «Настройки» (password, e-mail, two-factor login) for themselves.
The URL of each section is in core.access.URL_SECTIONS.
"""

from enum import StrEnum

from accounts.models import Role


class Section(StrEnum):
    ACCOUNT = "account"
    PAYMENTS = "payments"
    DOCUMENTS = "documents"
    CONSUMPTION = "consumption"
    READINGS = "readings"
    CALCULATOR = "calculator"
    SERVICES = "services"
    SETTINGS = "settings"
    ORGANISATION = "organisation"
    STAFF = "staff"


ROLE_SECTIONS: dict[str, frozenset[Section]] = {
    Role.OWNER: frozenset(Section),
    Role.ACCOUNTANT: frozenset(
        {
            Section.ACCOUNT,
            Section.PAYMENTS,
            Section.DOCUMENTS,
            Section.CONSUMPTION,
            Section.CALCULATOR,
            Section.SETTINGS,
        }
    ),
    Role.ENGINEER: frozenset(
        {
            Section.READINGS,
            Section.CONSUMPTION,
            Section.CALCULATOR,
            Section.SERVICES,
            Section.SETTINGS,
        }
    ),
}

# Where a person lands after login: the first section of this list their role opens.
LANDING = (
    (Section.ACCOUNT, "billing:account"),
    (Section.READINGS, "meters:readings"),
    (Section.SETTINGS, "accounts:settings"),
)


def roles_with(section: Section) -> list[str]:
    """The names of the roles that open a section, for the «нет доступа» page."""
    return [Role(role).label for role, sections in ROLE_SECTIONS.items() if section in sections]


def landing_url_name(role: str) -> str:
    return next(name for section, name in LANDING if section in ROLE_SECTIONS[role])
