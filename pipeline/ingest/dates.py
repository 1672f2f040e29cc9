"""Dates as Danish, Swedish and Norwegian pages print them, to ISO 8601.

Month names come from CLDR via Babel, so nothing here is a hand-kept month table. What
Babel does not do is *find* a date in scraped text, so the patterns are ours:
"20. januar 2023", "24. sep. 2020", "16 februari 2016, 05:01", "16.09.13".
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from email.utils import parsedate_to_datetime
from functools import lru_cache

from babel.dates import get_day_names, get_month_names

LOCALES = ("da", "sv", "nb")


@lru_cache(maxsize=1)
def _month_lookup() -> dict[str, int]:
    names: dict[str, int] = {}
    for loc in LOCALES:
        for width in ("wide", "abbreviated"):
            for num, name in get_month_names(width, locale=loc).items():
                names[name.lower().rstrip(".")] = num
    # CLDR abbreviates September "sep."; Danish and Norwegian sites also print "sept.".
    names.setdefault("sept", 9)
    return names


@lru_cache(maxsize=1)
def day_month_re() -> re.Pattern[str]:
    """A day and a month's name at the start of a text ("14. marts", "1. maj 2024", "3.
    feb."): how a Danish or Norwegian date opens."""
    alt = "|".join(re.escape(m) for m in sorted(_month_lookup(), key=len, reverse=True))
    return re.compile(rf"(?P<day>\d{{1,2}})\.\s+(?:{alt})\b", re.IGNORECASE)


# What stands before a date's time: "kl." or the word written out ("klokken", "klockan").
_CLOCK_WORDS = "klokken|klockan|klokka"
CLOCK = rf"(?:kl\.?|{_CLOCK_WORDS})"


@lru_cache(maxsize=1)
def _named_date_re() -> re.Pattern[str]:
    months = sorted(_month_lookup(), key=len, reverse=True)
    alt = "|".join(re.escape(m) for m in months)
    return re.compile(
        rf"\b(?P<day>\d{{1,2}})\.?\s+(?P<month>{alt})\.?\s+(?P<year>\d{{4}})"
        rf"(?:(?:,|\s+[-–])?\s+(?:{CLOCK}\s*)?(?P<hour>\d{{1,2}})[:.](?P<minute>\d{{2}}))?",
        re.IGNORECASE,
    )


@lru_cache(maxsize=1)
def _weekday_re() -> re.Pattern[str]:
    """A weekday and "den" before a date, as Danish and Norwegian sites and exports print it
    ("onsdag den 4. december 2024", "ons. 4. dec. 2024", "Wednesday, 4 December 2024"):
    day names from CLDR, like the months."""
    days = {
        n.lower().rstrip(".")
        for loc in (*LOCALES, "en")
        for width in ("wide", "abbreviated")
        for n in get_day_names(width, locale=loc).values()
    }
    alt = "|".join(re.escape(d) for d in sorted(days, key=len, reverse=True))
    return re.compile(rf"^\s*(?:(?:{alt})\.?,?\s+)?(?:den\s+)?(?=\d)", re.IGNORECASE)


def weekday_lead(line: str) -> int:
    """Where the date starts in a line that opens with a weekday ("tors, 14/03/2024",
    "onsdag den 4. december 2024"): the length of the weekday and "den" (0 for none)."""
    m = _weekday_re().match(line)
    return m.end() if m else 0


WEEKDAY_CHARS = 24
_WORD_START_RE = re.compile(r"(?:^|(?<=\s))\S")


def weekday_before(line: str, at: int) -> int:
    """Where a weekday (perhaps with "den") right before `line[at:]` starts ("Ole Berg · ons
    14 mar": the "ons"), or `at` where none stands there ("den" alone is not one)."""
    # A weekday and "den" take a few words at most ("onsdag den", "Wednesday,"): only the
    # line's last characters before the date are tried, so a long line costs no more.
    start = max(0, at - WEEKDAY_CHARS)
    for m in _WORD_START_RE.finditer(line, start, at):
        k = m.start()
        if weekday_lead(line[k : at + 1]) == at - k and line[k:at].split()[0].lower() != "den":
            return k
    return at


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


