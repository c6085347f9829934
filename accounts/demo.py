"""Demo portal users (one per demo contract) and a staff superuser."""

from django.utils import timezone

from accounts.models import Membership, OrganisationContract, Role, User, login_name
from accounts.organisations import open_organisation

# Demo-only credentials, printed by seed_demo and listed in the README.
DEMO_PASSWORD = "Essk-Demo-2026"  # nosec B105
ADMIN_LOGIN = "admin"
ADMIN_PASSWORD = "Essk-Admin-2026"  # nosec B105

DEMO_USERS = (
    (("kemerovo", "1001"), "buh@kuzhleb.example"),
    (("kemerovo", "2002"), "energo@kmz.example"),
    (("berezovsky", "0001с"), "ivanov@example.ru"),
)

# Contracts of the same customer that the owner's organisation holds beside the first.
SECOND_CONTRACTS = {("kemerovo", "2002"): (("kemerovo", "4004"),)}

# Employees of the «Кузбасский хлеб» organisation (contract 1001), logging in by e-mail.
DEMO_EMPLOYEES = (
    ("buhgalter@kuzhleb.example", Role.ACCOUNTANT, ("Петрова", "Анна", "Сергеевна")),
    ("energetik@kuzhleb.example", Role.ENGINEER, ("Сидоров", "Олег", "Иванович")),
)


def _employees(owner: User, logins: list[str]) -> None:
    organisation = owner.membership.organisation
    for email, role, (last_name, first_name, middle_name) in DEMO_EMPLOYEES:
        user, created = User.objects.get_or_create(
            username=email,
            defaults={
                "email": email,
                "email_confirmed_at": timezone.now(),
                "last_name": last_name,
                "first_name": first_name,
                "middle_name": middle_name,
            },
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        membership, _ = Membership.objects.get_or_create(
            user=user, defaults={"organisation": organisation, "role": role}
        )
        membership.contracts.add(owner.contract)
        logins.append(f"  {Role(role).label}: {email} / {DEMO_PASSWORD} (вход по e-mail)")


def seed(ctx: dict, stdout) -> None:
    logins = ["Демо-входы (город / логин / пароль):"]
    for key, email in DEMO_USERS:
        contract = ctx["contracts"][key]
        username = login_name(contract.branch, contract.number)
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "contract": contract,
                "email": email,
                "organisation_name": contract.customer.name,
                "email_confirmed_at": timezone.now(),
            },
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        open_organisation(user)
        logins.append(f"  г. {contract.branch.name} / {contract.number} / {DEMO_PASSWORD}")
        if key == ("kemerovo", "1001"):
            _employees(user, logins)
        for other in SECOND_CONTRACTS.get(key, ()):
            # The same customer's other contract: one login sees both (the switcher).
            OrganisationContract.objects.get_or_create(
                contract=ctx["contracts"][other],
                defaults={"organisation": user.membership.organisation},
            )
    admin, created = User.objects.get_or_create(
        username=ADMIN_LOGIN,
        defaults={
            "is_staff": True,
            "is_superuser": True,
            "email": "admin@eskk.example",
        },
    )
    if ctx.get("production"):
        # With DEBUG off (seed_demo --allow-production) the admin gets no known password.
        if created:
            admin.set_unusable_password()
            admin.save(update_fields=["password"])
        logins.append(
            f"Администратор (/admin/): {ADMIN_LOGIN}, пароль не задан: "
            f"manage.py changepassword {ADMIN_LOGIN}"
        )
    else:
        if created:
            admin.set_password(ADMIN_PASSWORD)
            admin.save(update_fields=["password"])
        logins.append(f"Администратор (/admin/): {ADMIN_LOGIN} / {ADMIN_PASSWORD}")
    # billing.demo's contract left without a cabinet, handed over in the seed context.
    free = ctx["unregistered_contract"]
    logins.append(
        f"Для пробы регистрации (без кабинета): г. {free.branch.name} / {free.number} / "
        f"ИНН {free.customer.inn}, письмо придет на {free.email}"
    )
    ctx["logins"] = logins
