"""What a question asks for, read from its wording.

The finder needs to know whether a question wants a number, a sum, a date, a person, a
place or an organisation (`asked_for`, read from the asking word that opens a clause), and
what it pins down: what a "how many" counts, how fine a date it wants, the post a "who was
the ..." names, what happened, which numbered instance ("the third edition") it is about,
the country of a "which Fijian city", whether it asks where something is, and how many
names a "which countries" wants. Plain patterns, no model.

    asked_for("How many delegates did the Philippines send?")  # Asked.NUMBER
    counted("How many Thai Customs officers attended?")        # {'offic'}
"""

from __future__ import annotations

import re
from enum import Enum

from rag.terms import ASKING_WORDS, PEOPLE_WORDS, PLACED_WORDS, STOP, WORD, content_terms


class Asked(Enum):
    """What kind of thing the question asks for, read from its wording."""

    AMOUNT = "amount"  # of money: needs a currency
    NUMBER = "number"
    DATE = "date"
    PERSON = "person"
    TOWN = "town"  # a city or town: needs a name the gazetteer knows (rag/places.py)
    PLACE = "place"
    ORGANISATION = "organisation"  # a company, agency, university: needs a proper name
    OTHER = "other"


# "Which [Japanese Ministry of Finance] official": the asking word, up to four words, the noun; no verb in between
# ("What topic did the Director ..." asks for a topic, not a person).
_NOUN_PHRASE = r"\s+(?:(?!(?:did|does|do|is|was|were|are|has|have|had)\b)[\w/.'’-]+\s+){0,6}?"

_ASKED_PATTERNS = [
    (
        Asked.AMOUNT,
        r"\bhow much\b(?=.*\b(?:costs?|pay|paid|spen[dt]|donat\w*|fund\w*|fees?|budgets?|price|worth|contribut\w*)\b)"
        r"|^(?:what|which)\b.*\b(?:budget|fee|cost|price|funding)s?\b",
    ),
    (
        Asked.NUMBER,
        r"\bhow (?:many|much|long|often|large|big)\b|\bwhat (?:number|percentage|share|proportion|amount|quantity)\b|\bnumber of\b",
    ),
    (Asked.DATE, r"\bwhen\b|\bwhat (?:date|day|month|year|period|time)\b|\bwhich (?:date|day|month|year|dates|days)\b|\bon what dates?\b"),
    (
        Asked.PERSON,
        rf"\bwho(?:m|se)?\b|\b(?:which|what){_NOUN_PHRASE}(?:official|person|expert|officer|director|minister|commissioner"
        r"|speaker|head|chair|executive|staff member|manager|secretary|delegate)s?\b|\bname of the (?:person|official|head|director)\b",
    ),
    (Asked.TOWN, rf"\b(?:which|what){_NOUN_PHRASE}(?:city|cities|town|towns)\b"),
    (Asked.PLACE, rf"\bwhere\b|\b(?:which|what){_NOUN_PHRASE}(?:city|country|town|venue|place|location|hotel|province|region)\b"),
    (
        Asked.ORGANISATION,
        rf"\b(?:which|what){_NOUN_PHRASE}(?:company|companies|agency|agencies|organi[sz]ations?|university|universities|institutions?"
        r"|donors?|firms?|operators?)\b",
    ),
]

ASKING_WORD = re.compile(rf"\b{ASKING_WORDS}\b", re.I)
# An asking word that opens a clause, perhaps after a preposition ("..., who gave the speech?", "In which
# city ..."); one inside a noun phrase is a relative ("the ceremony where India took over as Vice Chair")
_CLAUSE_START = r"(?:^|[,;:.?]\s+)\W*(?:(?:in|at|on|for|since|to|from|by|with|during|of|under|after|before|until)\s+)?"
_ASKING_CLAUSE = re.compile(rf"{_CLAUSE_START}({ASKING_WORDS})\b", re.I)
# "Who is Jin-Cheol Yang?" names the person and asks what post or part they have
_WHO_IS_NAMED = re.compile(r"^\W*who\s+(?:is|was|are|were)\s+(?:(?:Mr|Ms|Mrs|Dr|Prof)\.?\s+)?(?-i:[A-Z][\w.’'-]*(?:\s+[A-Z][\w.’'-]*){0,3})\s*\?*\s*$", re.I)


# "What was the name of the hotel ...", "What are the names of the officials ...": "which hotel", "which officials"
_NAME_OF = re.compile(r"\b(?:what|which)\s+(?:is|was|are|were)\s+the\s+names?\s+of\s+(?:the\s+)?", re.I)