@lru_cache(maxsize=1)
def _yearless_re() -> re.Pattern[str]:
    # A month's name ("14. marts", "14 mars"), or its number after a dot ("14.3.", "14.03.",
    # as Norwegian and Danish widgets print this year's dates) or a slash ("14/3", Danish).
    months = "|".join(re.escape(m) for m in sorted(_month_lookup(), key=len, reverse=True))
    return re.compile(
        rf"(?:\w+\.?,?\s+(?:den\s+)?)?(?P<day>\d{{1,2}})"
        rf"(?:\.?\s+(?P<month>{months})\.?|\.(?P<dotted>\d{{1,2}})\.|/(?P<slashed>\d{{1,2}}))"
        rf"(?:,?\s+(?:{CLOCK}\s*)?(?P<hour>\d{{1,2}})[:.](?P<minute>\d{{2}}))?",
        re.IGNORECASE,
    )


def yearless_date(text: str) -> bool:
    """Whether `text` is a date printed without its year ("14. marts kl. 10:14", "tors 14
    mars"), as Facebook and comment widgets print this year's dates: a date, but not one
    that can be read alone."""
    return _yearless_re().fullmatch(text.strip()) is not None


def yearless_iso(text: str, since: str) -> str | None:
    """A date printed without its year, as ISO 8601, in the first year that puts it on or
    after the day `since` (an ISO 8601 date: the article's, under which the comment was
    written); None where `text` is no such date or names no day that exists."""
    m = _yearless_re().fullmatch(text.strip())
    if m is None or not re.match(r"\d{4}-\d{2}-\d{2}", since):
        return None
    day = int(m["day"])
    month = _month_lookup()[m["month"].lower().rstrip(".")] if m["month"] else int(m["dotted"] or m["slashed"])
    year = int(since[:4]) + ((month, day) < (int(since[5:7]), int(since[8:10])))
    return _iso(str(year), month, day, m["hour"], m["minute"])


# How long ago a date relative to the page's saving says, in seconds, by its unit's first
# letters: only the order of two such dates is read from it, never a date.
_AGE_UNITS = (
    ("sek", 1),
    ("sec", 1),
    ("min", 60),
    ("mån", 30 * 86400),
    ("måned", 30 * 86400),
    ("md", 30 * 86400),
    ("month", 30 * 86400),
    ("mo", 30 * 86400),  # Reddit's "1mo ago"
    ("t", 3600),
    ("h", 3600),
    ("d", 86400),
    ("u", 7 * 86400),
    ("v", 7 * 86400),
    ("w", 7 * 86400),
    ("å", 365 * 86400),
    ("y", 365 * 86400),
)
_AGE_RE = re.compile(
    r"(?i)(?:for\s+|för\s+)?(?P<n>\d+|en|et|ett|one|a|an|få|nogle|några)\s*(?P<unit>[a-zæøåäö]+)\.?"
    r"(?:\s+(?:siden|sedan|ago))?"
)
_FEW = {"en": 1, "et": 1, "ett": 1, "one": 1, "a": 1, "an": 1, "få": 3, "nogle": 3, "några": 3}


def relative_age(text: str) -> float | None:
    """How long before the page was saved a relative date says a post was made, in seconds
    ("3 t", "2 tim", "for 5 timer siden", "för 2 dagar sedan", "i går kl. 21:40"); None for
    any other text. Months and years are taken as 30 and 365 days."""
    value = text.strip().lower()
    if re.fullmatch(r"(?:i\s*går|igår|yesterday)(?:,?\s*(?:kl\.?\s*)?\d{1,2}[:.]\d{2})?", value):
        return 86400.0
    if re.fullmatch(r"(?:i\s*dag|idag|today|nu|just nu|lige nu|now)(?:,?\s*(?:kl\.?\s*)?\d{1,2}[:.]\d{2})?", value):
        return 0.0
    m = _AGE_RE.fullmatch(value)
    if m is None:
        return None
    n = _FEW.get(m["n"]) or (int(m["n"]) if m["n"].isdigit() else None)
    unit = m["unit"]
    seconds = next((s for prefix, s in _AGE_UNITS if unit.startswith(prefix)), None)
    return None if n is None or seconds is None else float(n * seconds)


