"""Finding the answer sentence, and composing the answer from it and the model's reply."""

import zlib

import numpy as np
import pytest

from rag.answer_finder import AnswerFinder, Candidate, companion, top_per_passage
from rag.composer import compose, extractive_parts, find_disagreement
from rag.embedder import Embedder
from rag.passages import Passage
from rag.question_kinds import Asked, asked_for, asked_post, counted, date_precision, numbered_things
from rag.places import countries_named, town_names
from rag.related_words import related_words
from rag.sentence_facts import has_asked_for
from rag.terms import content_terms


class WordHashEmbedder(Embedder):
    """Bag of hashed words: deterministic, and enough where meaning is not what is tested."""

    name = "word-hash"
    dimensions = 64
    max_tokens = 256

    def count_tokens(self, text: str) -> int:
        return len(text.split())

    def encode(self, texts, *, kind, progress=False):
        vectors = np.zeros((len(texts), self.dimensions), np.float32)
        for row, text in enumerate(texts):
            for word in content_terms(text):
                vectors[row, zlib.crc32(word.encode()) % self.dimensions] += 1.0
        return vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-9)


def _passage(issue: str, date_end: str, text: str, start: int = 100) -> Passage:
    return Passage(f"id-{issue}", f"doc-{issue}", issue, "ROCB A/P E-Newsletter", issue[-2:], None, date_end, date_end[:7], "Members", start, start + len(text), text)


def _candidate(passage: Passage, sentence: str, score: float, index: int = 0) -> Candidate:
    begin = passage.text.index(sentence)
    return Candidate(index, passage, begin, begin + len(sentence), score, {})


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("How many delegates did the Philippines send?", Asked.NUMBER),
        ("On what dates was the workshop held?", Asked.DATE),
        ("Who opened the AEO workshop?", Asked.PERSON),
        ("In which city was the IT Conference held?", Asked.TOWN),
        ("Where was the IT Conference held?", Asked.PLACE),
        ("What does BACUDA stand for?", Asked.OTHER),
        ("Who is Jin-Cheol Yang?", Asked.OTHER),  # names the person, asks for their post
        ("Who was Head of the ROCB A/P in 2018?", Asked.PERSON),
        ("What was the total budget of the scholarship programme?", Asked.AMOUNT),
        ("How much does Korea donate to the fund each year?", Asked.AMOUNT),
        ("How much cargo did the port clear?", Asked.NUMBER),
        ("Who was Director General when the laboratory was designated in 2018?", Asked.PERSON),
        ("When was the centre opened, and who opened it?", Asked.DATE),
        ("What topic did the Director General's research plan cover?", Asked.OTHER),
        ("Which WCO guidance document did the Head of the ROCB A/P present?", Asked.OTHER),
        ("Which Japanese Ministry of Finance official opened the workshop?", Asked.PERSON),
        ("In which Korean city is the laboratory based?", Asked.TOWN),
        ("Which donor agency financed the programme?", Asked.ORGANISATION),
        ("What is the name of the Director General of Myanmar Customs?", Asked.PERSON),
        ("What was the name of the hotel where the ceremony took place?", Asked.PLACE),
        ("What is the name of the UNODC initiative on illegal waste?", Asked.OTHER),
        ("Which U.S. Customs and Border Protection Assistant Commissioner visited the ROCB A/P?", Asked.PERSON),
    ],
)
def test_the_kind_of_answer_is_read_from_the_question(question, kind):
    assert asked_for(question) is kind


def test_a_number_question_wants_a_number_the_question_does_not_hold():
    asked = set(content_terms("How many people attended the 21st meeting?"))
    assert has_asked_for(Asked.NUMBER, "About 50 participants attended the 21st meeting.", asked) == 1.0
    assert has_asked_for(Asked.NUMBER, "The 21st meeting was held in Kashiwa in 2023.", asked) == 0.0
    assert has_asked_for(Asked.NUMBER, "It was held from November 18 to November 22, 2019 in Tokyo.", asked) == 0.0
    assert has_asked_for(Asked.NUMBER, "It ran from 14th -16th November 2023 at RTC Japan.", asked) == 0.0
    assert has_asked_for(Asked.NUMBER, "Twelve officials were selected from over 60 applicants.", asked) == 1.0
    assert has_asked_for(Asked.NUMBER, "Due to COVID-19 the meeting moved online.", asked) == 0.0
    assert has_asked_for(Asked.NUMBER, "1. Workshop on Post Clearance Audit for Myanmar Customs", asked) == 0.0
    assert has_asked_for(Asked.NUMBER, "The training was to start in April 2020 at the CTI.", asked) == 0.0  # no "20" in "April 2020"


