"""Staff see an organisation with its contracts and people in the admin."""

from django.urls import reverse


def test_staff_see_the_organisation_with_its_contract_and_owner(client, stella, alice):
    client.force_login(stella)
    organisation = alice.membership.organisation
    listing = client.get(reverse("admin:accounts_organisation_changelist"), {"q": "1001"})
    assert listing.status_code == 200 and "ООО «Альфа»" in listing.content.decode()
    page = client.get(reverse("admin:accounts_organisation_change", args=[organisation.pk]))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Руководитель" in text and "kemerovo/1001" in text