def starts_english_date(text: str) -> bool:
    """Whether `text` opens with an English month's name ("March 14, 2024 at 10:12 am", as
    WordPress prints a comment's date in English), where a date may start."""
    word = re.match(r"[A-Za-z]+", text)
    return word is not None and word.group(0).lower() in _english_months()


def find_named_date(text: str) -> tuple[str, re.Match[str]] | None:
    """The first date with a month name in `text`, as ISO 8601, with its match."""
    for m in _named_date_re().finditer(text):
        month = _month_lookup()[m.group("month").lower().rstrip(".")]
        iso = _iso(m.group("year"), month, int(m.group("day")), m.group("hour"), m.group("minute"))
        if iso:
            return iso, m
    return None


# The labels of a page's publication stamp ("Publiceret", "Udgivet", "Publisert",
# "Published") and update stamp ("Opdateret", "Uppdaterad", "Oppdatert", "Updated").
_PUBLISHED_LABEL = (
    r"publicer\w*|udgivet|utgiven|utgivet|publisert|published|posted|oprettet|skapad|skapat|opprettet|created"
    r"|skrevet|skrivet|indsendt|insänt|innsendt"
)
_UPDATED_LABEL = (
    r"(?:(?:senest|sidst|senast|sist|last)\s+)?"
    r"(?:opdateret|uppdaterad|oppdatert|updated|ændret|ändrad|endret|redigeret|redigerad|redigert|edited|modified)"
)
STAMP_LABEL = rf"(?i:{_PUBLISHED_LABEL}|{_UPDATED_LABEL})"
# Between a page's publication and update stamps on one line.
_STAMP_SEPARATOR_RE = re.compile(r"\s+[·|•]\s+")
# Each stamp's label, where they follow each other with no separator.
_LABELLED_STAMP_RE = re.compile(rf"({STAMP_LABEL}\s*:?)")
_PUBLISHED_RE = re.compile(rf"(?i)\s*(?:{_PUBLISHED_LABEL})")
# How long the page takes to read ("Læsetid: 3 min.", "3 min. læsning", "Lästid 4 min", "5 min
# read"): labelled or worded, it is furniture on a line of its own (`furniture.toml` writes it
# as %(reading_time)s); beside a date ("4. marts 2024 · 4 min") the bare minutes are no part
# of the date either.
_READING_AMOUNT = r"\d{1,3}\s*(?:min\.?|minutter|minuter|minutes?)"
_READING_WORD = r"(?:læsning|läsning|lesning|read|at læse|att läsa|å lese|læsetid|lästid|lesetid)"
READING_TIME = (
    rf"(?i:(?:læsetid|lästid|läsningstid|lesetid|reading time)\s*:?\s*(?:ca\.?\s*)?{_READING_AMOUNT}"
    rf"(?:\s*{_READING_WORD})?|{_READING_AMOUNT}\s*{_READING_WORD})"
)
_READING_TIME_RE = re.compile(rf"{READING_TIME}|{_READING_AMOUNT}", re.IGNORECASE)


def _unpublished(stamp: str) -> bool:
    return _PUBLISHED_RE.match(stamp) is None


_UPDATED_RE = re.compile(rf"(?i)\s*{_UPDATED_LABEL}")


def update_stamp(line: str) -> bool:
    """Whether a date line says when the page was updated ("Opdateret 14. marts 2024"), not
    when it was published."""
    return _UPDATED_RE.match(line) is not None