def test_a_share_is_no_count():
    asked = set(content_terms("How many participants attended the canine workshop?"))
    assert has_asked_for(Asked.NUMBER, "A survey found 85% of participants satisfied.", asked, counted("How many participants attended?")) == 0.0
    assert has_asked_for(Asked.NUMBER, "Over 50 participants attended.", asked, counted("How many participants attended?")) == 1.0
    share = set(content_terms("What share of respondents reported a severe impact?"))
    assert has_asked_for(Asked.NUMBER, "53% of respondents reported a severe impact.", share) == 1.0


def test_a_count_must_count_the_thing_asked_about():
    question = "How many officers took part in the canine workshop?"
    asked, things = set(content_terms(question)), counted(question)
    assert has_asked_for(Asked.NUMBER, "Delegates from the six WCO regions attended.", asked, things) == 0.0
    assert has_asked_for(Asked.NUMBER, "In total 24 Customs officials from nine administrations took part.", asked, things) == 1.0
    assert counted("How many inbound and outbound parcels did China clear?") == set(content_terms("parcels"))
    assert counted("How many Thai Customs officers attended in person?") == set(content_terms("officers"))
    assert counted("How many recorded lectures made up the online training?") == set(content_terms("lectures"))
    assert counted("How many attended the workshop?") == set()
    selected = "How many Thai Customs officers were selected as Pre-Talents?"
    areas = "Under this project, there are 17 areas of Customs knowledge identified by the Department."
    assert has_asked_for(Asked.NUMBER, areas, set(content_terms(selected)), counted(selected)) == 0.0
    # "how long" wants a time, which may repeat a number the question gives of something else
    how_long = "For how long were the College's four accredited programmes granted their extended validity?"
    two = "The College had two on-the-job training programmes accredited under the Qualifications Framework."
    four_years = "All four programmes were granted an extended validity period of four years."
    assert has_asked_for(Asked.NUMBER, two, set(content_terms(how_long)), counted(how_long)) == 0.0
    assert has_asked_for(Asked.NUMBER, four_years, set(content_terms(how_long)), counted(how_long)) == 1.0


def _ranked(question: str, text: str) -> list[str]:
    """The candidate sentences of one passage holding `text`, best first."""
    passage = _passage("No. 83", "2023-12-31", text)
    return [c.text for c in AnswerFinder(WordHashEmbedder(), corpus_texts=[passage.text]).rank(question, [passage])]


def test_a_who_question_wants_a_named_person():
    held = "The WCO workshop on digital forensics was held in Perth, Australia, under the sponsorship of Japan."
    opened = "The workshop was opened by Kunio Mikuriya, Secretary General of the WCO."
    assert _ranked("Who opened the digital forensics workshop in Perth?", f"{held} {opened}") == [opened]
    unnamed = "The WCO workshop on digital forensics was held in Perth, Australia, with a WCO expert."
    assert _ranked("Who was the WCO expert at the digital forensics workshop in Perth?", unnamed) == []
    # who did what an institution does may be answered by one
    assert _ranked("Who sponsored the digital forensics workshop in Perth?", f"{held} {opened}")


def test_who_did_something_wants_a_sentence_that_says_it_was_done():
    took_part = "Mr. Norikazu Kuramoto, Head of the ROCB A/P, took part in the International Conference on Customs and Tax Cooperation."
    closed = "After the discussion, the conference was closed by Mr Harry Mulya, Director of the Training Agency."
    assert _ranked("Who closed the International Conference on Customs and Tax Cooperation?", f"{took_part} {closed}") == [closed]
    assert _ranked("Who closed the International Conference on Customs and Tax Cooperation?", took_part) == []
    # the act in other words (WordNet): "led" is "headed"; a support verb's object is the act
    headed = "Headed by Mr. Phay Kyaing, Director of Investigation, 11 officers from Myanmar Customs came to Japan."
    assert _ranked("Who led the Myanmar Customs delegation to Japan?", headed) == [headed]
    welcomed = "Ms. Ye warmly welcomed the participants to the RKC workshop in her welcoming remarks."
    assert _ranked("Who delivered the welcoming remarks at the RKC workshop?", f"{took_part} {welcomed}") == [welcomed]
    assert _ranked("Who delivered the closing remarks at the RKC workshop?", welcomed) == []  # remarks of another kind
    # "gave" says nothing of the act ("held" is one of its WordNet senses): the welcoming speech is the act,
    # and the question may set the scene first, with a relative "where" before its own asking word
    held = "The ceremony was held on 16 July 2018 in New Delhi. Guests included Dr. Kunio Mikuriya, WCO Secretary General."
    welcome = "Shri S. Ramesh, Chairman of the CBIC, delivered his welcome address."
    question = "At the July 2018 ceremony in New Delhi where India took over as Vice Chair, who gave the welcoming speech?"
    assert asked_for(question) is Asked.PERSON
    assert _ranked(question, held) == []
    assert _ranked(question, f"{held} {welcome}") == [welcome]
    # a question naming the post asks who held it, whatever the sentence says they did
    director = "I'm Jin-Cheol Yang, the Director General of the Central Customs Laboratory."
    assert _ranked("Who took over as Director General of the Central Customs Laboratory?", director) == [director]


