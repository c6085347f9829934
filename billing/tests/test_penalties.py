"""The penalty rule (35-ФЗ art. 37 п. 2, ПП № 442 п. 82) on worked examples.

Every figure below is worked out by hand in the comments: base × days × key rate / 100 / 130,
rounded to the kopeck half up.
"""

import datetime as dt
from decimal import Decimal

import pytest

from billing.penalties import (
    KeyRates,
    Obligation,
    Operation,
    calculate,
    next_working_day,
    obligations,
    penalty_amount,
    penalty_lines,
)

D = Decimal
RATES = KeyRates(
    [
        (dt.date(2025, 10, 27), D("16.50")),
        (dt.date(2025, 12, 22), D("16.00")),
        (dt.date(2026, 2, 16), D("15.50")),
    ]
)


def accrual(day, period, amount):
    return Operation("accrual", day, debit=D(amount), period=period)


def payment(day, amount):
    return Operation("payment", day, credit=D(amount))


def test_a_day_costs_one_130th_of_the_key_rate_on_the_overdue_amount():
    # 120 000,00 × 10 days × 15,5 % / 130 = 186 000 × 0,155 / 130 ... = 1 430,769… → 1 430,77
    assert penalty_amount(D("120000.00"), 10, D("15.50")) == D("1430.77")
    # half a kopeck rounds up: 1 300,00 × 1 × 0,5 % / 130 = 0,05 exactly; 0,065 → 0,07
    assert penalty_amount(D("1300.00"), 1, D("0.50")) == D("0.05")
    assert penalty_amount(D("1690.00"), 1, D("0.50")) == D("0.07")


def test_a_term_on_a_day_off_moves_to_the_next_working_day():
    assert next_working_day(dt.date(2026, 10, 10)) == dt.date(2026, 10, 12)  # Saturday → Monday
    assert next_working_day(dt.date(2026, 11, 4)) == dt.date(2026, 11, 5)  # Народного единства
    assert next_working_day(dt.date(2026, 1, 10)) == dt.date(2026, 1, 12)
    assert next_working_day(dt.date(2026, 11, 18)) == dt.date(2026, 11, 18)  # a Wednesday


def test_late_days_run_from_the_day_after_the_due_date_to_the_payment_day_inclusive():
    # 120 000,00 due 18.11.2026, paid 28.11.2026: late 19.11 … 28.11 = 10 days, at the
    # rate of the day of payment 15,5 %: 120 000 × 10 × 15,5 % / 130 = 1 430,77.
    due = [Obligation(dt.date(2026, 11, 18), D("120000.00"), "Окончательный расчет")]
    lines = penalty_lines(
        due, [(dt.date(2026, 11, 28), D("120000.00"))], RATES, dt.date(2026, 11, 30)
    )
    assert [
        (line.base, line.date_from, line.date_to, line.days, line.rate, line.amount)
        for line in lines
    ] == [
        (D("120000.00"), dt.date(2026, 11, 19), dt.date(2026, 11, 28), 10, D("15.50"), D("1430.77"))
    ]


def test_a_payment_on_the_due_date_costs_nothing():
    due = [Obligation(dt.date(2026, 11, 18), D("120000.00"), "Окончательный расчет")]
    assert (
        penalty_lines(due, [(dt.date(2026, 11, 18), D("120000.00"))], RATES, dt.date(2026, 11, 30))
        == []
    )


def test_a_part_payment_leaves_the_rest_late_until_it_is_paid():
    # 50 000,00 due 18.11.2026; 20 000 paid 23.11 (5 days), 30 000 paid 03.12 (15 days):
    #   20 000 × 5 × 15,5 % / 130 = 119,230… → 119,23; 30 000 × 15 × 15,5 % / 130 = 536,538… → 536,54
    due = [Obligation(dt.date(2026, 11, 18), D("50000.00"), "Окончательный расчет")]
    paid = [(dt.date(2026, 11, 23), D("20000.00")), (dt.date(2026, 12, 3), D("30000.00"))]
    lines = penalty_lines(due, paid, RATES, dt.date(2026, 12, 31))
    assert [(line.base, line.days, line.amount) for line in lines] == [
        (D("20000.00"), 5, D("119.23")),
        (D("30000.00"), 15, D("536.54")),
    ]


def test_without_a_previous_month_the_whole_charge_is_due_on_the_18th_of_the_next_month():
    ops = [accrual(dt.date(2026, 10, 31), dt.date(2026, 10, 1), "120000.00")]
    due = obligations(ops, dt.date(2026, 10, 31))
    assert [(o.label, o.due, o.amount) for o in due] == [
        ("Окончательный расчет за октябрь 2026", dt.date(2026, 11, 18), D("120000.00"))
    ]