_KL_RE = re.compile(r"\s+kl\.?\s*")
# "14. marts 2024 klokken 10.12": the word written out where the dates read "kl." (`CLOCK`).
_CLOCK_WORD_RE = re.compile(rf"(?i)\b(?:{_CLOCK_WORDS})\b")
# The time before its date, as X prints a post's ("10:12 AM · Mar 14, 2024") and some
# comment widgets a comment's ("kl. 10:12, 14. marts 2024"): read as the date, then the time.
_TIME_FIRST_RE = re.compile(
    r"(?i)(?:kl\.?\s*)?(?P<time>\d{1,2}[:.]\d{2}(?:\s*[ap]\.?m\.?)?)\s*(?:[·,|•–—-]\s*|\s+)(?P<date>.*\d{4}.*)"
)
_TIME_ALONE_RE = re.compile(r"(?i)(?:kl\.?\s*)?\d{1,2}[:.]\d{2}")


def is_date_line(line: str) -> bool:
    """True when a line is nothing but a date (optionally labelled 'Publiceret:' etc.)."""
    return line_date(line) is not None


def line_date(line: str, slash_order: str | None = None) -> str | None:
    """The date of a line that is nothing but a date, perhaps labelled ("Publiceret 4.
    december 2024 kl. 10.15", "16.09.13", "Publicerad 2024-03-14 06:00", "Udgivet
    13-03-2024", "Mar 13, 2024"), as ISO 8601; None for any other line. A weekday may open
    it ("Torsdag 14. marts 2024"), the date it was updated may follow ("Publicerad 14 mars
    2024 kl. 06.00 · Uppdaterad 14 mars 2024 kl. 08.12": the publication's is the line's),
    and so may how long the page takes to read ("· 4 min. læsning"); the time may stand
    apart from its date ("14. marts 2024 · 10:12"). Dates with slashes are
    read in `slash_order` (the page's, `page_slash_order`), where it is given."""
    stamps = []
    line = _CLOCK_WORD_RE.sub("kl.", line)
    if first := _TIME_FIRST_RE.fullmatch(line.strip()):
        line = f"{first['date']} {first['time']}"
    for s in _STAMP_SEPARATOR_RE.split(line.strip()):
        if _READING_TIME_RE.fullmatch(s.strip()):
            continue
        if stamps and _TIME_ALONE_RE.fullmatch(s.strip()):
            # "14. marts 2024 · 10:12": the time of the date before it, not a stamp of its own.
            stamps[-1] = f"{stamps[-1]} {s.strip()}"
            continue
        stamps.append(s)
    if not stamps:
        return None
    if len(stamps) > 1:
        # The publication's stamp first, wherever the page prints it.
        stamps = sorted(stamps, key=_unpublished)
    line = stamps[0] if len(stamps) == 1 else line
    labels = list(_LABELLED_STAMP_RE.finditer(line)) if len(stamps) == 1 else []
    if len(labels) > 1 and not line[: labels[0].start()].strip():
        # "Uppdaterad 2024-03-14 08:12 Publicerad 2024-03-14 06:00": a stamp each label,
        # the publication's first.
        ends = [m.start() for m in labels[1:]] + [len(line)]
        stamps = sorted((line[m.start() : end] for m, end in zip(labels, ends, strict=True)), key=_unpublished)
    if len(stamps) > 1:
        dates = [line_date(stamp, slash_order) for stamp in stamps]
        return dates[0] if all(dates) else None
    if lead := weekday_lead(line):
        line = line[lead:]
    found = find_named_date(line)
    if found:
        iso, m = found
        rest = (line[: m.start()] + line[m.end() :]).strip(" ,:")
        return iso if rest == "" or re.fullmatch(STAMP_LABEL, rest) else None
    value = re.sub(rf"^\s*{STAMP_LABEL}\s*:?\s*", "", line).strip()
    if NUMERIC_DATE_RE.fullmatch(value):
        return parse_numeric_date(value)
    # ISO 8601 and what databases print ("2024-03-14 06:00"), and a day-first date with its
    # time ("03.09.2024 kl. 06:00"); a bare number is no date here.
    iso_like = value[:4].isdigit() and "-" in value
    if iso_like:
        # "2024-03-14 kl. 06:00", as Swedish sites print it.
        value = _KL_RE.sub(" ", value)
    # A number is no date here (epoch seconds, an Excel serial): what a page prints as its
    # date is one of read_date's written forms, read whole.
    read = read_date(value, slash_order)
    return read[0] if read and read[1] not in NUMBER_FORMS else None


