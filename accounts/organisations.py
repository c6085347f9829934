"""Organisations, their contracts and their people (issue 19)."""

import secrets
from datetime import timedelta

from django.core import signing
from django.db import transaction
from django.db.models import Case, F, Value, When
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from accounts import mail, tokens
from accounts.models import (
    INVITATION_LIFETIME,
    ContractClaim,
    Invitation,
    Membership,
    Organisation,
    OrganisationContract,
    Role,
    User,
)
from accounts.people import person_name
from billing.ledger import account_summaries
from billing.models import Contract
from core.audit import record
from meters.readings import last_reading_dates


@transaction.atomic
def open_organisation(user: User) -> Membership | None:
    """Make the person who registered a contract the «Руководитель» of an organisation
    holding that contract; a person who already has a membership keeps it.

    A contract already attached to another organisation stays there: its
    registrant gets no membership (and so no cabinet) until staff decide.
    """
    membership = Membership.objects.filter(user=user).first()
    if membership is not None:
        return membership
    contract = user.contract
    link = OrganisationContract.objects.filter(contract=contract).first()
    if link is None:
        organisation = Organisation.objects.create(customer_id=contract.customer_id)
        OrganisationContract.objects.create(organisation=organisation, contract=contract)
    else:
        organisation = link.organisation
        if organisation.memberships.exists():
            return None
    return Membership.objects.create(user=user, organisation=organisation, role=Role.OWNER)


def contracts_overview(membership: Membership) -> list[dict]:
    """Every contract the person may choose with its debt, penalty and last reading date
    (billing's and meters' own figures), for the summary on «Лицевой счет»: three queries."""
    contracts = list(membership.granted_contracts().select_related("branch"))
    ids = [contract.pk for contract in contracts]
    summaries = account_summaries(ids)
    readings = last_reading_dates(ids)
    return [
        {
            "contract": contract,
            "summary": summaries[contract.pk],
            "last_reading": readings.get(contract.pk),
        }
        for contract in contracts
    ]


# --- «Доступ сотрудников»: invitations, roles, revocation ---------------------------

INVITATION_SALT = "accounts.invitation"
# At most this many invitations an hour per organisation: the form is no mail cannon.
INVITATIONS_PER_HOUR = 20


class LastOwner(Exception):
    """The change would leave the organisation without a «Руководитель»."""


class TooManyInvitations(Exception):
    """INVITATIONS_PER_HOUR reached."""


class AlreadyMember(Exception):
    """The address is already one of the organisation's people."""


def end_sessions(user: User) -> None:
    """Every session of the person ends at their next request: the session version is part
    of the hash each session carries (User._get_session_auth_hash)."""
    User.objects.filter(pk=user.pk).update(session_version=F("session_version") + 1)
    user.session_version += 1


def _lock(organisation: Organisation) -> None:
    """Changes to one organisation's people take turns (the last-owner rule reads a count)."""
    Organisation.objects.select_for_update().filter(pk=organisation.pk).first()


def _grant(target, role: str, contracts) -> None:
    """Role and contracts; a «Руководитель» sees every contract, so none are listed."""
    target.role = role
    target.save()
    target.contracts.set([] if role == Role.OWNER else contracts)


def invitation_link(invitation: Invitation, absolute_url) -> str:
    token = signing.dumps({"i": invitation.pk, "n": invitation.nonce}, salt=INVITATION_SALT)
    return absolute_url(reverse("accounts:invitation_accept", args=[token]))


def send_invitation(invitation: Invitation, absolute_url) -> None:
    """(Re)send the link: a new nonce and sending time, so an earlier link stops working."""
    invitation.nonce = secrets.token_hex(16)
    invitation.sent_at = timezone.now()
    invitation.save(update_fields=["nonce", "sent_at"])
    inviter = invitation.invited_by
    mail.send_after_commit(
        "invitation",
        invitation.email,
        {
            "invitation": invitation,
            "organisation": invitation.organisation.customer.name,
            "inviter": person_name(inviter) if inviter else "",
            "link": invitation_link(invitation, absolute_url),
            "expires_at": timezone.localtime(invitation.expires_at),
        },
    )