def test_which_city_wants_a_town_the_question_does_not_name():
    korea = "The Central Customs Laboratory of Korea carries out product analysis and HS classification for Korea Customs."
    assert _ranked("In which Korean city is the Central Customs Laboratory of Korea based?", korea) == []
    seoul = "The Central Customs Laboratory of Korea, based in Seoul, carries out product analysis."
    assert _ranked("In which Korean city is the Central Customs Laboratory of Korea based?", seoul) == [seoul]
    # a town in another spelling GeoNames knows ("Ha Noi" for Hanoi), or named in the sentence before
    hanoi = "The 2023 WCO Technology Conference was held in Ha Noi, Viet Nam, over three days."
    assert _ranked("In which city was the 2023 WCO Technology Conference held?", hanoi) == [hanoi]
    before = "The 2023 WCO Technology Conference opened in Ha Noi. It was held over three days."
    assert "It was held over three days." in _ranked("In which city was the 2023 WCO Technology Conference held over three days?", before)



def test_which_fijian_city_wants_a_town_in_fiji():
    lima = "The most recent WCO IT Conference was organized on 6-8 June 2018 in Lima, Peru."
    suva = "The Regional Heads of Customs Administration Conference was held in Suva in May 2018."
    question = "In which Fijian city was the May 2018 Regional Heads of Customs Administration Conference held?"
    assert _ranked(question, lima) == []
    assert _ranked(question, f"{lima} {suva}") == [suva]
    assert countries_named("Fijian") == {"FJ"} and countries_named("Korean") == {"KR", "KP"}
    assert countries_named("Papua New Guinean") == {"PG"} and countries_named("Thai") == {"TH"}
    assert countries_named("Regional Customs") == frozenset()


def test_where_something_is_wants_the_town_tied_to_it_not_where_it_went():
    question = "In which city is the Asian-Pacific Postal Union headquartered?"
    visit = "Mr. LIN Hongliang, Secretary General of the Asian-Pacific Postal Union, visited the ROCB A/P in Bangkok on 19 January 2022."
    assert _ranked(question, visit) == []
    based = "The Asian-Pacific Postal Union is headquartered in Bangkok, Thailand."
    assert _ranked(question, f"{visit} {based}") == [based]
    # a name followed by its town says where that is; an event held there does not
    assert _ranked("In which city is RTC Indonesia located?", "Officers trained at RTC Indonesia in Bogor for a week.") != []
    assert _ranked("In which city is RTC Indonesia located?", "RTC Indonesia staff attended a meeting held in Tokyo.") == []
    assert _ranked("In which city was the RTC Indonesia meeting held?", "RTC Indonesia staff attended a meeting held in Tokyo.") != []
    # "In which city is X?" asks where it is, too; a name's abbreviation in brackets stands for it
    question = "In which Japanese city is the Customs Training Institute?"
    visit = "On the way back, the participants of the Customs Training Institute course visited the old Japanese city of Kawagoe."
    kashiwa = "The workshop was held at the Japan Customs Training Institute (CTI) in Kashiwa, Japan."
    assert _ranked(question, visit) == []
    assert _ranked(question, f"{visit} {kashiwa}") == [kashiwa]


def test_where_is_it_wants_the_place_tied_to_it():
    listed = "Taking part were the Heads of RTC China, RTC India, RTC Indonesia and RTC Japan, among others."
    held = "The 21st RTC Heads Meeting was held at RTC Japan in Kashiwa, Japan."
    assert _ranked("Where is RTC Japan?", listed) == []
    assert _ranked("Where is RTC Japan?", f"{listed}\n\n{held}") == [held]


def test_where_wants_a_place_or_online():
    since = "The WCO has been organising the Global Canine Forum since 2011."
    assert _ranked("Where was the most recent WCO Global Canine Forum held?", since) == []
    held = "The latest Global Canine Forum was held in Brussels in 2023."
    assert _ranked("Where was the most recent WCO Global Canine Forum held?", f"{since} {held}") == [held]
    online = "The latest Global Canine Forum was held online in 2023."
    assert _ranked("Where was the most recent WCO Global Canine Forum held?", online) == [online]