def normalize_iso(value: str) -> str | None:
    """Validate an ISO 8601 date or date-time from a researcher's file; None if it is not one."""
    value = value.strip()
    if not value:
        return None
    if DOTTED_CLOCK_RE.match(value):
        # Python reads "2024-03-14 10.12" as 10:00:00.12; Swedish writes 10:12 so.
        return None
    try:
        if len(value) == 10:
            return date.fromisoformat(value).isoformat()
        return datetime.fromisoformat(value.replace("Z", "+00:00")).isoformat()
    except ValueError:
        return None


# An ISO 8601 date with its time written with dots, as Swedish writes a time ("10.12").
DOTTED_CLOCK_RE = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{1,2}\.\d")


def epoch_iso(seconds: float | str) -> str:
    """Unix epoch seconds as an ISO 8601 date-time in UTC (without an offset, as the
    Reddit, 4CAT and ConvoKit readers write it)."""
    return datetime.fromtimestamp(float(seconds), UTC).strftime("%Y-%m-%dT%H:%M:%S")


# Seconds since 1970 with 9-10 digits (1973-2286), optionally with a fraction; milliseconds
# with 12-13 digits (JavaScript's Date.now(), which many scrapers store).
EPOCH_SECONDS_RE = re.compile(r"\d{9,10}(?:\.\d+)?")
EPOCH_MILLIS_RE = re.compile(r"\d{12,13}")
# A spreadsheet's date cell that lost its date format (a CSV saved from it, or a column
# formatted as a number) shows Excel's serial day number: days since 1899-12-30, the
# fraction the time of day. Five digits from 20000 (1954) to 79999 (2119); no epoch and
# no other date form is five digits.
EXCEL_SERIAL_RE = re.compile(r"[2-7]\d{4}(?:\.\d+)?")
EXCEL_EPOCH = datetime(1899, 12, 30)
# The forms that are bare numbers: a date in a file's date column, never on a page.
NUMBER_FORMS = ("epoch seconds", "epoch milliseconds", "excel serial")
# Day first, as every Nordic locale writes numeric dates: Danish Excel "04-12-2024 10:15",
# Norwegian and Finnish "04.12.2024". Slashes are refused: "12/04/2024" is month first in
# American exports and day first in British ones, and no one value can tell.
DAY_FIRST_RE = re.compile(
    r"(?P<day>\d{1,2})(?P<sep>[.-])(?P<month>\d{1,2})(?P=sep)(?P<year>\d{4})"
    r"(?:(?:\s+-\s+|\s+|T|,\s*)(?:kl\.?\s*)?(?P<hour>\d{1,2})[:.](?P<minute>\d{2})(?::(?P<second>\d{2}))?)?"
)

# Danish writes a date with one slash and the year after a dash or a space, day first
# always ("14/3-2024", "14/3 2024 kl. 10.14", "14/3-24"): no other order writes it so.
DAY_SLASH_YEAR_RE = re.compile(
    r"(?P<day>\d{1,2})/(?P<month>\d{1,2})[-\s](?P<year>\d{4}|\d{2})"
    r"(?:(?:\s+|,\s*)(?:kl\.?\s*)?(?P<hour>\d{1,2})[:.](?P<minute>\d{2})(?::(?P<second>\d{2}))?)?"
)