def asked_for(question: str) -> Asked:
    """The kind the question's first asking phrase names ("Who ..., and when ...?" wants a person;
    "Which three administrations ..., and how many ...?" is not a number question; "Who is
    Jin-Cheol Yang?" asks for a post, not another person)."""
    if _WHO_IS_NAMED.match(question):
        return Asked.OTHER
    lowered = _NAME_OF.sub("which ", question.lower())
    found = [(match.start(), order, match.end(), kind) for order, (kind, pattern) in enumerate(_ASKED_PATTERNS) if (match := re.search(pattern, lowered))]
    opening = _ASKING_CLAUSE.search(lowered)
    first = opening.start(1) if opening else (match.start() if (match := ASKING_WORD.search(lowered)) else None)
    if first is not None:
        found = [item for item in found if item[0] <= first < item[2]]
    return min(found)[3] if found else Asked.OTHER


# "Who organised / funded ...?" may be answered by an institution, not a person.
_INSTITUTIONAL_ACT = re.compile(
    r"\bwho\b.*\b(?:organi[sz]\w*|host\w*|fund\w*|financ\w*|sponsor\w*|support\w*|donat\w*|run|ran|launch\w*|develop\w*"
    r"|publish\w*|provid\w*)\b",
    re.I,
)

REQUIRED = (Asked.AMOUNT, Asked.NUMBER, Asked.DATE)  # a sentence without one of these cannot answer the question
EVENT_CHECKED = (Asked.DATE,)  # numbers are not: "how many took part" is answered by "joined", "inbound" by "inward"

# "Who opened / closed / led ...?" asks who did something; "Who was Head ...?" who held a post
_WHO_DID = re.compile(rf"{_CLAUSE_START}who\s+(?!(?:is|was|were|are|has|have|had|will|would|did|does|do|can|could|else)\b)([a-z]+)\b(.*)", re.I | re.S)
# Verbs that carry little meaning of their own: in "Who gave the opening speech?" the act is the opening speech
_SUPPORT_VERBS = frozenset("deliver delivered delivers give gave gives make made makes present presented provide provided offer offered".split())
_OBJECT_ENDS = re.compile(r"\b(?:at|in|on|for|of|to|during|from|with|by|before|after)\b|[,?]", re.I)


def act_asked(question: str) -> tuple[str, str] | None:
    """(verb, what it was done as) for "Who <verb> ...?": ("closed", "") for "Who closed the conference?";
    ("", "closing") for "Who delivered the closing remarks?", where a support verb's object names the act
    and the verb says nothing of it ("gave" is also "opened" and "held" in WordNet); ("gave", "speech") for
    "Who gave the speech?". None for any other question, and for one naming the post asked about ("Who
    took over as Director General?")."""
    match = _WHO_DID.search(question)
    if not match or asked_post(question):
        return None
    verb, rest = match.group(1), match.group(2)
    if verb.lower() not in _SUPPORT_VERBS:
        return verb, ""
    obj = [word for word in WORD.findall(_OBJECT_ENDS.split(rest, maxsplit=1)[0]) if word[0].islower() and word.lower() not in STOP]
    # "the closing remarks": what kind of remarks is the act ("the welcoming remarks" did not close anything)
    return ("", " ".join(obj[:-1])) if obj[:-1] else (verb, " ".join(obj))


# "In which Fijian city ...", "Which city in Japan ...": where the town asked for is
_TOWN_ASKED = re.compile(
    rf"\b(?:which|what)({_NOUN_PHRASE})(?:city|cities|town|towns)\b(\s+(?:in|of)\s+(?-i:[A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*)*))?", re.I
)


def town_region(question: str) -> str:
    """The words saying where the town a "which city" question asks for is: "Fijian" in "In which Fijian
    city ...?", "in Japan" in "Which city in Japan ...?"; "" for any other question."""
    match = _TOWN_ASKED.search(question)
    return " ".join(part.strip() for part in match.groups() if part and part.strip()) if match else ""


_VENUE_ASKED = re.compile(rf"\b(?:which|what){_NOUN_PHRASE}(?:venue|hotel|building|hall)s?\b", re.I)


def asks_venue(question: str) -> bool:
    """Does the question ask for a venue by name ("At which venue in Tokyo was ... held?")?"""
    return bool(_VENUE_ASKED.search(_NAME_OF.sub("which ", question)))


def asks_where(question: str) -> bool:
    """Does the question open with "where" ("Where was the forum held?"): a place it wants named?"""
    return bool(re.match(r"\W*where\b", question, re.I))


_WHERE_IT_IS = re.compile(rf"\b(?:is|are|was|were)\b.*\b{PLACED_WORDS}\b", re.I)


