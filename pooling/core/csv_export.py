"""CSV answers that spreadsheets open safely (no formula injection) and read as numbers.

Two variants of every export: the French one by default (";" between cells, decimal comma,
UTF-8 with a byte order mark, as French Excel and LibreOffice expect) and the international
one asked with ``?format=international`` ("," between cells, decimal point, no BOM).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from flask import Response, has_request_context, request
from flask_babel import to_user_timezone

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
INTERNATIONAL = "international"


@dataclass(frozen=True)
class CsvStyle:
    """How cells are separated and how decimals are written."""

    delimiter: str
    decimal: str
    bom: bool


FRENCH_STYLE = CsvStyle(delimiter=";", decimal=",", bom=True)
INTERNATIONAL_STYLE = CsvStyle(delimiter=",", decimal=".", bom=False)


def csv_style(asked: str | None = None) -> CsvStyle:
    """The variant asked (``international``), else the French one."""
    if asked is None and has_request_context():
        asked = request.args.get("format")
    return INTERNATIONAL_STYLE if asked == INTERNATIONAL else FRENCH_STYLE


def safe_cell(value) -> str:
    """A cell as text; a value that a spreadsheet would run as a formula is quoted with '."""
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


def cell_text(value, style: CsvStyle = FRENCH_STYLE) -> str:
    """One cell: numbers with the style's decimal mark (a negative number stays a number),
    days as ISO dates, instants as local "YYYY-MM-DD HH:MM:SS", the rest as safe text."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return safe_cell(value)
    if isinstance(value, int | Decimal | float):
        text = format(value, "f") if isinstance(value, Decimal) else str(value)
        return text.replace(".", style.decimal)
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = to_user_timezone(value)
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, date):
        return value.isoformat()
    return safe_cell(value)


def csv_text(header: list[str], rows: Iterable[Iterable], style: CsvStyle = FRENCH_STYLE) -> str:
    """The whole file as text, header first."""
    buffer = io.StringIO()
    if style.bom:
        buffer.write("\ufeff")
    writer = csv.writer(buffer, delimiter=style.delimiter, lineterminator="\r\n")
    writer.writerow([safe_cell(h) for h in header])
    for row in rows:
        writer.writerow([cell_text(cell, style) for cell in row])
    return buffer.getvalue()


def csv_response(
    filename: str, header: list[str], rows: Iterable[Iterable], style: CsvStyle | None = None
) -> Response:
    """A downloadable CSV in the variant the request asks for (French unless
    ``?format=international``)."""
    style = style or csv_style()
    return Response(
        csv_text(header, rows, style),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
