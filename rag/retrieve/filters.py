"""Read the issue or time a question names, by plain patterns, and narrow retrieval to it.

"in No. 79", "the CTI newsletter", "in 2022", "last quarter of 2023", "Q1 2022",
"March 2022": each becomes a filter over the catalogue of indexed issues, and the
filter applied is reported with the results so the reader can see (and undo) it.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field
from datetime import date, timedelta

_MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
_MONTHS |= {name.lower(): i for i, name in enumerate(calendar.month_abbr) if name} | {"sept": 9}
MONTH_PATTERN = r"(?:" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")"  # a month's name or abbreviation; use with re.I
_ISSUE_NUMBER = re.compile(r"\b(?:no|number|issue|vol|volume|edition|#)\.?\s*#?\s*(\d{1,4})\b", re.I)
_QUARTER = re.compile(
    r"\b(?:(?P<word>first|1st|second|2nd|third|3rd|fourth|4th|last|final)\s+quarter\s+of\s+|q(?P<q>[1-4])\s*)(?P<y>(?:19|20)\d{2})\b",
    re.I,
)
_QUARTER_WORDS = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4, "4th": 4, "last": 4, "final": 4}
_MONTH_YEAR = re.compile(rf"\b(?P<m>{MONTH_PATTERN})\.?\s*,?\s*(?P<y>(?:19|20)\d{{2}})\b", re.I)
_YEAR = re.compile(r"(?<![\d/.-])(?P<y>(?:19|20)\d{2})(?![\d/]|-\d)")
# An issue reports events from the months around the period it covers: next quarter's plans
# (REPORTING_MARGIN before it), and last year's workshops, which a year-end issue still reviews
# (REPORTING_LAG after the event). A named time matches issues within those bounds.
REPORTING_MARGIN = timedelta(days=183)
REPORTING_LAG = timedelta(days=366)
_NEWSLETTER_WORDS = r"(?:news|newsletters?|e-newsletters?|issues?|editions?|bulletins?)"


@dataclass(frozen=True)
class IssueInfo:
    """What the filter needs to know of one indexed issue."""

    label: str
    series: str
    number: str | None
    date_start: date | None
    date_end: date | None


@dataclass(frozen=True)
class Filters:
    """Restrictions on which issues' passages may be returned."""

    issues: frozenset[str] = frozenset()  # issue labels; empty = any
    date_from: date | None = None
    date_to: date | None = None
    reasons: tuple[str, ...] = field(default_factory=tuple)  # why each restriction applies
    margin: timedelta = timedelta(0)  # how long before the asked time an issue may announce it (times read from a question)
    lag: timedelta = timedelta(0)  # how long after the asked time an issue may report it

    @property
    def active(self) -> bool:
        return bool(self.issues or self.date_from or self.date_to)

    def allows(self, issue: IssueInfo) -> bool:
        if self.issues and issue.label not in self.issues:
            return False
        if self.date_from and issue.date_end and issue.date_end + self.margin < self.date_from:
            return False
        if self.date_to and issue.date_start and issue.date_start - self.lag > self.date_to:
            return False
        return True

    def describe(self) -> str:
        return "; ".join(self.reasons) if self.reasons else "none"


def _series_aliases(series: str) -> list[str]:
    """Ways a reader names a series: "CTI News" -> ["cti news", "cti"]; acronyms need context."""
    aliases = [series.lower()]
    acronyms = [w for w in re.findall(r"[A-Z][A-Z/]+", series) if len(w) >= 3]
    aliases.extend(a.lower() for a in acronyms)
    return aliases


def _named_series(question: str, catalogue: list[IssueInfo]) -> set[str]:
    lowered = question.lower()
    named: set[str] = set()
    for series in {i.series for i in catalogue}:
        for alias in _series_aliases(series):
            if alias == series.lower() and alias in lowered:
                named.add(series)
            elif re.search(rf"\b{re.escape(alias)}\b(?:\s+\S+){{0,2}}?\s+{_NEWSLETTER_WORDS}\b", lowered):
                named.add(series)  # "the CTI newsletter", "ROCB A/P e-newsletter"
    return named


def _period_of(question: str) -> tuple[date, date, str] | None:
    quarter = _QUARTER.search(question)
    if quarter:
        q = int(quarter["q"]) if quarter["q"] else _QUARTER_WORDS[quarter["word"].lower()]
        year = int(quarter["y"])
        end_month = 3 * q
        return date(year, end_month - 2, 1), date(year, end_month, calendar.monthrange(year, end_month)[1]), quarter.group(0)
    month = _MONTH_YEAR.search(question)
    if month:
        year, m = int(month["y"]), _MONTHS[month["m"].lower()]
        return date(year, m, 1), date(year, m, calendar.monthrange(year, m)[1]), month.group(0)
    years = sorted({int(y) for y in _YEAR.findall(question)})
    if years:
        text = str(years[0]) if len(years) == 1 else f"{years[0]}–{years[-1]}"
        return date(years[0], 1, 1), date(years[-1], 12, 31), text
    return None


# "the latest issue", "the most recent CTI newsletter"; not "the first edition of the canine report"
_LATEST = re.compile(
    r"\b(?:(latest|most recent|newest|last|current)|(first|earliest|oldest))\s+(?:(?-i:[A-Z][\w/.-]*)\s+){0,3}?"
    r"(?:issues?|newsletters?|e-newsletters?|news)\b",
    re.I,
)


def _latest_or_first(question: str, candidates: list[IssueInfo]) -> tuple[IssueInfo, str] | None:
    """The issue meant by "the latest issue" or "the first CTI newsletter" among `candidates`, and the word that meant it."""
    match = _LATEST.search(question)
    dated = [i for i in candidates if i.date_end or i.date_start]
    if not match or not dated:
        return None
    when = lambda issue: issue.date_end or issue.date_start  # noqa: E731
    if match.group(1):
        return max(dated, key=when), match.group(1).lower()
    return min(dated, key=when), match.group(2).lower()


def parse_filters(question: str, catalogue: list[IssueInfo]) -> Filters:
    """The filters a question implies, limited to what the catalogue can satisfy."""
    reasons: list[str] = []
    issues: set[str] = set()
    series = _named_series(question, catalogue)
    numbers = {m.group(1).lstrip("0") for m in _ISSUE_NUMBER.finditer(question)}
    by_number = {i.label for i in catalogue if i.number and i.number.lstrip("0") in numbers and (not series or i.series in series)}
    meant = None if by_number else _latest_or_first(question, [i for i in catalogue if not series or i.series in series])
    if by_number:
        issues = by_number
        reasons.append(f"issue {', '.join(sorted(by_number))} named in the question")
    elif meant is not None:
        issues = {meant[0].label}
        reasons.append(f"issue {meant[0].label}, the {meant[1]} one")
    elif series:
        issues = {i.label for i in catalogue if i.series in series}
        reasons.append(f"series {', '.join(sorted(series))} named in the question")
    date_from = date_to = None
    period = _period_of(question) if not by_number and meant is None else None
    if period:
        start, end, text = period
        probe = Filters(issues=frozenset(issues), date_from=start, date_to=end, margin=REPORTING_MARGIN, lag=REPORTING_LAG)
        if any(probe.allows(i) for i in catalogue):
            date_from, date_to = start, end
            reasons.append(f"issues covering {text}")
    return Filters(
        issues=frozenset(issues), date_from=date_from, date_to=date_to, reasons=tuple(reasons), margin=REPORTING_MARGIN, lag=REPORTING_LAG
    )