# "In which Japanese city is the Customs Training Institute?", "Where is RTC Japan?": "is" and nothing done
_CITY_IS = re.compile(r"(?:\b(?:city|cities|town|towns)|^\W*where)\s+(?:is|are)\b(?:(?!\b(?-i:[a-z])\w*(?:ed|ing)\b)[^?])*\?*\s*$", re.I)


def asks_where_it_is(question: str) -> bool:
    """Does the question ask where something is ("In which city is the APPU headquartered?", "Where is
    RTC Japan?"), not where something happened ("In which city was the conference held?")?"""
    return bool(_WHERE_IT_IS.search(question) or _CITY_IS.search(question))


_COUNT_WORDS = {w: n for n, w in enumerate("two three four five six seven eight nine ten eleven twelve".split(), 2)}
# "Which nine ASEAN Member States ...", "Apart from the Labrador, which nine other dog breeds ...": several names asked for
_WHICH_SEVERAL = re.compile(r"\b(?:which|what)\s+(?:the\s+)?(\d{1,2}|" + "|".join(_COUNT_WORDS) + r")\s+(?!(?:of|per|to|or|and|percent|%)\b)\w", re.I)


# "Which countries ...", "Which Asia Pacific customs administrations ...": named things, more than one
_WHICH_NAMED_PLURAL = re.compile(
    rf"^\W*(?:which|what){_NOUN_PHRASE}(?:countries|administrations|economies|member states|companies|agencies"
    r"|organi[sz]ations|institutions|universities|firms)\b",
    re.I,
)


def names_listed(question: str) -> int:
    """How many names a "which <n> ..." question asks for ("Which eight countries ...?" → 8), 2 for "which
    countries / companies ..." without a count; 0 for any other."""
    match = _WHICH_SEVERAL.search(question)
    if not match:
        return 2 if _WHICH_NAMED_PLURAL.search(question) else 0
    count = match.group(1).lower()
    number = int(count) if count.isdigit() else _COUNT_WORDS[count]
    return number if 2 <= number <= 50 else 0


def requires_asked_for(kind: Asked, question: str) -> bool:
    """Must a sentence hold the thing asked for to answer at all? Numbers, sums and dates, always;
    a person, unless the question asks who did what an institution does ("who organised it?")."""
    return kind in REQUIRED or (kind is Asked.PERSON and not _INSTITUTIONAL_ACT.search(question))


def kind_is_checked(question: str) -> bool:
    """Does the finder check what the question asks for (a number, sum, date, person, place or organisation)?"""
    return asked_for(question) is not Asked.OTHER


def counted(question: str) -> frozenset[str]:
    """The stem of what a "how many" question counts, the head of its noun phrase: "How many Thai Customs
    officers were ..." → {offic} ("17 areas of Customs knowledge" does not count officers); for "how
    long", units of time."""
    if re.search(r"\bhow long\b", question, re.I):
        return _DURATION_UNITS  # "for how long ...": "four years", not "two programmes"
    match = re.search(r"\bhow many\s+(.*)", question, re.I)
    if not match:
        return frozenset()
    words: list[str] = []
    following = WORD.findall(match.group(1))[:5]
    for position, word in enumerate(following[:4]):
        if word.lower() in STOP and word.lower() != "and":
            break
        # "How many attended the ...": a verb; "How many recorded lectures ...": a word describing the noun after it
        describes_next = position == 0 and word.lower().endswith("ed") and position + 1 < len(following) and following[position + 1].lower() not in STOP
        if _looks_like_verb(word) and not describes_next:
            break
        words.append(word)
    nouns = [w for w in words if w.lower().endswith("s") or w.lower() in PEOPLE_WORDS]
    return frozenset(content_terms(nouns[-1] if nouns else " ".join(words)))


_DURATION_UNITS = frozenset(content_terms("years months weeks days hours minutes"))
_PLAIN_VERBS = frozenset({"took", "came", "went", "got", "made", "gave", "sent", "saw", "attend", "join"})


def _looks_like_verb(word: str) -> bool:
    """"attended", "took": where a "how many" noun phrase ends."""
    lowered = word.lower()
    return (len(lowered) > 4 and lowered.endswith("ed")) or lowered in _PLAIN_VERBS


_AUTHORSHIP = re.compile(r"\b(?:author\w*|wr[io]te|writ(?:ten|er|ing)|contribut\w*|essay|column)\b", re.I)


def asks_about_authorship(question: str) -> bool:
    """"Who wrote the essay ...?": the one question an article's byline answers."""
    return bool(_AUTHORSHIP.search(question))


