"""Find an issue's series, number and period from its own text.

Newsletters state these in different wordings ("ROCB E-Newsletter No.62", "This No. 76
E-Newsletter", "**Vol. 17** June, 2020", "(October through December 2023)", "1st quarter of
FY2018/19"), so each is looked for by pattern and the file name is only the last resort.
"""

from __future__ import annotations

import calendar
import re
from collections import Counter
from dataclasses import dataclass
from datetime import date

_MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
_MONTHS |= {name.lower(): i for i, name in enumerate(calendar.month_abbr) if name}
_MONTH = r"(?:" + "|".join(sorted((m for m in _MONTHS), key=len, reverse=True)) + r")\.?"
_NEWSLETTER_WORD = r"(?:E-\s?Newsletters?|Newsletters?|News|Bulletin|Magazine)"
_ORG = r"(?:[A-Z][A-Za-z]*[A-Z][A-Za-z]*)(?:\s+(?:A/P|AP|Asia/Pacific|Asia Pacific))?"
_SERIES = re.compile(rf"\b(?P<org>{_ORG})\s+(?P<word>{_NEWSLETTER_WORD})\b")
_NUMBER = re.compile(
    rf"(?:{_NEWSLETTER_WORD}\s*)?\b(?P<kind>No|Vol|Volume|Issue)\.?\s*(?P<num>\d{{1,4}})\b(?:\s*{_NEWSLETTER_WORD})?",
    re.I,
)
_PERIOD = re.compile(
    rf"\(?\b(?P<m1>{_MONTH})\s*(?P<y1>\d{{4}})?\s*(?:through|to|until|-|–)\s*(?P<m2>{_MONTH})\s*,?\s*(?P<y2>\d{{4}})\b",
    re.I,
)
_FY_QUARTER = re.compile(
    r"\b(?P<q>1st|first|2nd|second|3rd|third|4th|fourth)\s+quarter\s+of\s+(?:the\s+)?(?:WCO\s+)?"
    r"(?:FY|fiscal\s+year)\s*(?P<y>\d{4})\s*/\s*(?P<y2>\d{2,4})",
    re.I,
)
_MONTH_YEAR = re.compile(rf"\b(?P<m>{_MONTH})\s*,?\s*(?P<y>(?:19|20)\d{{2}})\b", re.I)
_NEW_YEAR = re.compile(r"Happy New Year,?\s*(?P<y>(?:19|20)\d{2})", re.I)
_QUARTER_INDEX = {"1st": 1, "first": 1, "2nd": 2, "second": 2, "3rd": 3, "third": 3, "4th": 4, "fourth": 4}
HEAD_CHARS = 6000  # masthead and foreword: where an issue names itself


@dataclass(frozen=True)
class IssueMetadata:
    series: str
    number: str | None
    number_kind: str  # "No." or "Vol."
    period_start: date | None
    period_end: date | None
    published: date | None
    period_stated: bool  # False when the period was inferred from a publication date alone
    source: str  # "text" or "file name": where the label came from

    @property
    def label(self) -> str:
        """How readers name the issue, e.g. "ROCB A/P E-Newsletter No. 79"."""
        return f"{self.series} {self.number_kind} {self.number}" if self.number else self.series

    @property
    def date_label(self) -> str:
        """A human period such as "Oct–Dec 2023" or "June 2020"."""
        start, end = self.period_start, self.period_end
        if self.period_stated and start and end and (start.year, start.month) != (end.year, end.month):
            first = calendar.month_abbr[start.month] + (f" {start.year}" if start.year != end.year else "")
            return f"{first}–{calendar.month_abbr[end.month]} {end.year}"
        when = self.published or start
        return f"{calendar.month_name[when.month]} {when.year}" if when else "undated"


def _month(name: str) -> int:
    return _MONTHS[name.lower().rstrip(".")]


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _canonical_series(org: str, word: str, text: str) -> str:
    org = re.sub(r"\s+(?:AP|Asia/Pacific|Asia Pacific)$", " A/P", org.strip())
    if " " not in org and len(re.findall(rf"\b{re.escape(org)} A/P\b", text)) >= 3:
        org += " A/P"  # "ROCB E-Newsletter" in a text that calls itself "ROCB A/P" throughout
    word = re.sub(r"E-\s?", "E-", word.rstrip("s") if word.lower().endswith("letters") else word)
    return f"{org} {word}"