def test_which_venue_or_hotel_wants_one_by_its_name():
    unnamed = "The ceremony was held on 16 July 2018 at a hotel in New Delhi, India."
    named = "The ceremony was held on 16 July 2018 at the Taj Palace in New Delhi, India."
    question = "What was the name of the New Delhi hotel where the July 2018 ceremony was held?"
    assert _ranked(question, unnamed) == []
    assert _ranked(question, f"{unnamed} {named}") == [named]
    event = "Dr. Kunio Mikuriya delivered his congratulatory address at the Celebration Event in Tokyo."
    centre = "The 41st UN/CEFACT Forum was held at the UN Conference Centre in Bangkok."
    assert _ranked("At which venue in Tokyo did Dr. Kunio Mikuriya deliver his congratulatory address?", event) == []
    assert _ranked("At which venue in Bangkok was the 41st UN/CEFACT Forum held?", centre) == [centre]
    in_june = "The e-commerce seminar was held at a hotel in Mumbai in June 2018."
    assert _ranked("At which hotel was the e-commerce seminar held?", in_june) == []  # a month or a town is no hotel


def test_places_the_gazetteer_holds_that_are_not_towns_in_the_text():
    """GeoNames has towns called Asia, Officer, Union and Mikuriya; none of them is meant here."""
    text = "Dr. Kunio Mikuriya met the Chief Executive Officer of the Asia Pacific Union in Hong Kong, China."
    assert town_names(text) == {"Hong Kong"}
    assert town_names("The Korea Customs Service and Sri Lanka Customs met.") == set()
    assert town_names("They met in Male, Maldives, and in Singapore.") == {"Male", "Singapore"}


def test_which_eight_countries_wants_the_countries_listed_not_counted():
    counted_only = "Following the host's presentation, participants from 8 countries shared their air passenger practices."
    question = "Which eight countries shared their air passenger practices at the Bali workshop?"
    assert _ranked(question, counted_only) == []
    listed = "Participants from Japan, Korea, Malaysia and Thailand shared their air passenger practices."
    assert _ranked(question, f"{counted_only} {listed}") == [listed]
    ports = "The model was tested on import data of two Nigerian ports in Tin Can (in Lagos) and Onne (in Port-Harcourt)."
    assert _ranked("At which two Nigerian ports was the model tested?", ports) == [ports]
    # "which companies" with no count wants more than one named
    sessions = "Joint sessions with rights holders were held to learn product identification techniques."
    named = "Rights holders such as Nike, Adidas and Chanel took part in the joint sessions."
    question = "Which companies took part as rights holders in the joint sessions on product identification?"
    assert _ranked(question, sessions) == []
    assert _ranked(question, f"{sessions} {named}") == [named]
    # people listed with their titles are no administrations, though they are when people are asked for
    officials = "Mr. Norikazu Kuramoto, Head of ROCB A/P, and Mr. Louis Chan, Program Manager, attended the 34th NCP meeting."
    assert _ranked("Which 16 administrations attended the 34th NCP meeting?", officials) == []
    assert _ranked("Which two officials attended the 34th NCP meeting?", officials) == [officials]


def test_wordnet_knows_which_words_name_the_same_act():
    assert {"lead", "head"} <= related_words("led")
    assert {"close", "closing", "conclude"} <= related_words("closed")
    assert related_words("else") == frozenset()


def test_a_post_after_lower_case_words_names_nobody():
    staffs = "In July 2017, the Customs analysis staffs, including the Director General of Korea CCL, went to Vladivostok."
    named = "I'm Jin-Cheol Yang, the Director General of Central Customs Laboratory."
    question = "Who was Director General of Korea's Central Customs Laboratory in 2022?"
    assert _ranked(question, staffs) == []
    assert _ranked(question, f"{staffs} {named}") == [named]


def test_a_word_the_question_holds_in_another_spelling_is_no_new_name():
    asked = set(content_terms("Which agency financed the WCO's integrity programme?"))
    assert has_asked_for(Asked.ORGANISATION, "It is one of the Programmes of the WCO on integrity.", asked) == 0.0
    assert has_asked_for(Asked.ORGANISATION, "The programme was financed by Norad.", asked) == 1.0


def test_who_held_a_post_wants_someone_given_that_post():
    facilitators = "Two facilitators from Malaysia and Japan led the sessions."
    officiated = "The workshop was officiated by Mr. ARAKI Takahiro, Director for International Cooperation."
    director_general = "Mr. P.B.S.C. Nonis, the DG of the Sri Lanka Customs, joined the opening."
    text = f"{facilitators} {officiated} {director_general}"
    assert asked_post("Who were the two facilitators, from Malaysia and Japan, at the workshop?") == set(content_terms("facilitators"))
    assert _ranked("Who were the two facilitators, from Malaysia and Japan, at the workshop?", text) == []
    assert _ranked("Who was the Director General of Sri Lanka Customs at the opening?", text) == [director_general]


