"""What text may be stored, which instants are accepted, and how UTC times are written."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from pooling.core.text import has_control_characters
from pooling.core.time import OutOfRange, parse_instant, utc_text


@pytest.mark.parametrize("text", ["Réunion", "Salle Jaurès · 2ᵉ étage", "会议", "🙂 café", ""])
def test_ordinary_text_is_accepted_on_one_line(text):
    assert not has_control_characters(text)


@pytest.mark.parametrize("character", ["\x00", "\x07", "\x1b", "\x7f", "\x85", "\ud800", "\n"])
def test_control_characters_and_lone_surrogates_are_refused_on_one_line(character):
    assert has_control_characters(f"a{character}b")


def test_line_breaks_and_tabs_are_allowed_in_multi_line_text_only():
    assert not has_control_characters("a\r\n\tb", multiline=True)
    assert has_control_characters("a\r\n\tb\x00", multiline=True)


@pytest.mark.parametrize(
    "text",
    [
        "0001-01-01T10:00:00+01:00",
        "0001-01-01T00:00:00Z",
        "9999-12-31T23:00:00-12:00",
        "1899-12-31T23:59:59Z",
        "1900-01-01T00:30:00+01:00",
        "2201-01-01T00:00:00Z",
        "2200-12-31T23:00:00-12:00",
    ],
)
def test_instants_outside_1900_to_2200_are_out_of_range(text):
    with pytest.raises(OutOfRange):
        parse_instant(text)


@pytest.mark.parametrize("text", ["1900-01-01T00:00:00Z", "2200-12-31T23:59:59Z"])
def test_instants_at_the_ends_of_the_range_are_accepted(text):
    assert parse_instant(text).tzinfo is UTC


def test_utc_times_always_have_four_digit_years():
    assert utc_text(datetime(490, 3, 19, 7, 53, 15, 123, tzinfo=UTC)) == "0490-03-19T07:53:15Z"
    assert utc_text(datetime(2026, 12, 1, 8, 0, tzinfo=UTC)) == "2026-12-01T08:00:00Z"
    assert utc_text(None) is None
