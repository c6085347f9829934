"""Staff see flagged readings, correct readings and close a period in the admin."""

import datetime as dt

from django.urls import reverse

from meters.models import ClosedPeriod, Reading


def test_staff_see_flagged_readings(client, stella, alice_meter, last_month_end):
    Reading.objects.filter(meter=alice_meter, date=last_month_end).update(
        status=Reading.Status.FLAGGED
    )
    client.force_login(stella)
    url = reverse("admin:meters_reading_changelist")
    response = client.get(url, {"status__exact": "flagged"})
    assert response.context["cl"].result_count == 1
    page = response.content.decode()
    assert "108008060" in page and "требует проверки" in page


def test_a_correction_by_staff_is_marked_as_theirs(client, stella, alice_meter, last_month_end):
    reading = Reading.objects.get(meter=alice_meter, date=last_month_end)
    client.force_login(stella)
    url = reverse("admin:meters_reading_change", args=[reading.pk])
    response = client.post(
        url,
        {
            "meter": alice_meter.pk,
            "date": last_month_end.strftime("%d.%m.%Y"),
            "zone": "T",
            "value": "36160",
            "status": "accepted",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    reading.refresh_from_db()
    assert (reading.value, reading.source, reading.submitted_by) == (36160, "staff", stella)


def test_staff_close_a_period_by_any_day_of_the_month(client, stella):
    client.force_login(stella)
    response = client.post(reverse("admin:meters_closedperiod_add"), {"month": "15.10.2026"})
    assert response.status_code == 302
    period = ClosedPeriod.objects.get()
    assert (period.month, period.closed_by) == (dt.date(2026, 10, 1), stella)
    assert str(period) == "октябрь 2026"


def test_staff_cannot_mark_a_small_drop_as_a_rollover(client, stella, alice_meter):
    from django.utils import timezone

    client.force_login(stella)
    data = {
        "meter": alice_meter.pk,
        "date": timezone.localdate().strftime("%d.%m.%Y"),
        "zone": "T",
        "value": "36150",
        "status": "accepted",
        "rollover": "on",
    }
    response = client.post(reverse("admin:meters_reading_add"), data)
    assert response.status_code == 200
    (message,) = response.context["adminform"].form.errors["rollover"]
    assert message.startswith("Показание меньше предыдущего (36 156), а переход через ноль")
    assert not Reading.objects.filter(value=36150).exists()
    # Without the box it is a correction, and is saved as one.
    del data["rollover"]
    assert client.post(reverse("admin:meters_reading_add"), data).status_code == 302