def find_series(text: str) -> str | None:
    """The newsletter's name: the most frequent "<ORG> Newsletter"-like phrase near the top."""
    head = text[:HEAD_CHARS]
    found = Counter(_canonical_series(m["org"], m["word"], text) for m in _SERIES.finditer(head))
    if not found:
        found = Counter(_canonical_series(m["org"], m["word"], text) for m in _SERIES.finditer(text))
    if found:
        return found.most_common(1)[0][0]
    bare = re.search(rf"\b({_NEWSLETTER_WORD})\b", head)
    if bare:  # "This No. 76 E-Newsletter": name it after the organisation the text names most
        orgs = Counter(m.group(0) for m in re.finditer(r"\b[A-Z]{3,} A/P\b", text))
        if orgs:
            return _canonical_series(orgs.most_common(1)[0][0], bare.group(1), text)
    return None


def find_number(text: str) -> tuple[str, str] | None:
    """The issue number and its kind ("No." or "Vol."), preferring ones beside "Newsletter"."""
    head = text[:HEAD_CHARS]
    matches = list(_NUMBER.finditer(head))
    if not matches:
        return None
    beside = [m for m in matches if re.search(_NEWSLETTER_WORD, m.group(0))]
    best = (beside or matches)[0]
    kind = "Vol." if best["kind"].lower().startswith("vol") else "No."
    return best["num"], kind


def find_period(text: str) -> tuple[date | None, date | None, date | None, bool]:
    """(period start, period end, publication date, whether the period is stated)."""
    head = text[:HEAD_CHARS]
    published = None
    new_year = _NEW_YEAR.search(head)
    if new_year:
        published = date(int(new_year["y"]), 1, 1)
    for m in _PERIOD.finditer(head):
        context = head[max(0, m.start() - 200) : m.end() + 20].lower()
        if "quarter" in context or "features" in context or "period" in context:
            y2 = int(m["y2"])
            m1, m2 = _month(m["m1"]), _month(m["m2"])
            y1 = int(m["y1"]) if m["y1"] else (y2 if m1 <= m2 else y2 - 1)
            return date(y1, m1, 1), _month_end(y2, m2), published, True
    quarter = _FY_QUARTER.search(head)
    if quarter:  # the WCO fiscal year runs July to June
        q = _QUARTER_INDEX[quarter["q"].lower()]
        first_year = int(quarter["y"])
        start_month = 7 + 3 * (q - 1)
        year = first_year + (start_month - 1) // 12
        start_month = (start_month - 1) % 12 + 1
        return date(year, start_month, 1), _month_end(year, start_month + 2), published, True
    number = _NUMBER.search(head)
    near_number = head[number.start() : number.end() + 300] if number else ""
    dated = _MONTH_YEAR.search(near_number) or _MONTH_YEAR.search(head[:2500])
    if dated:
        published = date(int(dated["y"]), _month(dated["m"]), 1)
    if published:
        # An issue dated only by publication is read as covering the year before it.
        start = date(published.year - 1, published.month, 1)
        return start, _month_end(published.year, published.month), published, False
    return None, None, None, False


def _from_file_name(stem: str) -> tuple[str | None, date | None]:
    number = re.search(r"(?:no|vol|issue)[-_ ]?(\d{1,4})", stem, re.I)
    when = re.search(r"((?:19|20)\d{2})[-_]?(\d{2})?", stem)
    day = date(int(when[1]), int(when[2] or 1), 1) if when and 1 <= int(when[2] or 1) <= 12 else None
    return (number[1] if number else None), day


def extract_metadata(text: str, file_stem: str) -> IssueMetadata:
    """Series, number and period of one issue, read from its cleaned text."""
    series = find_series(text)
    number = find_number(text)
    start, end, published, stated = find_period(text)
    source = "text"
    if not series or not number or not start:
        file_number, file_date = _from_file_name(file_stem)
        if not series:
            series, source = file_stem, "file name"
        if not number and file_number:
            number, source = (file_number, "No."), "file name"
        if not start and file_date:
            start, end, published = file_date, _month_end(file_date.year, file_date.month), file_date
    return IssueMetadata(
        series=series,
        number=number[0] if number else None,
        number_kind=number[1] if number else "No.",
        period_start=start,
        period_end=end,
        published=published,
        period_stated=stated,
        source=source,
    )