@transaction.atomic
def invite(
    organisation: Organisation,
    *,
    email: str,
    role: str,
    contracts,
    invited_by: User,
    absolute_url,
    request=None,
) -> Invitation:
    """Invite a person by e-mail with a role and contracts (the owner's «Пригласить»).

    An open invitation to the same address is replaced. Whether the address has an
    account anywhere is never looked at: accepting makes a new one (issue 19).
    """
    _lock(organisation)
    since = timezone.now() - timedelta(hours=1)
    if organisation.invitations.filter(sent_at__gte=since).count() >= INVITATIONS_PER_HOUR:
        raise TooManyInvitations
    if organisation.memberships.filter(user__email__iexact=email, user__is_active=True).exists():
        raise AlreadyMember
    organisation.invitations.filter(email__iexact=email, accepted_at=None, revoked_at=None).update(
        revoked_at=timezone.now()
    )
    invitation = Invitation(organisation=organisation, email=email, invited_by=invited_by)
    _grant(invitation, role, contracts)
    send_invitation(invitation, absolute_url)
    record(
        "access.invited",
        request=request,
        user=invited_by,
        target=email,
        organisation=organisation.pk,
        role=role,
    )
    return invitation


@transaction.atomic
def resend_invitation(invitation: Invitation, absolute_url, *, request=None) -> bool:
    """The link again (a new one) for an invitation not accepted or revoked; False otherwise."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at or invitation.revoked_at:
        return False
    send_invitation(invitation, absolute_url)
    record("access.invitation_resent", request=request, target=invitation.email)
    return True


@transaction.atomic
def revoke_invitation(invitation: Invitation, *, request=None) -> bool:
    revoked = Invitation.objects.filter(pk=invitation.pk, accepted_at=None, revoked_at=None).update(
        revoked_at=timezone.now()
    )
    if revoked:
        record("access.invitation_revoked", request=request, target=invitation.email)
    return bool(revoked)


def read_invitation(token: str) -> Invitation:
    """The open invitation a link was made for; raises tokens.LinkInvalid, LinkExpired, LinkUsed."""
    try:
        data = signing.loads(token, salt=INVITATION_SALT, max_age=INVITATION_LIFETIME)
    except signing.SignatureExpired:
        raise tokens.LinkExpired from None
    except signing.BadSignature:
        raise tokens.LinkInvalid from None
    invitation = (
        Invitation.objects.select_related("organisation__customer").filter(pk=data.get("i")).first()
    )
    if invitation is None:
        raise tokens.LinkInvalid
    if not constant_time_compare(str(data.get("n", "")), invitation.nonce):
        raise tokens.LinkUsed  # a later sending replaced this link
    if invitation.accepted_at or invitation.revoked_at:
        raise tokens.LinkUsed
    if timezone.now() >= invitation.expires_at:
        raise tokens.LinkExpired
    return invitation


def password_taken(email: str, password: str) -> bool:
    """Another account of the address logs in with this password: login by e-mail could not
    tell them apart. Only the invitee, who holds the mailbox, is ever told."""
    others = User.objects.filter(email__iexact=email, email_confirmed_at__isnull=False)
    return any(user.check_password(password) for user in others)


def _free_username(email: str, invitation: Invitation) -> str:
    if not User.objects.filter(username__iexact=email).exists():
        return email
    return f"{email}/{invitation.pk}"


@transaction.atomic
def accept_invitation(
    token: str, *, last_name: str, first_name: str, middle_name: str, password: str, request=None
) -> User:
    """The invitee's new account: the e-mail is confirmed by the link, the role and contracts
    are those of the invitation; the link works once (a conditional UPDATE claims it)."""
    invitation = read_invitation(token)
    now = timezone.now()
    user = User(
        username=_free_username(invitation.email.lower(), invitation),
        email=invitation.email.lower(),
        email_confirmed_at=now,
        last_name=last_name,
        first_name=first_name,
        middle_name=middle_name,
    )
    user.set_password(password)
    user.save()
    claimed = Invitation.objects.filter(
        pk=invitation.pk, nonce=invitation.nonce, accepted_at=None, revoked_at=None
    ).update(accepted_at=now, accepted_by=user)
    if not claimed:
        raise tokens.LinkUsed
    membership = Membership(user=user, organisation=invitation.organisation)
    _grant(membership, invitation.role, invitation.contracts.all())
    record(
        "access.invitation_accepted",
        request=request,
        user=user,
        organisation=invitation.organisation_id,
        role=invitation.role,
    )
    return user


def _owners_left(organisation: Organisation, without: Membership) -> int:
    return (
        organisation.memberships.filter(role=Role.OWNER, user__is_active=True)
        .exclude(pk=without.pk)
        .count()
    )


@transaction.atomic
def change_access(membership: Membership, *, role: str, contracts, request=None) -> None:
    """A new role or other contracts for a person; their sessions end at once. The last
    «Руководитель» keeps the role (LastOwner)."""
    _lock(membership.organisation)
    membership = Membership.objects.select_related("user", "organisation").get(pk=membership.pk)
    if (
        membership.role == Role.OWNER
        and role != Role.OWNER
        and not _owners_left(membership.organisation, membership)
    ):
        raise LastOwner
    attached = Contract.objects.filter(
        organisation_link__organisation_id=membership.organisation_id
    )
    before = (membership.role, set(membership.contracts.values_list("pk", flat=True)))
    _grant(membership, role, attached.filter(pk__in=[c.pk for c in contracts]))
    after = (membership.role, set(membership.contracts.values_list("pk", flat=True)))
    if before != after:
        end_sessions(membership.user)
        record(
            "access.changed",
            request=request,
            target=membership.user.username,
            role=role,
            contracts=", ".join(str(pk) for pk in sorted(after[1])),
        )


@transaction.atomic
def revoke(membership: Membership, *, request=None) -> None:
    """Take a person's access away: the account is switched off, its sessions end at once.
    Their name stays on what they did. The last «Руководитель» cannot be removed."""
    _lock(membership.organisation)
    membership = Membership.objects.select_related("user", "organisation").get(pk=membership.pk)
    if membership.role == Role.OWNER and not _owners_left(membership.organisation, membership):
        raise LastOwner
    user = membership.user
    membership.delete()
    User.objects.filter(pk=user.pk).update(is_active=False)
    end_sessions(user)
    record("access.revoked", request=request, target=user.username)


@transaction.atomic
def require_two_factor(organisation: Organisation, require: bool, *, request=None) -> None:
    """Every person of the organisation logs in with a code (core.access enforces it)."""
    Organisation.objects.filter(pk=organisation.pk).update(require_two_factor=require)
    organisation.require_two_factor = require
    record(
        "two_factor.required" if require else "two_factor.not_required",
        request=request,
        organisation=organisation.pk,
    )


def organisation_people(organisation: Organisation):
    """The organisation's people with their contracts, the heads first."""
    return (
        organisation.memberships.select_related("user")
        .prefetch_related("contracts__branch")
        .order_by(
            Case(When(role=Role.OWNER, then=Value(0)), default=Value(1)),
            "user__last_name",
            "user__email",
        )
    )