def test_a_two_word_post_wants_both_words():
    """"Secretary General" is not "Director General": the post's capitalised words are all wanted."""
    director = "Mr. Atsushi Iizuka, Director General of Japan Customs and Tariff Bureau, made his opening remarks."
    secretary = "Dr. Kunio Mikuriya, Secretary General of the WCO, welcomed the delegates."
    assert asked_post("Who is the Secretary General of the WCO?") == set(content_terms("Secretary General"))
    assert _ranked("Who is the Secretary General of the WCO?", f"{director} {secretary}") == [secretary]
    assert _ranked("Who is the Secretary General of the WCO?", director) == []
    # the post ends before "to whom": a Permanent Secretary of the Ministry of Finance is no Finance Minister
    question = "What was the name of the Finance Minister to whom the Secretary General's letter was addressed?"
    secretary_of_ministry = "Mr. Igarashi met Mr. Mackeney Dentana, Permanent Secretary of the Ministry of Finance, and handed him the letter."
    assert asked_post(question) == set(content_terms("Finance Minister"))
    assert _ranked(question, secretary_of_ministry) == []
    assert asked_post("Who was serving as Managing Director of the CTI?") == set(content_terms("Managing Director"))
    which = "What is the name of the Director General of Myanmar Customs to whom the participants reported?"
    assert asked_post(which) == set(content_terms("Director General"))
    investigation = "Headed by Mr. Phay Kyaing, Director of Investigation, 11 representatives from Myanmar Customs came to Japan."
    assert _ranked(which, investigation) == []  # a director, but not the Director General
    assert asked_post("Which Japanese Ministry of Finance official opened the workshop?") == set()  # a ministry is no post


def test_a_byline_answers_who_wrote_the_article_not_who_did_what_it_tells():
    byline = "- Contribution by Mr. IWAI Takao, JICA Customs expert"
    headed = "Headed by Mr. Phay Kyaing, Director of Investigation, 11 representatives from Myanmar Customs came to Japan."
    assert _ranked("Who led the Myanmar Customs delegation that came to Japan?", f"{byline}\n{headed}") == [headed]
    assert _ranked("Which JICA expert wrote the contribution on the Myanmar workshop?", f"{byline}\n{headed}")[0] == byline


def test_a_date_must_add_to_the_dates_the_question_gives():
    asked = set(content_terms("In what year did Japan launch the AEO programme shown at the December 2019 workshop?"))
    assert has_asked_for(Asked.DATE, "The workshop was held from 3 to 6 December 2019 in Kashiwa.", asked, precision="year") == 0.0
    assert has_asked_for(Asked.DATE, "Japan launched its AEO programme in 2006.", asked, precision="year") == 1.0
    when = set(content_terms("When did the December 2019 workshop take place?"))
    assert has_asked_for(Asked.DATE, "It was held from 3 to 6 December 2019.", when, precision="any") == 0.0
    on_what_date = set(content_terms("On what date in December 2019 did the workshop open?"))
    assert has_asked_for(Asked.DATE, "It opened on 3 December 2019.", on_what_date, precision=date_precision("On what date in December 2019 did the workshop open?")) == 1.0


def test_a_question_asking_what_month_wants_a_month_not_a_bare_year():
    question = "In what month and year did Myanmar Customs upgrade its audit section to a division?"
    asked = set(content_terms(question))
    assert date_precision(question) == "month"
    assert has_asked_for(Asked.DATE, "The audit regime started in 2017.", asked, precision="month") == 0.0
    assert has_asked_for(Asked.DATE, "The section became a division in March 2021.", asked, precision="month") == 1.0
    assert has_asked_for(Asked.DATE, "The audit regime started in 2017.", asked, precision=date_precision("When did the audit regime start?")) == 1.0


def test_an_abbreviation_in_brackets_is_no_new_name():
    """"(K-CCL)" only shortens the name the question gives; it says nothing about where the laboratory is."""
    question = "In which Korean city is the Central Customs Laboratory of Korea based?"
    asked = set(content_terms(question))
    assert has_asked_for(Asked.PLACE, "Central Customs Laboratory of Korea (K-CCL) was designated in 2014.", asked) == 0.0
    assert has_asked_for(Asked.PLACE, "Central Customs Laboratory of Korea (hereinafter referred to as K-CCL) was designated.", asked) == 0.0
    assert has_asked_for(Asked.PLACE, "The Central Customs Laboratory of Korea (K-CCL) is based in Daejeon.", asked) == 1.0


def test_a_date_must_be_the_date_of_what_the_question_asks_about():
    visit = "Mr. Uchino paid a courtesy visit to Mr. Kuramoto, the Head of the ROCB A/P, on 9 October 2023."
    assert _ranked("When did Kuramoto take up his post as Head of the ROCB A/P?", visit) == []
    assert _ranked("When did Mr. Uchino pay his courtesy visit to the ROCB A/P?", visit) == [visit]


