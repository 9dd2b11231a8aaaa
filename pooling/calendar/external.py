"""Reading external calendars: a bounded, conditional HTTP fetch and the busy spans of an ICS file.

No database here: ``fetch`` returns bytes (or "not modified"), ``busy_spans`` turns them into
UTC intervals. Both raise ``ExternalCalendarError`` with a stable code that the pages translate.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import recurring_ical_events
import requests
from icalendar import Calendar

DEFAULT_TIMEOUT = 10.0
DEFAULT_MAX_BYTES = 5 * 1024 * 1024
# More spans than this in the sync window is not a person's calendar; keep the first ones.
MAX_SPANS = 20000
USER_AGENT = "Pooling calendar sync (+https://github.com/pooling)"


class ExternalCalendarError(Exception):
    """A calendar that could not be read: ``code`` is stable, ``detail`` is technical text."""

    def __init__(self, code: str, detail: str = ""):
        super().__init__(f"{code}: {detail}" if detail else code)
        self.code = code
        self.detail = detail


@dataclass(frozen=True)
class Fetched:
    """The answer of a fetch: the body (None when not modified) and the validators to keep."""

    body: bytes | None
    etag: str | None
    last_modified: str | None

    @property
    def not_modified(self) -> bool:
        return self.body is None


def normalise_url(url: str) -> str:
    """The URL to fetch: ``webcal://`` is https; only http and https are accepted.

    Raises ExternalCalendarError("invalid_url").
    """
    url = (url or "").strip()
    lower = url.lower()
    if lower.startswith("webcal://"):
        url = "https://" + url[len("webcal://") :]
        lower = url.lower()
    if not lower.startswith(("http://", "https://")) or len(url) > 2000 or " " in url:
        raise ExternalCalendarError("invalid_url", url[:200])
    if not url.split("://", 1)[1].split("/", 1)[0]:
        raise ExternalCalendarError("invalid_url", url[:200])
    return url


def fetch(
    url: str,
    *,
    etag: str | None = None,
    last_modified: str | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> Fetched:
    """GET the calendar with If-None-Match/If-Modified-Since, a total time limit and a size limit.

    Raises ExternalCalendarError with code invalid_url, timeout, unreachable, http_status
    or too_large.
    """
    target = normalise_url(url)
    headers = {"User-Agent": USER_AGENT, "Accept": "text/calendar, */*;q=0.5"}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    deadline = time.monotonic() + timeout
    try:
        with requests.get(
            target, headers=headers, timeout=(timeout, timeout), stream=True
        ) as response:
            if response.status_code == 304:
                return Fetched(None, etag, last_modified)
            if response.status_code != 200:
                raise ExternalCalendarError("http_status", str(response.status_code))
            declared = response.headers.get("Content-Length", "")
            if declared.isdigit() and int(declared) > max_bytes:
                raise ExternalCalendarError("too_large", declared)
            chunks: list[bytes] = []
            size = 0
            for chunk in response.iter_content(chunk_size=65536):
                size += len(chunk)
                if size > max_bytes:
                    raise ExternalCalendarError("too_large", str(size))
                if time.monotonic() > deadline:
                    raise ExternalCalendarError("timeout", f"{timeout:g} s")
                chunks.append(chunk)
            return Fetched(
                b"".join(chunks),
                response.headers.get("ETag"),
                response.headers.get("Last-Modified"),
            )
    except requests.Timeout as error:
        raise ExternalCalendarError("timeout", f"{timeout:g} s") from error
    except requests.RequestException as error:
        raise ExternalCalendarError("unreachable", type(error).__name__) from error


def _instant(value: date | datetime, tz: ZoneInfo) -> datetime:
    """An event time as UTC: dates start at local midnight, floating times are local."""
    if not isinstance(value, datetime):
        value = datetime(value.year, value.month, value.day)
    if value.tzinfo is None:
        value = value.replace(tzinfo=tz)
    return value.astimezone(UTC)


def busy_spans(
    body: bytes, start: datetime, end: datetime, tz: ZoneInfo
) -> list[tuple[datetime, datetime]]:
    """The busy UTC spans of an ICS calendar within ``[start, end)``, recurrences expanded.

    Events marked TRANSP:TRANSPARENT (free) or STATUS:CANCELLED are not busy. Spans are
    clipped to the window, sorted and merged. Raises ExternalCalendarError("invalid").
    """
    try:
        calendar = Calendar.from_ical(body)
        if getattr(calendar, "name", None) != "VCALENDAR":
            raise ValueError("not a VCALENDAR")
        occurrences = recurring_ical_events.of(calendar, skip_bad_series=True).between(start, end)
        spans: list[tuple[datetime, datetime]] = []
        for event in occurrences:
            if str(event.get("TRANSP", "")).upper() == "TRANSPARENT":
                continue
            if str(event.get("STATUS", "")).upper() == "CANCELLED":
                continue
            first = _instant(event.start, tz)
            last = _instant(event.end, tz)
            first, last = max(first, start), min(last, end)
            if last > first:
                spans.append((first, last))
            if len(spans) >= MAX_SPANS:
                break
    except ExternalCalendarError:
        raise
    except Exception as error:  # any malformed input from outside is "invalid", never a crash
        raise ExternalCalendarError("invalid", str(error)[:300]) from error
    return _merge(spans)


def _merge(spans: list[tuple[datetime, datetime]]) -> list[tuple[datetime, datetime]]:
    merged: list[tuple[datetime, datetime]] = []
    for first, last in sorted(spans):
        if merged and first <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], last))
        else:
            merged.append((first, last))
    return merged


def sync_window(now: datetime) -> tuple[datetime, datetime]:
    """The period whose busy times are kept: from a day ago to 400 days ahead."""
    return now - timedelta(days=1), now + timedelta(days=400)


@dataclass(frozen=True)
class ReadResult:
    """What reading a calendar gave: busy spans, "not modified" (spans None), or an error."""

    spans: list[tuple[datetime, datetime]] | None = None
    etag: str | None = None
    last_modified: str | None = None
    error_code: str | None = None
    error_detail: str | None = None


def read_calendar(
    url: str,
    *,
    etag: str | None,
    last_modified: str | None,
    now: datetime,
    tz: ZoneInfo,
    timeout: float = DEFAULT_TIMEOUT,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> ReadResult:
    """Fetch a calendar and read its busy spans over the sync window; never raises."""
    try:
        fetched = fetch(
            url, etag=etag, last_modified=last_modified, timeout=timeout, max_bytes=max_bytes
        )
        if fetched.not_modified:
            return ReadResult(etag=etag, last_modified=last_modified)
        start, end = sync_window(now)
        spans = busy_spans(fetched.body or b"", start, end, tz)
    except ExternalCalendarError as error:
        return ReadResult(error_code=error.code, error_detail=error.detail)
    return ReadResult(spans=spans, etag=fetched.etag, last_modified=fetched.last_modified)
