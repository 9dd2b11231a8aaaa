"""When a qualification ends and what a booker lacks on a day (pure functions, no app)."""

from __future__ import annotations

from datetime import date

from pooling.qualifications.validity import default_valid_until, missing_on

REQUIRED = [(1, "Permis B"), (2, "HACCP")]


def test_a_validity_in_months_ends_on_the_same_day_months_later():
    assert default_valid_until(date(2027, 1, 31), 1) == date(2027, 2, 28)
    assert default_valid_until(date(2027, 3, 15), 24) == date(2029, 3, 15)


def test_no_validity_means_no_end():
    assert default_valid_until(date(2027, 3, 15), None) is None


def test_a_qualification_counts_through_its_last_day_included():
    held = {1: date(2027, 3, 15), 2: None}
    assert missing_on(REQUIRED, held, date(2027, 3, 15)) == []
    assert missing_on(REQUIRED, held, date(2027, 3, 16)) == ["Permis B"]


def test_what_is_not_held_at_all_is_missing_whatever_the_day():
    assert missing_on(REQUIRED, {}, date(2027, 3, 15)) == ["Permis B", "HACCP"]
    assert missing_on([], {}, date(2027, 3, 15)) == []