def test_a_clause_telling_which_thing_is_meant_is_not_what_happened():
    hosting = "The Regional Workshop on AEO, held in Tokyo, prepared Customs for the Olympic Games in 2020."
    question = "When was the AEO Validator Guide, presented at the December 2019 AEO workshop, first published?"
    assert _ranked(question, hosting) == []
    published = "The AEO Validator Guide was first published in June 2019."
    assert _ranked(question, f"{hosting} {published}") == [published]


def test_the_words_in_brackets_say_what_a_follow_up_points_to_not_what_happened():
    meeting = "On 23 March 2022, Mr. Ilkwon HAN moderated the ROCB-RILO meeting."
    tenure = "Mr. Ilkwon HAN completed his tenure at the ROCB A/P on 10 November 2022."
    question = "On what date did he complete his tenure? (role did Ilkwon Han play at the ROCB-RILO meeting of March 2022)"
    assert _ranked(question, f"{meeting} {tenure}") == [tenure]


def test_take_place_says_only_that_it_happened():
    held = "The 2023 WCO Technology Conference was held in Ha Noi over the period 10th – 12th Oct 2023."
    assert _ranked("When did the 2023 WCO Technology Conference take place?", held) == [held]
    assert _ranked("When did it take place? (the 2023 WCO Technology Conference)", held) == [held]


def test_a_dateline_does_not_date_what_the_question_asks_about():
    visit = "The Head of the ROCB A/P visited Honiara on 24 September 2018 to meet senior officials."
    dateline = "24-25 September 2018, Honiara, Solomon Islands"
    assert _ranked("On what date did the Head of the ROCB A/P visit Honiara?", f"{visit}\n{dateline}") == [visit]


def test_a_question_in_the_text_is_no_answer():
    asking = "What is the feature of the new edition of the GEOAT?"
    answering = "A new chapter on Security and Safety has been added to the GEOAT."
    assert _ranked("What new chapter did the new edition of the GEOAT add?", f"{asking} {answering}") == [answering]


def test_a_sentence_about_another_edition_does_not_answer():
    assert numbered_things("When is the third edition of the report due?") == {"edit": {3}}
    assert numbered_things("A total of 21 Customs administrations attended the 21st session.") == {"session": {21}}
    editions = "The inaugural edition was released in September 2021, and the second edition in 2023."
    assert _ranked("When is the third edition of the report due to be published?", editions) == []
    assert _ranked("When was the first edition of the report released?", editions) == [editions]


def test_a_money_question_wants_a_sum_of_money():
    asked = set(content_terms("What was the total budget of the programme?"))
    assert has_asked_for(Asked.AMOUNT, "The programme ran for 12 weeks with 20 scholars.", asked) == 0.0
    assert has_asked_for(Asked.AMOUNT, "Its budget was USD 1.2 million.", asked) == 1.0


def test_a_date_question_wants_a_date():
    asked = set(content_terms("When was the first edition published?"))
    assert has_asked_for(Asked.DATE, "The first edition was published in September 2021.", asked) == 1.0
    assert has_asked_for(Asked.DATE, "The first edition covered 17 administrations.", asked) == 0.0


def test_a_number_question_is_not_answered_by_a_sentence_without_one():
    passage = _passage("No. 83", "2023-12-31", "The meeting of heads was held in Kashiwa on 14-16 November 2023. It was opened by Mr. AOYAMA.")
    finder = AnswerFinder(WordHashEmbedder(), corpus_texts=[passage.text])
    assert finder.rank("How many heads attended the meeting in Kashiwa?", [passage]) == []
    ranked = finder.rank("Who opened the meeting in Kashiwa?", [passage])
    assert ranked and "AOYAMA" in ranked[0].text


@pytest.mark.slow
def test_the_sentence_that_answers_ranks_first_on_the_real_corpus(retriever):
    finder = AnswerFinder(retriever.embedder, corpus_texts=[p.text for p in retriever.passages])
    question = "Which dog breed is used most widely by customs detector dog units?"
    ranked = finder.rank(question, [h.passage for h in retriever.search(question, k=5).hits])
    assert "Labrador" in ranked[0].text
    assert [c.score for c in ranked] == sorted((c.score for c in ranked), reverse=True)
    best = top_per_passage(ranked, 3)
    assert len({c.passage_index for c in best}) == len(best) <= 3
    stored = AnswerFinder(retriever.embedder, corpus_texts=[p.text for p in retriever.passages], stored_vectors=retriever.sentence_vectors)
    again = stored.rank(question, [h.passage for h in retriever.search(question, k=5).hits])
    assert [c.text for c in again] == [c.text for c in ranked]  # vectors stored at index time are the same sentences'
    assert [round(c.score, 4) for c in again] == [round(c.score, 4) for c in ranked]