def date_precision(question: str) -> str:
    """How fine a date the question wants: "day" ("on what date ..."), "month" ("in what month (and year) ..."),
    "year" ("in what year ..."), else "any" (a "when" is answered by a new year or month)."""
    lowered = question.lower()
    if re.search(r"\b(?:what|which) (?:date|dates|day|days)\b", lowered):
        return "day"
    if re.search(r"\b(?:what|which) months?\b", lowered):
        return "month"
    if re.search(r"\b(?:what|which) year\b", lowered):
        return "year"
    return "any"


_POST_ENDS = r"(?=\s+(?:of|at|in|for|from|to|who|whom|that|when|during|under|on)\b|\s*[,?])"  # where a post's name stops
_POST_WORDS = frozenset(
    "director general commissioner minister secretary head chair chairperson chairman president controller manager"
    " coordinator comptroller attaché attache ambassador officer".split()
)


def asked_post(question: str) -> frozenset[str]:
    """The post a "who was the ..." question names, its last word and the capitalised word before it:
    "Who were the two facilitators, from ..." → {facilit}; "Who took over as Director General of ..." →
    {director, general}, which "Secretary General" does not hold. Empty for "who opened it?"."""
    match = re.search(
        rf"\bwho\s+(?:was|were|is|are|became|served as|took over as|acted as)\s+(?:the\s+)?((?:[\w/.'’-]+\s+){{0,5}}?[\w'’-]+?){_POST_ENDS}",
        question,
        re.I,
    )
    if not match:
        # "Which Director General of the KCS ...", "What is the name of the Assistant Commissioner ...": a
        # capitalised post is a formal title ("Which Thai Customs executive" names none)
        match = re.search(rf"\b(?i:which)\s+((?:[\w/.'’-]+\s+){{0,5}}?[A-Z][\w'’-]+?){_POST_ENDS}", _NAME_OF.sub("which ", question))
        if not match or match.group(1).split()[-1].lower() not in _POST_WORDS:
            return frozenset()
    words = match.group(1).split()
    title = words[-2:] if len(words) > 1 and words[-2][:1].isupper() else words[-1:]  # "Secretary General", not "serving as Director"
    return frozenset(content_terms(" ".join(title)))


# "When did it take place?" says only that it happened ("was held", "met", "convened"): no word to look for
_TAKE_PLACE = re.compile(r"\b(?:take|takes|took|taken|taking)\s+place\b", re.I)
_ASKING_TERMS = {"date", "dates", "day", "days", "month", "year", "years", "time", "period", "exact", "exactly"}
# ", presented at the December 2019 workshop,": a clause between commas that tells which thing, not what happened to it
_DESCRIBING_CLAUSE = re.compile(r",\s+(?:(?:which|who)\s+(?:was|were|is|are|had|has)\s+)?(?:\w+ed|held|led|run|given|shown|made|built|written)\b[^,?]*,", re.I)


def event_terms(question: str) -> frozenset[str]:
    """Stems of the question's lower-case content words: what happened ("take up his post", "designated"),
    as opposed to the names of who or what it happened to, and to a clause telling which thing it is ("When
    was the Guide, presented at the 2019 workshop, first published?" asks about publishing)."""
    asked = _DESCRIBING_CLAUSE.sub(" ", _TAKE_PLACE.sub(" ", question))
    words = [w for w in WORD.findall(asked) if w[0].islower() and w.lower() not in _ASKING_TERMS]
    return frozenset(content_terms(" ".join(words)))


_ORDINAL_WORDS = {
    word: number
    for number, words in enumerate(
        ["first inaugural", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth"], 1
    )
    for word in words.split()
}

_NUMBERED_THING = re.compile(rf"\b({'|'.join(_ORDINAL_WORDS)}|\d+)\s*(?:st|nd|rd|th)?\s+([A-Za-z][\w-]*)", re.I)


def numbered_things(text: str) -> dict[str, set[int]]:
    """Which instance of a thing the text names: "the third edition" → {"edit": {3}}, "21st session" → {"session": {21}}."""
    found: dict[str, set[int]] = {}
    for match in _NUMBERED_THING.finditer(text):
        number, noun = match.group(1).lower(), match.group(2)
        if not number.isdigit() and number not in _ORDINAL_WORDS:
            continue
        if number.isdigit() and not re.match(r"\d+\s*(?:st|nd|rd|th)\b", match.group(0), re.I):
            continue  # a count ("21 administrations"), not an ordinal
        terms = content_terms(noun)
        if terms:
            found.setdefault(terms[0], set()).add(int(number) if number.isdigit() else _ORDINAL_WORDS[number])
    return found


def speaks_of_another(question_things: dict[str, set[int]], text: str) -> bool:
    """Does the text name another instance of a thing the question numbers ("the second edition"
    for "the third edition"), and not the question's own?"""
    things = numbered_things(text)
    return any(noun in things and not numbers & things[noun] for noun, numbers in question_things.items())
