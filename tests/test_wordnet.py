"""WordNet's answers: right, kept between processes, and served without loading WordNet."""

import json
import os
import subprocess
import sys

from rag.answer import wordnet
from rag.answer.wordnet_cache import AnswerTable

WORDS = ["opened", "officials", "city", "hotel", "Kashiwa", "bacuda", "Fijian", "led", "administration"]

ASK = """
import json, sys
from rag.answer.wordnet import is_english_word, noun_kinds, noun_synonyms, pertained_names, related_words
words = json.loads(sys.argv[1])
answers = {w: [is_english_word(w), noun_kinds(w), sorted(noun_synonyms(w)), sorted(pertained_names(w)), sorted(related_words(w))] for w in words}
print(json.dumps({"answers": answers, "wordnet_loaded": "nltk" in sys.modules}))
"""


def ask_in_a_new_process(words, cache_home):
    environment = os.environ | {"XDG_CACHE_HOME": str(cache_home)}
    done = subprocess.run([sys.executable, "-c", ASK, json.dumps(words)], capture_output=True, text=True, env=environment, timeout=300, check=True)
    return json.loads(done.stdout)


def test_a_later_process_answers_from_the_table_without_loading_wordnet(tmp_path):
    first = ask_in_a_new_process(WORDS, tmp_path)
    assert first["wordnet_loaded"]  # nothing kept yet: WordNet itself answered
    second = ask_in_a_new_process(WORDS, tmp_path)
    assert not second["wordnet_loaded"] and second["answers"] == first["answers"]
    assert first["answers"]["Fijian"][3] == ["Fiji"] and first["answers"]["hotel"][1] == {"facility": 1.0}
    assert first["answers"]["bacuda"][0] is False and first["answers"]["opened"][0] is True


def test_the_table_gives_what_wordnet_gives():
    for word in WORDS:
        for kind, compute in wordnet.LOOKUPS.items():
            assert wordnet.answers().get_or_compute(kind, word.lower(), compute) == compute(word.lower()), (kind, word)


def test_edited_code_empties_the_table(tmp_path):
    table = AnswerTable.open(tmp_path / "answers.sqlite", "code-1")
    table.put_many([("noun_kinds", "city", {"place": 1.0})])
    assert AnswerTable.open(tmp_path / "answers.sqlite", "code-1").get("noun_kinds", "city") == {"place": 1.0}
    assert AnswerTable.open(tmp_path / "answers.sqlite", "code-2").get("noun_kinds", "city", None) is None


def test_an_unwritable_folder_still_answers(tmp_path):
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    table = AnswerTable.open(blocked / "answers.sqlite", "code-1")
    assert table.path is None and table.get_or_compute("is_english_word", "city", lambda word: True) is True


def test_a_seeded_table_is_not_seeded_again_until_its_code_changes(tmp_path):
    path = tmp_path / "answers.sqlite"
    table = AnswerTable.open(path, "code-1")
    table.put_many([("noun_kinds", "city", {"place": 1.0})])
    table.mark_seeded()
    assert AnswerTable.open(path, "code-1").seeded  # an installer run again skips the minute of seeding
    changed = AnswerTable.open(path, "code-2")
    assert not changed.seeded and len(changed) == 0