def test_a_reply_that_names_what_the_best_sentence_lacks_is_replaced_by_that_sentence():
    passage = _passage("No. 83", "2023-12-31", "The meeting was held in Kashiwa, Japan. It was opened by Mr. AOYAMA.")
    best = _candidate(passage, "The meeting was held in Kashiwa, Japan.", 0.8)
    composed = compose("The meeting was held in Osaka [1].", [best], question="Where was the meeting held?", threshold=0.6)
    assert composed.source == "extract" and composed.text == "The meeting was held in Kashiwa, Japan. [1]"
    citation = composed.citations[0]
    assert citation.quote == best.text and citation.quote_start == passage.start + best.start


def test_a_quoted_answer_adds_its_passages_next_best_sentence_in_reading_order():
    passage = _passage("No. 79", "2022-12-31", "The workshop on RKC was held in Bali. It was sponsored by CCF/China. In total 27 officials attended in person.")
    best = _candidate(passage, "The workshop on RKC was held in Bali.", 0.80)
    count = _candidate(passage, "In total 27 officials attended in person.", 0.70)
    assert companion(best, [best, count], margin=0.15) is count
    assert companion(best, [best, count], margin=0.05) is None
    heading = _passage("No. 79", "2022-12-31", "The workshop on RKC was held in Bali. WORLD CUSTOMS ORGANIZATION")
    best = _candidate(heading, "The workshop on RKC was held in Bali.", 0.80)
    assert companion(best, [best, _candidate(heading, "WORLD CUSTOMS ORGANIZATION", 0.79)], margin=0.15) is None  # a heading adds nothing
    composed = compose("NOT FOUND", [count], question="How many officials attended?", threshold=0.6, also=best)
    assert composed.text == "The workshop on RKC was held in Bali. [1] In total 27 officials attended in person. [2]"
    for citation in composed.citations:
        assert passage.text[citation.quote_start - passage.start : citation.quote_end - passage.start] == citation.quote


def test_a_supported_reply_is_kept_in_the_models_words():
    passage = _passage("No. 83", "2023-12-31", "The meeting was held in Kashiwa, Japan. It was opened by Mr. AOYAMA.")
    best = _candidate(passage, "The meeting was held in Kashiwa, Japan.", 0.8)
    composed = compose("It took place in Kashiwa [1].", [best], question="Where was the meeting held?", threshold=0.6)
    assert composed.source == "model" and "Kashiwa" in composed.text and composed.citations[0].passage is passage


def test_a_reply_that_only_echoes_the_question_is_replaced_by_the_sentence():
    passage = _passage("No. 83", "2023-12-31", "The new GEOAT edition added a standalone chapter on Security and Safety.")
    best = _candidate(passage, passage.text, 0.8)
    question = "What new chapter did the new GEOAT edition add?"
    composed = compose("The new GEOAT organizational edition added a new chapter [1].", [best], question=question, threshold=0.6)
    assert composed.source == "extract" and "Security and Safety" in composed.text


def test_a_reply_that_stops_at_a_list_it_does_not_give_is_replaced_by_the_sentence():
    passage = _passage("No. 76", "2022-03-31", "The Hong Kong Customs College trained officers from Macao, China and Fiji in 2021.")
    best = _candidate(passage, passage.text, 0.8)
    question = "Which countries sent officers to the Hong Kong Customs College?"
    reply = "The Hong Kong Customs College trained officers from the following countries: [1]."
    composed = compose(reply, [best], question=question, threshold=0.6)
    assert composed.source == "extract" and "Macao, China and Fiji" in composed.text


def test_a_reply_that_repeats_itself_is_replaced_by_the_sentence():
    passage = _passage("No. 79", "2022-12-31", "Ms. Debbie Seguin, Assistant Commissioner, US CBP, paid a courtesy visit to the ROCB A/P.")
    best = _candidate(passage, passage.text, 0.8)
    question = "Which US CBP Assistant Commissioner visited the ROCB A/P?"
    reply = "A. Ms. Debbie Seguin [1]. B. Ms. Debbie Seguin [1]. C. Ms. Debbie Seguin [1]."
    assert compose(reply, [best], question=question, threshold=0.6).source == "extract"
    assert compose("Ms. Debbie Seguin [1].", [best], question=question, threshold=0.6).source == "model"


def test_a_reply_mostly_in_the_models_own_words_is_replaced_by_the_sentence():
    passage = _passage("No. 62", "2018-09-30", "Myanmar Customs upgraded the PCA section to a division in 2019 after the workshop.")
    best = _candidate(passage, passage.text, 0.8)
    question = "What change did Myanmar Customs make to its post-clearance audit unit?"
    reply = "Myanmar Customs made the PCA unit a new independent department responsible for valuing imported goods in 2019 [1]."
    composed = compose(reply, [best], question=question, threshold=0.6)
    assert composed.source == "extract" and "upgraded the PCA section to a division" in composed.text


