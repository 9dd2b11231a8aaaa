"""Opening hours, booking rules and closures said in plain language (pooling.resources.describe)."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from flask_babel import force_locale

from config import TestingConfig
from pooling import create_app
from pooling.resources.describe import (
    describe_closure,
    describe_duration,
    describe_opening_hours,
    describe_rules,
    format_clock,
    weekday_names,
)
from tests.world import ALWAYS_OPEN

PARIS = ZoneInfo("Europe/Paris")
NB = "\u00a0"
WEEKDAYS_8_19 = {day: [["08:00", "19:00"]] for day in ("mon", "tue", "wed", "thu", "fri")}


@pytest.fixture(scope="module")
def request_context(tmp_path_factory):
    """A request context (for gettext and the user's time zone), French as by default."""
    app = create_app(
        TestingConfig,
        SQLALCHEMY_DATABASE_URI="sqlite://",
        POOLING_INSTANCE_PATH=str(tmp_path_factory.mktemp("instance")),
    )
    with app.test_request_context("/"):
        yield


pytestmark = pytest.mark.usefixtures("request_context")


def test_consecutive_days_with_the_same_hours_are_grouped():
    assert describe_opening_hours(WEEKDAYS_8_19, "fr") == [
        f"Du lundi au vendredi{NB}: 8{NB}h – 19{NB}h",
        f"samedi et dimanche{NB}: fermé",
    ]
    with force_locale("en"):
        assert describe_opening_hours(WEEKDAYS_8_19, "en") == [
            "Monday to Friday: 08:00 – 19:00",
            "Saturday and Sunday: closed",
        ]


def test_weekday_names_and_clock_follow_french_usage():
    lines = describe_opening_hours(WEEKDAYS_8_19, "fr")
    assert "lundi" in lines[0] and "vendredi" in lines[0]
    assert f"8{NB}h – 19{NB}h" in lines[0]
    assert "samedi et dimanche" in lines[1]


def test_two_spans_of_a_day_are_listed_together():
    hours = {"mon": [["08:00", "12:00"], ["14:00", "18:30"]]}
    with force_locale("en"):
        assert describe_opening_hours(hours, "en")[0] == "Monday: 08:00 – 12:00 and 14:00 – 18:30"
    assert describe_opening_hours(hours, "fr")[0].endswith(
        f"8{NB}h – 12{NB}h et 14{NB}h – 18{NB}h{NB}30"
    )


def test_closed_days_between_open_days_break_the_groups():
    hours = {
        "mon": [["09:00", "17:00"]],
        "tue": [["09:00", "17:00"]],
        "thu": [["09:00", "17:00"]],
        "sat": [["10:00", "12:00"]],
    }
    with force_locale("en"):
        assert describe_opening_hours(hours, "en") == [
            "Monday and Tuesday: 09:00 – 17:00",
            "Wednesday: closed",
            "Thursday: 09:00 – 17:00",
            "Friday: closed",
            "Saturday: 10:00 – 12:00",
            "Sunday: closed",
        ]
    assert describe_opening_hours(hours, "fr")[:2] == [
        f"lundi et mardi{NB}: 9{NB}h – 17{NB}h",
        f"mercredi{NB}: fermé",
    ]


def test_same_hours_all_week_is_every_day_and_midnight_is_24():
    hours = ALWAYS_OPEN
    with force_locale("en"):
        assert describe_opening_hours(hours, "en") == ["Every day: 00:00 – 24:00"]
    assert describe_opening_hours(hours, "fr") == [f"Tous les jours{NB}: 0{NB}h – 24{NB}h"]
    assert format_clock("24:00", "fr") == f"24{NB}h"


def test_no_opening_hours_means_closed_every_day():
    with force_locale("en"):
        assert describe_opening_hours({}, "en") == ["Every day: closed"]
    assert describe_opening_hours({}, "fr") == [f"Tous les jours{NB}: fermé"]


def test_weekday_names_start_on_monday():
    assert weekday_names("en")[0] == "Monday"
    assert weekday_names("fr")[6] == "dimanche"


@pytest.mark.parametrize(
    "minutes, words",
    [
        (15, "15 minutes"),
        (60, "1 hour"),
        (90, "1 hour and 30 minutes"),
        (120, "2 hours"),
        (2880, "2 days"),
    ],
)
def test_durations_in_words(minutes, words):
    with force_locale("en"):
        assert describe_duration(minutes, "en") == words


@pytest.mark.parametrize(
    "minutes, words",
    [
        (15, "15 minutes"),
        (60, "1 heure"),
        (90, "1 heure et 30 minutes"),
        (120, "2 heures"),
        (2880, "2 jours"),
    ],
)
def test_durations_in_french_words(minutes, words):
    assert describe_duration(minutes, "fr") == words


RULES = {
    "slot_minutes": 30,
    "min_duration_minutes": 60,
    "max_duration_minutes": 240,
    "min_notice_minutes": 1440,
    "max_advance_days": 90,
}


def test_rules_in_plain_language():
    with force_locale("en"):
        lines = describe_rules(RULES, "en")
    assert lines == [
        "Bookings start and end on steps of 30 minutes.",
        "A booking lasts between 1 hour and 4 hours.",
        "Book at least 1 day in advance.",
        "Can be booked at most 90 days ahead.",
    ]


def test_rules_in_plain_french():
    assert describe_rules(RULES, "fr") == [
        "Les réservations commencent et finissent sur des créneaux de 30 minutes.",
        "Une réservation dure entre 1 heure et 4 heures.",
        "Réservez au moins 1 jour à l'avance.",
        "Peut être réservée au plus 90 jours à l'avance.",
    ]


def test_rules_without_limits_say_so():
    rules = {"slot_minutes": 15, "min_notice_minutes": 0, "max_advance_days": 1}
    with force_locale("en"):
        lines = describe_rules(rules, "en")
    assert "No minimum or maximum duration." in lines
    assert "Can be booked up to the last minute." in lines
    assert "Can be booked at most 1 day ahead." in lines
    lines = describe_rules(rules, "fr")
    assert "Pas de durée minimale ni maximale." in lines
    assert "Peut être réservée jusqu'à la dernière minute." in lines
    assert "Peut être réservée au plus 1 jour à l'avance." in lines


def test_whole_day_closure_is_given_as_dates():
    start = datetime(2026, 12, 23, 23, 0, tzinfo=UTC)  # 24 Dec 00:00 in Paris
    end = datetime(2027, 1, 2, 23, 0, tzinfo=UTC)  # 3 Jan 00:00 in Paris
    with force_locale("en"):
        text = describe_closure(start, end, PARIS, "en")
    assert "December 24, 2026" in text and "January 2, 2027" in text
    assert ":" not in text
    text = describe_closure(start, end, PARIS, "fr")
    assert text == "du jeudi 24 décembre 2026 au samedi 2 janvier 2027"


def test_closure_with_hours_is_given_with_times():
    start = datetime(2026, 7, 1, 12, 0, tzinfo=UTC)
    end = datetime(2026, 7, 1, 16, 0, tzinfo=UTC)
    with force_locale("en"):
        text = describe_closure(start, end, PARIS, "en")
    assert text == "from Wed, Jul 1, 2026, 14:00 to Wed, Jul 1, 2026, 18:00"
    text = describe_closure(start, end, PARIS, "fr")
    assert text == "du mer. 1 juil. 2026, 14:00 au mer. 1 juil. 2026, 18:00"
