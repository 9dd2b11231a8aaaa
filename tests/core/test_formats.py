"""Numbers, months, day ranges, units and durations read naturally in French and in English."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from dateutil.relativedelta import relativedelta
from flask_babel import force_locale, format_date

from config import TestingConfig
from pooling import create_app
from pooling.core.csv_export import FRENCH_STYLE, INTERNATIONAL_STYLE, csv_text
from pooling.core.formats import (
    count,
    counted,
    day_range,
    default_plural,
    last_day,
    month_name,
    number,
    percent,
    split_minutes,
    to_minutes,
)
from pooling.core.time import local_day_bounds

NB = "\u00a0"
NNB = "\u202f"


@pytest.fixture(scope="module")
def request_context(tmp_path_factory):
    """A request context (for gettext and the reader's time zone), French as by default."""
    app = create_app(
        TestingConfig,
        SQLALCHEMY_DATABASE_URI="sqlite://",
        POOLING_INSTANCE_PATH=str(tmp_path_factory.mktemp("instance")),
    )
    with app.test_request_context("/"):
        yield


pytestmark = pytest.mark.usefixtures("request_context")


def spaces(text: str) -> str:
    """French thousands separators are narrow no-break spaces: compare them as spaces."""
    return text.replace(NNB, " ").replace(NB, " ")


def next_month_bounds() -> tuple[date, date]:
    first = date.today().replace(day=1) + relativedelta(months=1)
    return first, first + relativedelta(months=1) - timedelta(days=1)


def test_counts_have_no_decimals_and_group_thousands():
    assert count(Decimal("20.0")) == "20"
    assert spaces(count(45230)) == "45 230"
    with force_locale("en"):
        assert count(45230) == "45,230"


def test_measured_figures_drop_useless_zeros_and_use_a_decimal_comma():
    assert spaces(number(Decimal("45230.00"))) == "45 230"
    assert number(Decimal("8.00")) == "8"
    assert number(Decimal("12.50")) == "12,5"
    with force_locale("en"):
        assert number(Decimal("12.50")) == "12.5"


def test_percentages_keep_a_no_break_space_in_french_only():
    assert percent(Decimal("33.33")) == f"33,3{NB}%"
    with force_locale("en"):
        assert percent(Decimal("33.33")) == "33.3%"
    assert percent(None) == "–"


def test_months_are_named_in_the_readers_language():
    year = date.today().year + 1
    assert month_name(f"{year}-12") == f"décembre {year}"
    with force_locale("en"):
        assert month_name(date(year, 12, 1)) == f"December {year}"


def test_a_whole_month_reads_as_from_the_first_to_the_last_day():
    first, last = next_month_bounds()
    month = format_date(first, "MMMM y")
    assert day_range(first, last) == f"du 1er au {last.day} {month}"
    with force_locale("en"):
        assert day_range(first, last) == f"1–{last.day} {format_date(first, 'MMMM y')}"


def test_a_range_across_months_names_both_months():
    year = date.today().year + 1
    first, last = date(year, 11, 28), date(year, 12, 3)
    assert day_range(first, last) == f"du 28 novembre au 3 décembre {year}"
    with force_locale("en"):
        assert day_range(first, last) == f"28 November – 3 December {year}"
    assert day_range(date(year, 12, 28), date(year + 1, 1, 2)) == (
        f"du 28 décembre {year} au 2 janvier {year + 1}"
    )


def test_an_exclusive_end_instant_is_shown_as_the_last_included_day():
    first, last = next_month_bounds()
    start = local_day_bounds(first)[0]
    end = local_day_bounds(last)[1]  # midnight starting the next month, excluded
    assert day_range(start, end) == day_range(first, last)
    assert "exclu" not in day_range(start, end)
    assert last_day(end) == format_date(last, "long")
    assert day_range(first.isoformat(), last.isoformat()) == day_range(first, last)


def test_units_take_the_plural_from_two_in_french_and_except_one_in_english():
    assert counted(40, "chaise", "chaises") == f"40{NB}chaises"
    assert counted(1, "chaise", "chaises") == f"1{NB}chaise"
    assert counted(0, "chaise", "chaises") == f"0{NB}chaise"
    with force_locale("en"):
        assert counted(0, "chair", "chairs") == f"0{NB}chairs"
        assert counted(1, "chair", "chairs") == f"1{NB}chair"
    assert counted(3, "", "") == "3"


@pytest.mark.parametrize(
    "singular, plural",
    [("chaise", "chaises"), ("minibus", "minibus"), ("prix", "prix"), ("gaz", "gaz")],
)
def test_the_usual_french_plural_adds_an_s_unless_the_word_ends_with_s_x_or_z(singular, plural):
    assert default_plural(singular) == plural
    assert default_plural("tableau") == "tableaux"
    assert default_plural("") == ""


@pytest.mark.parametrize(
    "minutes, shown", [(1440, (1, "days")), (90, (90, "minutes")), (120, (2, "hours"))]
)
def test_a_stored_duration_is_shown_in_the_largest_exact_unit(minutes, shown):
    assert split_minutes(minutes) == shown
    assert to_minutes(*shown) == minutes
    assert split_minutes(None) == (None, "hours")


def rows_of(text: str, delimiter: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=delimiter))


def test_french_csv_has_a_bom_semicolons_and_decimal_commas():
    day = date.today()
    text = csv_text(
        ["Libellé", "Montant"],
        [["Loyer", Decimal("446.21")], ["Reste", Decimal("-12.50")], ["Jour", day]],
        FRENCH_STYLE,
    )
    assert text.startswith("\ufeff")
    rows = rows_of(text, ";")
    assert rows[1] == ["Loyer", "446,21"]
    assert rows[2] == ["Reste", "-12,50"]  # a negative number stays a number
    assert rows[3] == ["Jour", day.isoformat()]


def test_international_csv_has_commas_points_and_no_bom():
    text = csv_text(
        ["label", "amount"], [["Loyer, charges", Decimal("446.21")]], INTERNATIONAL_STYLE
    )
    assert not text.startswith("\ufeff")
    assert rows_of(text, ",") == [["label", "amount"], ["Loyer, charges", "446.21"]]


def test_text_that_looks_like_a_formula_is_still_neutralised():
    text = csv_text(["x"], [["=HYPERLINK(1)"], ["-2+3"]], FRENCH_STYLE)
    assert rows_of(text, ";")[1:] == [["'=HYPERLINK(1)"], ["'-2+3"]]


def test_instants_in_csv_are_local_times():
    instant = datetime.now(UTC).replace(microsecond=0)
    row = rows_of(csv_text(["at"], [[instant]], FRENCH_STYLE), ";")[1]
    assert len(row[0]) == len("2026-12-07 09:00:00")
