"""Organisations, their contracts and their people (issue 19)."""

from django.db import transaction

from accounts.models import Membership, Organisation, OrganisationContract, Role, User
from billing.ledger import account_summaries
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