def test_advances_of_30_and_40_percent_are_taken_on_the_previous_months_charge():
    # September 100 000,00 and October 120 000,00; on 30.11.2026 the portal knows:
    #   Oct advance 30 % = 30 000 (on min(100 000, 120 000)), due 10.10 (Sat) → 12.10
    #   Sep final        = 100 000, due 18.10 (Sun) → 19.10
    #   Oct advance 40 % = 40 000, due 25.10 (Sun) → 26.10
    #   Nov advance 30 % = 36 000 (on October's 120 000; November not charged yet), due 10.11
    #   Oct final        = 120 000 − 70 000 = 50 000, due 18.11
    #   Nov advance 40 % = 48 000, due 25.11
    # Payments go to the oldest obligation first:
    #   15.10: 130 000 → Oct 30 % (3 days late: 13–15.10) and Sep final (early)
    #          30 000 × 3 × 15,5 % / 130 = 107,307… → 107,31
    #   26.10:  40 000 → Oct 40 % on time
    #   18.11:  86 000 → Nov 30 % (8 days late: 11–18.11): 36 000 × 8 × 15,5 % / 130 = 343,38
    #                     and Oct final on time
    #   Nov 40 % unpaid on 30.11: 5 days (26–30.11) at the rate of the calculation day
    #          48 000 × 5 × 15,5 % / 130 = 286,153… → 286,15
    # Total 107,31 + 343,38 + 286,15 = 736,84.
    ops = [
        accrual(dt.date(2026, 9, 30), dt.date(2026, 9, 1), "100000.00"),
        accrual(dt.date(2026, 10, 31), dt.date(2026, 10, 1), "120000.00"),
        payment(dt.date(2026, 10, 15), "130000.00"),
        payment(dt.date(2026, 10, 26), "40000.00"),
        payment(dt.date(2026, 11, 18), "86000.00"),
    ]
    on = dt.date(2026, 11, 30)
    assert [(o.label, o.due, o.amount) for o in obligations(ops, on)] == [
        ("Аванс 30 % за октябрь 2026", dt.date(2026, 10, 12), D("30000.00")),
        ("Окончательный расчет за сентябрь 2026", dt.date(2026, 10, 19), D("100000.00")),
        ("Аванс 40 % за октябрь 2026", dt.date(2026, 10, 26), D("40000.00")),
        ("Аванс 30 % за ноябрь 2026", dt.date(2026, 11, 10), D("36000.00")),
        ("Окончательный расчет за октябрь 2026", dt.date(2026, 11, 18), D("50000.00")),
        ("Аванс 40 % за ноябрь 2026", dt.date(2026, 11, 25), D("48000.00")),
    ]
    lines, total = calculate(ops, RATES, on)
    assert [(line.base, line.days, line.paid_on, line.amount) for line in lines] == [
        (D("30000.00"), 3, dt.date(2026, 10, 15), D("107.31")),
        (D("36000.00"), 8, dt.date(2026, 11, 18), D("343.38")),
        (D("48000.00"), 5, None, D("286.15")),
    ]
    assert total == D("736.84")


def test_an_advance_never_exceeds_what_the_month_turned_out_to_cost():
    # September 100 000,00, October only 50 000,00: October's advances are 30 % and 40 %
    # of 50 000 (15 000 and 20 000), the final term 15 000.
    ops = [
        accrual(dt.date(2026, 9, 30), dt.date(2026, 9, 1), "100000.00"),
        accrual(dt.date(2026, 10, 31), dt.date(2026, 10, 1), "50000.00"),
    ]
    october = [
        (o.label, o.amount) for o in obligations(ops, dt.date(2026, 10, 31)) if "октябрь" in o.label
    ]
    assert october == [
        ("Аванс 30 % за октябрь 2026", D("15000.00")),
        ("Аванс 40 % за октябрь 2026", D("20000.00")),
        ("Окончательный расчет за октябрь 2026", D("15000.00")),
    ]