# Slashes, with the order a researcher names (`--slash-dates`): "02/01/2024 10:15". Year
# first ("2024/01/02") is never ambiguous and is always read.
SLASH_RE = re.compile(
    r"(?P<a>\d{1,2})/(?P<b>\d{1,2})/(?P<year>\d{4})"
    r"(?:(?:\s+-\s+|\s+|T|,\s*)(?P<hour>\d{1,2})[:.](?P<minute>\d{2})(?::(?P<second>\d{2}))?"
    r"(?:\s*(?P<ampm>[AaPp])\.?[Mm]\.?)?)?"
)
YEAR_FIRST_SLASH_RE = re.compile(
    r"(?P<year>\d{4})/(?P<month>\d{1,2})/(?P<day>\d{1,2})"
    r"(?:(?:\s+|T|,\s*)(?P<hour>\d{1,2})[:.](?P<minute>\d{2})(?::(?P<second>\d{2}))?)?"
)
# ISO 8601's date with the time after a comma, as Flashback and other vBulletin boards print
# a post's date ("2024-03-14, 09:12"): not ISO 8601 itself.
YEAR_FIRST_COMMA_RE = re.compile(
    r"(?P<year>\d{4})-(?P<month>\d{1,2})-(?P<day>\d{1,2}),\s*(?:kl\.?\s*)?"
    r"(?P<hour>\d{1,2})[:.](?P<minute>\d{2})(?::(?P<second>\d{2}))?"
)
# ISO 8601's date with the time after "kl." or written with dots ("2024-03-14 kl. 10.12",
# "2024-03-14 10.12"), as Swedish sites print a comment's date: not ISO 8601 itself.
YEAR_FIRST_CLOCK_RE = re.compile(
    r"(?P<year>\d{4})-(?P<month>\d{1,2})-(?P<day>\d{1,2})\s+(?:kl\.?\s*)?"
    r"(?P<hour>\d{1,2})[:.](?P<minute>\d{2})(?:[:.](?P<second>\d{2}))?"
)
SLASH_ORDERS = ("day-first", "month-first")
# A date with slashes anywhere in a page's text ("tors, 14/03/2024 - 10:32").
SLASHED_DATE_RE = re.compile(r"(?<![\d/])(\d{1,2})/(\d{1,2})/(\d{4})(?![\d/])")


def slash_readings(text: str) -> tuple[str | None, ...]:
    """A printed date with slashes (perhaps after a weekday) as ISO 8601 read day first and
    read month first (None where it is no date so read)."""
    value = text[weekday_lead(text) :].strip()
    return tuple((read[0] if (read := read_date(value, order)) else None) for order in SLASH_ORDERS)


def page_slash_order(text: str) -> tuple[str, str] | None:
    """The order a page's dates with slashes are written in, where its dates tell, and one
    date that tells it: a page that prints "14/03/2024" writes day first, one that prints
    "03/14/2024" month first (Drupal's default format, which Nordic sites keep as often as
    not). None where every date reads both ways or the page mixes the two."""
    seen = [(int(m[1]), int(m[2]), m[0]) for m in SLASHED_DATE_RE.finditer(text)]
    if not seen or any(not (1 <= a <= 31 and 1 <= b <= 31) or min(a, b) > 12 for a, b, _ in seen):
        return None
    days = [raw for a, b, raw in seen if a > 12]
    months = [raw for a, b, raw in seen if b > 12]
    if days and not months:
        return "day-first", days[0]
    if months and not days:
        return "month-first", months[0]
    return None


# Database and spreadsheet exports spell the zone out: "2024-03-01 10:00:00 UTC".
ZONE_NAMED_RE = re.compile(r"(?P<iso>\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)\s*(?:UTC|GMT|Z)")
# RFC 2822, as e-mail, RSS feeds and many APIs write dates: "Fri, 01 Mar 2024 10:00:00 GMT".
# The shape is checked here; `email.utils` reads it (its parser guesses at anything else).
RFC2822_RE = re.compile(
    r"(?:[A-Za-z]{3},\s*)?\d{1,2}\s+[A-Za-z]{3}\s+\d{4}\s+\d{1,2}:\d{2}(?::\d{2})?"
    r"(?:\s*(?:[+-]\d{4}|GMT|UTC|UT|Z))?"
)
# Twitter's API v1.1 and the tools built on it (and C's ctime without the zone):
# "Fri Mar 01 10:15:00 +0000 2024". English day and month abbreviations, as strptime's
# C locale reads them.
CTIME_RE = re.compile(r"[A-Za-z]{3}\s+[A-Za-z]{3}\s+\d{1,2}\s+\d{2}:\d{2}:\d{2}(?:\s+[+-]\d{4})?\s+\d{4}")