def open_invitations(organisation: Organisation):
    return (
        organisation.invitations.filter(accepted_at=None, revoked_at=None)
        .prefetch_related("contracts__branch")
        .order_by("-sent_at")
    )


# --- «Настройки» → «Договоры»: adding a contract with a one-time code -----------------

CONTRACT_CODE_SALT = "accounts.contract_claim"
# At most this many requests an hour per organisation.
CONTRACT_CLAIMS_PER_HOUR = 10


class TooManyClaims(Exception):
    """CONTRACT_CLAIMS_PER_HOUR reached."""


class ClaimRefused(Exception):
    """A wrong or spent code, or a contract that cannot be added: one answer for all."""


def _code_hash(claim: ContractClaim, code: str) -> str:
    return salted_hmac(CONTRACT_CODE_SALT, f"{claim.pk}|{code}").hexdigest()


def new_contract_code(claim: ContractClaim) -> str:
    """A fresh six-digit code for the claim (the earlier one stops working), counted anew."""
    code = f"{secrets.randbelow(10**6):06d}"
    claim.code_hash = _code_hash(claim, code)
    claim.code_sent_at = timezone.now()
    claim.tries = 0
    claim.save(update_fields=["code_hash", "code_sent_at", "tries"])
    return code


def attachable(organisation: Organisation, contract: Contract | None) -> bool:
    """A contract of the organisation's ИНН that no organisation holds yet."""
    return (
        contract is not None
        and contract.customer.inn == organisation.customer.inn
        and not OrganisationContract.objects.filter(contract=contract).exists()
    )