def test_when_issues_give_different_figures_the_newest_answers_and_both_are_cited():
    old = _passage("No. 62", "2018-09-30", "The Asia/Pacific region has 33 WCO Members.")
    new = _passage("No. 83", "2023-12-31", "The Asia/Pacific region has 34 WCO Members.")
    older_best = _candidate(old, old.text, 0.80, 0)
    newer = _candidate(new, new.text, 0.78, 1)
    assert find_disagreement(older_best, [newer]) is newer
    composed = compose("NOT FOUND", [older_best, newer], question="How many WCO Members are in the region?", threshold=0.6)
    assert composed.text.startswith("The Asia/Pacific region has 34 WCO Members. [1]")
    assert "earlier issue, No. 62" in composed.text and composed.text.endswith("[2]")
    assert [c.passage.issue for c in composed.citations] == ["No. 83", "No. 62"]


def test_the_same_figure_in_two_issues_is_no_disagreement():
    a = _passage("No. 62", "2018-09-30", "The Asia/Pacific region has 33 WCO Members.")
    b = _passage("No. 83", "2023-12-31", "The Asia/Pacific region has 33 WCO Members.")
    assert find_disagreement(_candidate(a, a.text, 0.8), [_candidate(b, b.text, 0.8, 1)]) is None


def test_figures_of_different_things_are_no_disagreement():
    a = _passage("No. 79", "2022-12-31", "The A-CIP Programme currently supports more than 20 beneficiary countries.")
    b = _passage("No. 76", "2022-03-31", "In 2019, with support from Norway and Canada, the WCO launched the A-CIP Programme.")
    assert find_disagreement(_candidate(a, a.text, 0.8), [_candidate(b, b.text, 0.8, 1)]) is None


def test_each_part_of_a_two_part_question_is_quoted_once_and_an_unanswered_part_said_so():
    passage = _passage("No. 83", "2023-12-31", "The meeting was held in Kashiwa, Japan. It was opened by Mr. AOYAMA.")
    where = _candidate(passage, "The meeting was held in Kashiwa, Japan.", 0.8)
    who = _candidate(passage, "It was opened by Mr. AOYAMA.", 0.7)
    unanswered = lambda asked: f"Not said: {asked}"  # noqa: E731
    both = extractive_parts([("Where was it held?", where), ("Who opened it?", who)], unanswered)
    assert both.text == "The meeting was held in Kashiwa, Japan. [1] It was opened by Mr. AOYAMA. [2]"
    assert [(c.number, c.quote) for c in both.citations] == [(1, where.text), (2, who.text)] and both.source == "extract"
    same = extractive_parts([("Where was it held?", where), ("In which country?", where)], unanswered)
    assert same.text == "The meeting was held in Kashiwa, Japan. [1]" and len(same.citations) == 1
    partly = extractive_parts([("Where was it held?", where), ("What did it cost?", None)], unanswered)
    assert partly.text == "The meeting was held in Kashiwa, Japan. [1] Not said: What did it cost?" and len(partly.citations) == 1


def test_a_question_naming_its_event_is_answered_from_that_events_article_by_what_it_asks():
    def part(start: int, text: str) -> Passage:
        return Passage(f"p{start}", "doc-83", "No. 83", "ROCB A/P E-Newsletter", "83", None, "2023-12-31", "Oct–Dec 2023", "APEC Seminar on Smart Customs", start, start + len(text), text)

    opening = part(0, "The APEC Seminar on Smart Customs was held in Sanya, China in December 2023. It gathered around 180 representatives.")
    further = part(200, "China Customs put forward the Smart Customs Partnership Initiative. The programme ended with a site visit.")
    finder = AnswerFinder(WordHashEmbedder(), corpus_texts=[opening.text, further.text, "Customs in Japan.", "A workshop in Bali."])
    question = "What initiative did China Customs propose at the APEC Seminar on Smart Customs held in Sanya in December 2023?"
    ranked = finder.rank(question, [opening])  # only the article's opening passage was retrieved
    assert ranked[0].text.startswith("The APEC Seminar on Smart Customs was held")  # the event's words favour its introduction
    article = {opening.id: [opening, further], further.id: [opening, further]}
    answer = finder.within_setting(question, ranked, lambda passage: article[passage.id])
    assert answer[0].text == "China Customs put forward the Smart Customs Partnership Initiative."
    assert finder.within_setting("What initiative did China Customs propose?", ranked, lambda passage: article[passage.id]) == ranked  # no event named
