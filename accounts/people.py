"""How a person is named on what they did (issue 19): «Иванова Е. П., бухгалтер».

The one place that names a person: the readings history, «Мои платежи», requests and the
audit log all call `attribution` (in templates, the `who` filter of `people`). A page that
lists many rows selects `<user field>__membership` so that the role costs no query a row.
"""

from accounts.models import Membership, Role

# The role as it follows a name, in lower case: «Иванова Е. П., бухгалтер».
ROLE_WORDS = {
    Role.OWNER: "руководитель",
    Role.ACCOUNTANT: "бухгалтер",
    Role.ENGINEER: "энергетик",
}
STAFF_WORD = "сотрудник ЭССК"


def person_name(user) -> str:
    """«Иванова Е. П.»: the surname and initials, else the e-mail, else the login."""
    if user is None:
        return ""
    if user.last_name:
        initials = " ".join(f"{part[0]}." for part in (user.first_name, user.middle_name) if part)
        return f"{user.last_name} {initials}".strip()
    return user.email or user.username


def attribution(user) -> str:
    """«Иванова Е. П., бухгалтер»: the name and the person's role in the organisation
    (staff: «сотрудник ЭССК»; a person no longer in it: the name alone)."""
    if user is None:
        return ""
    name = person_name(user)
    if user.is_staff:
        return f"{name}, {STAFF_WORD}"
    try:
        role = user.membership.role
    except Membership.DoesNotExist:
        return name
    return f"{name}, {ROLE_WORDS[role]}"