@transaction.atomic
def request_contract(
    organisation: Organisation, *, branch, number: str, requested_by: User, request=None
) -> ContractClaim:
    """Start adding a contract: the code goes to the contract's e-mail in billing when the
    contract can be added and has one; otherwise staff give it by phone, or (for a contract
    of another ИНН, or none) nobody can. The caller says the same in every case."""
    _lock(organisation)
    since = timezone.now() - timedelta(hours=1)
    if (
        organisation.contract_claims.filter(created_at__gte=since).count()
        >= CONTRACT_CLAIMS_PER_HOUR
    ):
        raise TooManyClaims
    number = number.strip()
    contract = (
        Contract.objects.select_related("customer", "branch")
        .filter(branch=branch, number=number)
        .first()
    )
    claim = ContractClaim.objects.create(
        organisation=organisation,
        branch=branch,
        number=number,
        contract=contract,
        requested_by=requested_by,
    )
    code = new_contract_code(claim)
    if attachable(organisation, contract) and contract.email:
        mail.send_after_commit(
            "contract-code",
            contract.email,
            {
                "contract": contract,
                "organisation": organisation.customer.name,
                "code": code,
                "expires_at": timezone.localtime(claim.expires_at),
            },
        )
    record(
        "contract.claim_requested",
        request=request,
        user=requested_by,
        target=f"{branch.code}/{number}",
        organisation=organisation.pk,
        known=contract is not None,
    )
    return claim


def confirm_contract(claim: ContractClaim, code: str, *, request=None) -> Contract:
    """Attach the claimed contract when the code is right; ClaimRefused otherwise (a wrong
    code spends one of CONTRACT_CODE_TRIES, and that is kept)."""
    with transaction.atomic():
        contract = _attach_claimed(claim, "".join(code.split()), request)
    if contract is None:
        raise ClaimRefused
    return contract


def _attach_claimed(claim: ContractClaim, code: str, request) -> Contract | None:
    claim = (
        # Only the claim's row is locked: its contract is a nullable join, which PostgreSQL
        # cannot lock (FOR UPDATE on the nullable side of an outer join).
        ContractClaim.objects.select_for_update(of=("self",))
        .select_related("organisation__customer", "contract__customer", "contract__branch")
        .get(pk=claim.pk)
    )
    if claim.state() != "ждет кода":
        return None
    if not constant_time_compare(_code_hash(claim, code), claim.code_hash):
        ContractClaim.objects.filter(pk=claim.pk).update(tries=F("tries") + 1)
        record("contract.claim_wrong_code", request=request, target=claim.number)
        return None
    if not attachable(claim.organisation, claim.contract):
        record("contract.claim_refused", request=request, target=claim.number)
        return None
    OrganisationContract.objects.create(organisation=claim.organisation, contract=claim.contract)
    claim.attached_at = timezone.now()
    claim.save(update_fields=["attached_at"])
    record(
        "contract.attached",
        request=request,
        target=str(claim.contract),
        organisation=claim.organisation_id,
    )
    return claim.contract
