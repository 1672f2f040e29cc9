"""Dates as Danish, Swedish and Norwegian pages print them, to ISO 8601.

Month names come from CLDR via Babel, so nothing here is a hand-kept month table. What
Babel does not do is *find* a date in scraped text, so the patterns are ours:
"20. januar 2023", "24. sep. 2020", "16 februari 2016, 05:01", "16.09.13".
"""

from __future__ import annotations

import re
from datetime import date, datetime
from functools import lru_cache

from babel.dates import get_month_names

LOCALES = ("da", "sv", "nb")


@lru_cache(maxsize=1)
def _month_lookup() -> dict[str, int]:
    names: dict[str, int] = {}
    for loc in LOCALES:
        for width in ("wide", "abbreviated"):
            for num, name in get_month_names(width, locale=loc).items():
                names[name.lower().rstrip(".")] = num
    return names


@lru_cache(maxsize=1)
def _named_date_re() -> re.Pattern[str]:
    months = sorted(_month_lookup(), key=len, reverse=True)
    alt = "|".join(re.escape(m) for m in months)
    return re.compile(
        rf"\b(?P<day>\d{{1,2}})\.?\s+(?P<month>{alt})\.?\s+(?P<year>\d{{4}})"
        r"(?:,?\s+(?:kl\.\s*)?(?P<hour>\d{1,2})[:.](?P<minute>\d{2}))?",
        re.IGNORECASE,
    )


NUMERIC_DATE_RE = re.compile(r"\b(?P<day>\d{1,2})\.(?P<month>\d{1,2})\.(?P<year>\d{2}|\d{4})\b")


def parse_numeric_date(text: str) -> str | None:
    """'16.09.13' or '16.09.2013' (day first, as Nordic sites print it) to '2013-09-16'."""
    m = NUMERIC_DATE_RE.fullmatch(text.strip())
    if not m:
        return None
    return _iso(m.group("year"), int(m.group("month")), int(m.group("day")))


def _iso(year: str, month: int, day: int, hour: str | None = None, minute: str | None = None) -> str | None:
    y = int(year)
    if len(year) == 2:
        # Two-digit years on these sites are this century's: a comment from "13" is 2013.
        y += 2000
    try:
        if hour is not None and minute is not None:
            return datetime(y, month, day, int(hour), int(minute)).isoformat(timespec="minutes")
        return date(y, month, day).isoformat()
    except ValueError:
        return None


def find_named_date(text: str) -> tuple[str, re.Match[str]] | None:
    """The first date with a month name in `text`, as ISO 8601, with its match."""
    for m in _named_date_re().finditer(text):
        month = _month_lookup()[m.group("month").lower().rstrip(".")]
        iso = _iso(m.group("year"), month, int(m.group("day")), m.group("hour"), m.group("minute"))
        if iso:
            return iso, m
    return None


def is_date_line(line: str) -> bool:
    """True when a line is nothing but a date (optionally labelled 'Publiceret:' etc.)."""
    found = find_named_date(line)
    if not found:
        return bool(NUMERIC_DATE_RE.fullmatch(line.strip()))
    _, m = found
    rest = (line[: m.start()] + line[m.end() :]).strip(" ,:")
    return rest == "" or bool(re.fullmatch(r"(?i)(publicer\w*|opdateret|uppdaterad|senast uppdaterad)", rest))


def normalize_iso(value: str) -> str | None:
    """Validate an ISO 8601 date or date-time from a researcher's file; None if it is not one."""
    value = value.strip()
    if not value:
        return None
    try:
        if len(value) == 10:
            return date.fromisoformat(value).isoformat()
        return datetime.fromisoformat(value.replace("Z", "+00:00")).isoformat()
    except ValueError:
        return None
