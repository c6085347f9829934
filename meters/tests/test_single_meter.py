"""«Передача показаний» of a contract with one meter: no chooser, the meter named."""

import re

from django.urls import reverse


def test_with_a_single_meter_the_label_names_it(alice_client, alice_meter):
    text = alice_client.get(reverse("meters:readings")).content.decode()
    assert 'name="meter"' not in text
    label = re.search(r"<strong>Прибор учета:</strong>([^<]*)</p>", text)
    assert label and label.group(1).strip() == "№ 108008060, СКАТ 101Э/1-3 ШР1"