DATE_FORMS = {
    "epoch seconds": "Unix epoch seconds (UTC)",
    "epoch milliseconds": "Unix epoch milliseconds (UTC)",
    "day first": "day-first numeric dates (04-12-2024, 04.12.2024, 04.12.24, 4/12-2024)",
    "month name": "dates with a Danish, Swedish or Norwegian month name (4. december 2024, onsdag den 4. dec. 2024)",
    "slashes, day first": "dates with slashes, day first as --slash-dates said (02/01/2024: 2 January)",
    "slashes, month first": "dates with slashes, month first as --slash-dates said (01/02/2024: 2 January)",
    "slashes, year first": "dates with slashes, year first (2024/01/02)",
    "year first, comma": "year-first dates with the time after a comma (2024-03-14, 09:12)",
    "year first, clock": "year-first dates with the time after 'kl.' or written with dots (2024-03-14 kl. 10.12)",
    "zone named": "date-times with the zone written out (2024-03-01 10:00:00 UTC)",
    "rfc 2822": "RFC 2822 date-times (Fri, 01 Mar 2024 10:00:00 GMT)",
    "english month name": "dates with an English month name (March 1, 2024; 1 March 2024; March 1, 2024 at 10:14 pm)",
    "twitter": "date-times as Twitter's API v1.1 writes them (Fri Mar 01 10:15:00 +0000 2024)",
    "excel serial": "Excel serial day numbers, a date cell without its date format (45291.4375: 2023-12-31 10:30)",
}


@lru_cache(maxsize=1)
def _english_months() -> dict[str, int]:
    return {n.lower(): k for w in ("wide", "abbreviated") for k, n in get_month_names(w, locale="en").items()}


@lru_cache(maxsize=1)
def _english_date_res() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """Month first ("March 1, 2024", "Mar 1, 2024 10:15") and day first ("1 March 2024"),
    English month names from CLDR; only ever matched against a whole value (a page's text
    is searched for Nordic names alone)."""
    alt = "|".join(re.escape(m) for m in sorted(_english_months(), key=len, reverse=True))
    clock = (
        r"(?:,?\s+(?:at\s+)?(?P<hour>\d{1,2}):(?P<minute>\d{2})(?::(?P<second>\d{2}))?"
        r"(?:\s*(?P<ampm>[ap])\.?m\.?)?)?"
    )
    return (
        re.compile(rf"(?P<month>{alt})\.?\s+(?P<day>\d{{1,2}}),?\s+(?P<year>\d{{4}}){clock}", re.IGNORECASE),
        re.compile(rf"(?P<day>\d{{1,2}})\.?\s+(?P<month>{alt})\.?,?\s+(?P<year>\d{{4}}){clock}", re.IGNORECASE),
    )


def _numeric(m: re.Match, year: int, month: int, day: int) -> str:
    """A matched numeric date (with its optional clock, perhaps "10:14 pm") as ISO 8601;
    ValueError when the day, month or hour does not exist."""
    if m.group("hour") is None:
        return date(year, month, day).isoformat()
    clock = [int(m.group(k) or 0) for k in ("hour", "minute", "second")]
    if (half := (m.groupdict().get("ampm") or "").lower()) and not 1 <= clock[0] <= 12:
        raise ValueError("no such hour on a 12-hour clock")
    if half:
        clock[0] = clock[0] % 12 + (12 if half == "p" else 0)
    spec = "seconds" if m.group("second") else "minutes"
    return datetime(year, month, day, *clock).isoformat(timespec=spec)