def test_an_unpaid_debt_is_priced_at_the_rate_of_the_calculation_day_a_paid_one_at_the_payment_day():
    # November 2025: 80 000,00 due 18.12.2025; December advances on it: 24 000 due 10.12.2025,
    # 32 000 due 25.12.2025. 80 000 paid on 20.01.2026 (key rate 16 %), calculated on
    # 20.02.2026 (key rate 15,5 % since 16.02):
    #   Dec 30 %  24 000 paid 20.01: 41 days (11.12–20.01) × 16 %   = 1 211,076… → 1 211,08
    #   Nov final 56 000 paid 20.01: 33 days (19.12–20.01) × 16 %   = 2 274,461… → 2 274,46
    #   Nov final 24 000 unpaid:     64 days (19.12–20.02) × 15,5 % = 1 831,384… → 1 831,38
    #   Dec 40 %  32 000 unpaid:     57 days (26.12–20.02) × 15,5 % = 2 174,769… → 2 174,77
    ops = [
        accrual(dt.date(2025, 11, 30), dt.date(2025, 11, 1), "80000.00"),
        payment(dt.date(2026, 1, 20), "80000.00"),
    ]
    lines, total = calculate(ops, RATES, dt.date(2026, 2, 20))
    assert [(line.base, line.days, line.rate, line.amount) for line in lines] == [
        (D("24000.00"), 41, D("16.00"), D("1211.08")),
        (D("56000.00"), 33, D("16.00"), D("2274.46")),
        (D("24000.00"), 64, D("15.50"), D("1831.38")),
        (D("32000.00"), 57, D("15.50"), D("2174.77")),
    ]
    assert total == D("7491.69")


def test_the_same_unpaid_debt_costs_more_when_the_rate_was_higher_on_the_calculation_day():
    ops = [accrual(dt.date(2025, 11, 30), dt.date(2025, 11, 1), "80000.00")]
    # 15.02.2026: rate 16 %; 80 000 final, 59 days; advances 24 000 × 67 and 32 000 × 52
    _, before_cut = calculate(ops, RATES, dt.date(2026, 2, 15))
    assert before_cut == penalty_amount(D("24000"), 67, D("16")) + penalty_amount(
        D("80000"), 59, D("16")
    ) + penalty_amount(D("32000"), 52, D("16"))
    # 16.02.2026: one day more, but the whole unpaid debt is re-priced at 15,5 %
    _, after_cut = calculate(ops, RATES, dt.date(2026, 2, 16))
    assert after_cut < before_cut


def test_a_decrease_corrects_its_month_and_an_increase_is_due_after_it_was_issued():
    ops = [
        accrual(dt.date(2026, 9, 30), dt.date(2026, 9, 1), "100000.00"),
        Operation("correction", dt.date(2026, 10, 5), credit=D("10000.00"), period=dt.date(2026, 9, 1)),
        Operation("correction", dt.date(2026, 12, 2), debit=D("5000.00"), period=dt.date(2026, 9, 1),
                  doc_number="К-1"),
    ]  # fmt: skip
    due = [(o.label, o.due, o.amount) for o in obligations(ops, dt.date(2027, 2, 1))]
    assert ("Окончательный расчет за сентябрь 2026", dt.date(2026, 10, 19), D("90000.00")) in due
    # the increase issued 02.12.2026 is due 18.01.2027, not back in October
    assert ("Корректировка К-1 за сентябрь 2026", dt.date(2027, 1, 18), D("5000.00")) in due


def test_an_amount_is_not_overdue_before_the_portal_knew_it():
    # October's charge reached the ledger only on 25.11.2026: its final term moves to that day.
    ops = [accrual(dt.date(2026, 11, 25), dt.date(2026, 10, 1), "1000.00")]
    due = {o.label: o.due for o in obligations(ops, dt.date(2026, 11, 30))}
    assert due["Окончательный расчет за октябрь 2026"] == dt.date(2026, 11, 25)
    # and November's advances, taken on it, were not due before it was known either
    assert due["Аванс 30 % за ноябрь 2026"] == dt.date(2026, 11, 25)


def test_an_overpayment_is_spent_on_the_next_obligations():
    ops = [
        payment(dt.date(2026, 9, 1), "200000.00"),
        accrual(dt.date(2026, 9, 30), dt.date(2026, 9, 1), "100000.00"),
        accrual(dt.date(2026, 10, 31), dt.date(2026, 10, 1), "100000.00"),
    ]
    assert calculate(ops, RATES, dt.date(2026, 11, 5)) == ([], D("0.00"))


def test_a_day_without_a_known_key_rate_is_an_error_not_a_guess():
    ops = [accrual(dt.date(2025, 1, 31), dt.date(2025, 1, 1), "1000.00")]
    with pytest.raises(LookupError, match="Нет ключевой ставки"):
        calculate(ops, KeyRates([(dt.date(2026, 1, 1), D("16"))]), dt.date(2025, 3, 1))
