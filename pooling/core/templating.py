"""Template filters and globals: local dates and times, money, durations, the active language."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from flask import Flask, current_app, request
from flask_babel import (
    format_currency,
    format_date,
    format_datetime,
    format_time,
    get_locale,
    to_user_timezone,
)

from pooling.core import formats
from pooling.core.csv_export import INTERNATIONAL
from pooling.core.db import utcnow


def local_datetime(value: datetime | None, style: str = "medium") -> str:
    """An instant in the pole's time zone, in the reader's language."""
    if value is None:
        return ""
    return format_datetime(value, style)


def local_date(value: datetime | None, style: str = "full") -> str:
    if value is None:
        return ""
    return format_date(value, style)


def local_time(value: datetime | None) -> str:
    if value is None:
        return ""
    return format_time(value, "HH:mm")


def local_range(start: datetime | None, end: datetime | None) -> str:
    """A booked interval in local time: "mardi 12 janvier 2027, 14:00 – 16:00" (both days if two)."""
    if start is None or end is None:
        return ""
    first, last = to_user_timezone(start), to_user_timezone(end)
    text = f"{format_date(start, 'full')}, {format_time(start, 'HH:mm')}"
    if first.date() == last.date():
        return f"{text} – {format_time(end, 'HH:mm')}"
    return f"{text} – {format_date(end, 'full')}, {format_time(end, 'HH:mm')}"


def money(value: Decimal | int | str | None) -> str:
    """An amount in the pole's currency, e.g. ``1 234,50 €`` in French."""
    if value is None:
        return ""
    return format_currency(Decimal(value), current_app.config["POOLING_CURRENCY"])


def international_csv_url(endpoint: str, **values) -> str:
    """The link to the international variant of a CSV export ("," and "." decimals, no BOM)."""
    from flask import url_for

    values.pop("format", None)
    return url_for(endpoint, **values, format=INTERNATIONAL)


def url_with_lang(lang: str) -> str:
    """The current page with ``?lang=`` set, for the language switch."""
    args = request.args.to_dict()
    args["lang"] = lang
    from urllib.parse import urlencode

    return f"{request.path}?{urlencode(args)}"


def init_templating(app: Flask) -> None:
    """Register filters and globals, and the ``?lang=`` switch that remembers the choice."""
    app.add_template_filter(local_datetime)
    app.add_template_filter(local_date)
    app.add_template_filter(local_time)
    app.add_template_filter(local_range)
    app.add_template_filter(money)
    app.add_template_filter(formats.number)
    app.add_template_filter(formats.count)
    app.add_template_filter(formats.percent)
    app.add_template_filter(formats.month_name)
    app.add_template_filter(formats.day_range)
    app.add_template_filter(formats.last_day)
    app.add_template_filter(formats.sentence_case)
    app.add_template_filter(formats.counted)
    app.add_template_global(international_csv_url)
    app.add_template_global(url_with_lang)
    app.add_template_global(utcnow, "now_utc")
    app.add_template_global(lambda: str(get_locale()), "current_locale")

    @app.before_request
    def remember_language():
        from flask import session

        lang = request.args.get("lang")
        if lang in app.config["LANGUAGES"]:
            session["lang"] = lang
