"""The one way a view learns whose data it may show (issue 19).

Every cabinet view is wrapped in `contract_required`. It demands a logged-in
person with a membership in an organisation, takes the contract chosen in the
session (validated against the person's grants every time, so a contract
taken away or a person revoked stops working on the next request), checks
that the person's role opens the URL's section (URL_SECTIONS below) and puts
`request.contract`, `request.membership` and `request.sections` in place.
Views then fetch objects only through helpers that filter by the contract, so
another customer's id is a 404.
"""

from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import Case, Count, IntegerField, Value, When, Window
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from accounts.models import Membership
from accounts.sections import ROLE_SECTIONS, Section, landing_url_name, roles_with

# The session key of the contract a person chose with the switcher.
CHOSEN_CONTRACT = "contract_id"

# Every URL a logged-in person may reach, by name, and the section it belongs to.
# A cabinet URL missing here is refused to everyone, and tests/test_url_access.py
# fails until it gets its rule. None: any person of an organisation (or, outside
# the cabinet, anyone logged in).
URL_SECTIONS: dict[str, Section | None] = {
    "accounts:logout": None,
    "choose_contract": None,
    "accounts:settings": Section.SETTINGS,
    "accounts:password_change": Section.SETTINGS,
    "accounts:email_change": Section.SETTINGS,
    "accounts:email_confirm": Section.SETTINGS,
    "accounts:two_factor": Section.SETTINGS,
    "accounts:two_factor_setup": Section.SETTINGS,
    "accounts:two_factor_codes": Section.SETTINGS,
    "accounts:two_factor_off": Section.SETTINGS,
    "accounts:two_factor_require": Section.ORGANISATION,
    "accounts:contracts": Section.ORGANISATION,
    "accounts:contract_confirm": Section.ORGANISATION,
    "accounts:staff_access": Section.ORGANISATION,
    "accounts:invite": Section.ORGANISATION,
    "accounts:member_edit": Section.ORGANISATION,
    "accounts:member_revoke": Section.ORGANISATION,
    "accounts:invitation_resend": Section.ORGANISATION,
    "accounts:invitation_revoke": Section.ORGANISATION,
    "billing:account": Section.ACCOUNT,
    "billing:history": Section.ACCOUNT,
    "billing:entry": Section.ACCOUNT,
    "billing:penalties": Section.ACCOUNT,
    "calculator:index": Section.CALCULATOR,
    "calculator:sample": Section.CALCULATOR,
    "calculator:upload_job": Section.CALCULATOR,
    "payments:pay": Section.PAYMENTS,
    "payments:list": Section.PAYMENTS,
    "payments:result": Section.PAYMENTS,
    "payments:receipt": Section.PAYMENTS,
    "payments:cancel": Section.PAYMENTS,
    "meters:readings": Section.READINGS,
    "meters:bulk": Section.READINGS,
    "meters:upload": Section.READINGS,
    "meters:upload_job": Section.READINGS,
    "meters:hourly_upload": Section.READINGS,
    "meters:hourly_upload_job": Section.READINGS,
    "meters:history": Section.READINGS,
    "meters:submit": Section.READINGS,
    "documents:invoices": Section.DOCUMENTS,
    "documents:invoices_detail": Section.DOCUMENTS,
    "documents:invoices_pdf": Section.DOCUMENTS,
    "documents:vat_invoices": Section.DOCUMENTS,
    "documents:vat_invoices_detail": Section.DOCUMENTS,
    "documents:vat_invoices_pdf": Section.DOCUMENTS,
    "documents:corrections": Section.DOCUMENTS,
    "documents:corrections_detail": Section.DOCUMENTS,
    "documents:corrections_pdf": Section.DOCUMENTS,
    "documents:reconciliation": Section.DOCUMENTS,
    "documents:reconciliation_pdf": Section.DOCUMENTS,
    "documents:consumption": Section.CONSUMPTION,
    "services:index": Section.SERVICES,
    "services:notifications": Section.SERVICES,
    "services:requests": Section.SERVICES,
    "services:request_new": Section.SERVICES,
    "services:request_create": Section.SERVICES,
    "services:request_detail": Section.SERVICES,
    "services:attachment": Section.SERVICES,
}


def membership_of(user) -> Membership | None:
    """The person's membership, or None for staff and for a revoked person."""
    try:
        return user.membership
    except Membership.DoesNotExist:
        return None


def landing(user) -> str:
    """The URL name a person lands on after login: the first section their role opens."""
    membership = membership_of(user)
    return landing_url_name(membership.role) if membership else "home"


def chosen_contract(request: HttpRequest, membership: Membership):
    """The contract chosen in the session if it is still granted, else the person's own
    (their login contract) or the first granted one; None when nothing is granted."""
    wanted = request.session.get(CHOSEN_CONTRACT) or request.user.contract_id
    # One query: the contract and, for the switcher, how many the person may choose.
    return (
        membership.granted_contracts()
        .select_related("branch", "customer")
        .annotate(
            _wanted=Case(
                When(pk=wanted, then=Value(0)), default=Value(1), output_field=IntegerField()
            ),
            granted_count=Window(Count("pk")),
        )
        .order_by("_wanted", "branch__name", "number")
        .first()
    )


def section_denied(request: HttpRequest, section: Section) -> HttpResponse:
    """403 that names the roles that open the section, in the cabinet's layout."""
    return render(
        request,
        "core/section_denied.html",
        {"title": "Нет доступа", "roles": roles_with(section)},
        status=403,
    )


# What a person of an organisation that requires two-factor login may open before turning it on.
TWO_FACTOR_SETUP = frozenset(
    {"accounts:two_factor", "accounts:two_factor_setup", "accounts:two_factor_codes"}
)


def _verified(user) -> bool:
    """The session passed a two-factor code (django-otp's OTPMiddleware)."""
    is_verified = getattr(user, "is_verified", None)
    return bool(is_verified and is_verified())


def two_factor_missing(request: HttpRequest, *, name: str) -> HttpResponse | None:
    """The organisation requires a code: a person without one goes to turn it on; a person
    who has one but whose session did not pass it logs in again (and is asked for it)."""
    from accounts import two_factor

    if two_factor.is_on(request.user):
        logout(request)
        return redirect_to_login(request.get_full_path())
    if name in TWO_FACTOR_SETUP:
        return None
    messages.warning(
        request,
        "Ваша организация требует двухфакторный вход. Включите его, чтобы продолжить.",
    )
    return redirect("accounts:two_factor")


def contract_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Allow a person of an organisation into a section their role opens, on a granted
    contract; staff without one are refused, a revoked person is logged out."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        membership = membership_of(user)
        if membership is None:
            if user.is_staff:
                raise PermissionDenied("Нет договора, привязанного к учетной записи.")
            # Revoked by the organisation: this and every other session of the person ends.
            logout(request)
            return redirect_to_login(request.get_full_path())
        if membership.organisation.require_two_factor and not _verified(user):
            refused = two_factor_missing(request, name=request.resolver_match.view_name)
            if refused is not None:
                return refused
        sections = ROLE_SECTIONS[membership.role]
        request.membership = membership
        request.sections = sections
        name = request.resolver_match.view_name
        if name not in URL_SECTIONS:
            raise PermissionDenied("Для этой страницы не задано правило доступа.")
        section = URL_SECTIONS[name]
        if section is not None and section not in sections:
            return section_denied(request, section)
        contract = chosen_contract(request, membership)
        if contract is None:
            raise PermissionDenied("Вам не открыт ни один договор организации.")
        request.contract = contract
        return view(request, *args, **kwargs)

    wrapper.cabinet_view = True
    return wrapper