def read_date(value: str, slash_order: str | None = None) -> tuple[str, str | None] | None:
    """A date or date-time from a researcher's file as ISO 8601, and which of `DATE_FORMS`
    it was written in (None: ISO 8601 already); None when it is none of them. Dates with
    slashes are read only in the `slash_order` given ("day-first" or "month-first"), and
    year first always."""
    value = value.strip()
    iso = normalize_iso(value)
    if iso is not None:
        return iso, None
    try:
        if EPOCH_SECONDS_RE.fullmatch(value):
            return epoch_iso(value), "epoch seconds"
        if EPOCH_MILLIS_RE.fullmatch(value):
            return epoch_iso(int(value) / 1000), "epoch milliseconds"
        if EXCEL_SERIAL_RE.fullmatch(value):
            # Whole seconds, so that 0.4375 of a day is 10:30:00 and not 10:29:59.99.
            moment = EXCEL_EPOCH + timedelta(seconds=round(float(value) * 86400))
            return moment.strftime("%Y-%m-%dT%H:%M:%S" if "." in value else "%Y-%m-%d"), "excel serial"
    except (OverflowError, OSError, ValueError):
        return None
    try:
        if m := DAY_FIRST_RE.fullmatch(value):
            return _numeric(m, int(m["year"]), int(m["month"]), int(m["day"])), "day first"
        if m := DAY_SLASH_YEAR_RE.fullmatch(value):
            year = int(m["year"]) + (2000 if len(m["year"]) == 2 else 0)
            return _numeric(m, year, int(m["month"]), int(m["day"])), "day first"
        if m := YEAR_FIRST_SLASH_RE.fullmatch(value):
            return _numeric(m, int(m["year"]), int(m["month"]), int(m["day"])), "slashes, year first"
        if m := YEAR_FIRST_COMMA_RE.fullmatch(value):
            return _numeric(m, int(m["year"]), int(m["month"]), int(m["day"])), "year first, comma"
        if m := YEAR_FIRST_CLOCK_RE.fullmatch(value):
            return _numeric(m, int(m["year"]), int(m["month"]), int(m["day"])), "year first, clock"
        if slash_order in SLASH_ORDERS and (m := SLASH_RE.fullmatch(value)):
            a, b = int(m["a"]), int(m["b"])
            day, month = (a, b) if slash_order == "day-first" else (b, a)
            return _numeric(m, int(m["year"]), month, day), f"slashes, {slash_order.replace('-', ' ')}"
    except ValueError:
        return None
    # A weekday or "den" in front says nothing the date does not ("onsdag den 4. december 2024").
    dated = _weekday_re().sub("", value, count=1)
    found = find_named_date(dated)
    if found and found[1].group(0).strip() == dated.rstrip(".").strip():
        return found[0], "month name"
    # Day first with dots and a two-digit year, as Danish and Norwegian sites print a
    # comment's date ("04.12.24"; pages are read the same way): this century's. Not with
    # dashes: Swedish writes "24-12-04" year first.
    if iso := parse_numeric_date(dated):
        return iso, "day first"
    if (m := ZONE_NAMED_RE.fullmatch(value)) and (iso := normalize_iso(m["iso"].replace(" ", "T"))):
        return datetime.fromisoformat(iso).replace(tzinfo=UTC).isoformat(), "zone named"
    if RFC2822_RE.fullmatch(value):
        try:
            return parsedate_to_datetime(value).isoformat(), "rfc 2822"
        except (TypeError, ValueError):
            return None
    if CTIME_RE.fullmatch(value):
        zoned = re.search(r"[+-]\d{4}", value) is not None
        try:
            parsed = datetime.strptime(
                " ".join(value.split()), "%a %b %d %H:%M:%S %z %Y" if zoned else "%a %b %d %H:%M:%S %Y"
            )
        except ValueError:
            return None
        return parsed.isoformat(), "twitter"
    for pattern in _english_date_res():
        if m := pattern.fullmatch(value):
            try:
                return _numeric(
                    m, int(m["year"]), _english_months()[m["month"].lower()], int(m["day"])
                ), "english month name"
            except ValueError:
                return None
    return None
