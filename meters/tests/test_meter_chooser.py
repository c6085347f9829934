"""The meter chooser of «Передача показаний», written without the template engine for speed."""

from django.urls import reverse

from meters.tests.conftest import make_meter


def test_the_chooser_escapes_what_the_billing_system_wrote(alice_client, alice_contract):
    make_meter(alice_contract, "1<b>", model='Меркурий "<script>"', point_code="ТП-<i>")
    make_meter(alice_contract, "2", model="СКАТ")
    text = alice_client.get(reverse("meters:readings")).content.decode()
    assert "<script>" not in text and "<b>" not in text and "<i>" not in text
    assert "№ 1&lt;b&gt; Меркурий &quot;&lt;script&gt;&quot;" in text
    assert '<optgroup label="ТП-&lt;i&gt;:' in text


def test_the_chosen_meter_is_the_selected_option(alice_client, alice_contract):
    make_meter(alice_contract, "1")
    second = make_meter(alice_contract, "2", is_automatic=True)
    text = alice_client.get(reverse("meters:readings"), {"meter": second.pk}).content.decode()
    assert f'<option value="{second.pk}" selected>№ 2 СКАТ 101Э/1-3 ШР1 (АИИСКУЭ)</option>' in text
    assert text.count(" selected>") == 1
