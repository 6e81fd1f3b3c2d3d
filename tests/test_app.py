"""The chat app in a real browser: Debian's Chromium driven by Playwright, against the app
started by the test on the real index and the bundled default model."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow
playwright = pytest.importorskip("playwright.sync_api")

CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"]
ARTIFACTS = Path(__file__).parent / "artifacts"
ANSWER_WAIT_MS = 120_000


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def app_url(session_index):
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "app.py", "--port", str(port), "--index-dir", str(session_index)],
        cwd=Path(__file__).parent.parent, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2)
            break
        except OSError:
            assert process.poll() is None, process.stdout.read()
            time.sleep(1)
    else:
        process.kill()
        pytest.fail("the app did not start within 180 s")
    yield url
    process.terminate()
    process.wait(timeout=30)


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: scripts/install.sh installs Debian's chromium")
    with playwright.sync_playwright() as p:
        instance = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        yield instance
        instance.close()


def _open(browser, url):
    page = browser.new_context().new_page()
    page.goto(url)
    page.wait_for_selector("#question textarea", timeout=60_000)  # never network-idle: wait for elements
    return page


def _ask(page, text: str, turn: int) -> None:
    """Submit a question and wait for the app to report this turn done (answers stream meanwhile)."""
    page.fill("#question textarea", text)
    page.press("#question textarea", "Enter")
    page.wait_for_function(
        "([want]) => document.querySelector('#status').innerText.includes(want)", arg=[f"Turn {turn} · done"], timeout=ANSWER_WAIT_MS
    )


def test_ask_see_sources_and_follow_up(app_url, browser):
    page = _open(browser, app_url)
    _ask(page, "How many countries operate a canine team?", 1)
    chat = page.locator("#chat").inner_text()
    assert "currently operate a canine team" in chat and "[1]" in chat and "confidence" in chat
    assert any(bold.startswith("15") for bold in page.locator("#chat strong").all_inner_texts())  # the short answer, in bold above the quote
    sources = page.locator("#sources").inner_text()
    assert "ROCB A/P E-Newsletter No. 83" in sources and "Canine" in sources
    assert any("15 currently operate" in mark for mark in page.locator("#sources mark").all_inner_texts())  # the supporting sentence, highlighted
    assert page.locator("#chat a[href='#source-1']").count() >= 1  # the marker links to the source

    _ask(page, "And who wrote that report?", 2)
    chat = page.locator("#chat").inner_text()
    assert "And who wrote that report?" in chat and "currently operate a canine team" in chat
    assert "Canine" in page.locator("#sources").inner_text()  # the follow-up searched with the conversation
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "chat.png"), full_page=True)
    page.click("#clear")
    page.wait_for_function("!document.querySelector('#chat').innerText.includes('canine team')", timeout=30_000)


def test_two_browsers_asking_at_once_each_get_their_own_answer(app_url, browser):
    first, second = _open(browser, app_url), _open(browser, app_url)
    questions = {
        first: ("Which dog breed do customs canine units use most?", "Labrador"),
        second: ("Where was the 21st Regional Training Center Heads meeting held?", "Kashiwa"),
    }
    for page, (question, _) in questions.items():  # both submitted before either is answered
        page.fill("#question textarea", question)
        page.press("#question textarea", "Enter")
    for page, (question, expected) in questions.items():
        page.wait_for_function("document.querySelector('#status').innerText.includes('Turn 1 · done')", timeout=2 * ANSWER_WAIT_MS)
        chat = page.locator("#chat").inner_text()
        assert question in chat and expected in page.locator("#sources").inner_text()
    assert "Kashiwa" not in first.locator("#chat").inner_text() and "Labrador" not in second.locator("#chat").inner_text()


def test_bad_input_gets_a_message_in_the_chat_and_the_app_keeps_serving(app_url, browser):
    page = _open(browser, app_url)
    _ask(page, "   ", 1)
    assert "Please type a question" in page.locator("#chat").inner_text()

    _ask(page, "Which customs laboratory is in Korea? " * 530, 2)  # about 20,000 characters
    assert "first 2000 characters" in page.locator("#chat").inner_text()

    page.click("text=Search and model settings")
    page.fill("#model-path textarea", "/nowhere/model.gguf")
    _ask(page, "Which dog breed do customs canine units use most?", 3)
    chat = page.locator("#chat").inner_text()
    assert "Model file not found: /nowhere/model.gguf" in chat
    assert "Traceback" not in page.content()

    page.fill("#model-path textarea", "")
    _ask(page, "Which dog breed do customs canine units use most?", 4)
    assert "Labrador" in page.locator("#sources").inner_text()


def test_passages_only_mode_shows_what_the_retriever_finds(app_url, browser):
    page = _open(browser, app_url)
    page.click("text=Search and model settings")
    page.check("#passages-only input")
    _ask(page, "Where was the 21st Regional Training Center Heads meeting held?", 1)
    assert "no answer generated" in page.locator("#chat").inner_text()
    assert page.locator("#sources .source").count() >= 3 and "Kashiwa" in page.locator("#sources").inner_text()


def test_the_api_is_usable_from_code_as_the_readme_shows(app_url):
    from gradio_client import Client

    result = Client(app_url, verbose=False).predict("Which dog breed do customs canine units use most?", api_name="/ask")
    assert set(result) == {"short_answer", "answer", "confidence", "abstained", "sources"}
    assert 0 <= result["confidence"] <= 1
    assert result["abstained"] or ("Labrador" in result["answer"] and result["sources"][0]["issue"].startswith("ROCB"))


def test_the_app_holds_at_most_two_models_the_default_and_the_last_asked_for(session_index):
    sys.path.insert(0, str(Path(__file__).parent.parent))
    from app import MAX_GENERATORS, ChatService
    from rag.models import bundled_gguf_paths
    from tests.conftest import settings_for

    service = ChatService(settings_for(session_index))
    default = service.settings.model
    other = next(name for name in bundled_gguf_paths() if name != default)
    by_path = str(bundled_gguf_paths()[other])  # the same file given by path is a third model to the user
    service.generator(default)
    service.generator(other)
    assert service.loaded_models == [default, other]
    service.generator(by_path)
    assert len(service.loaded_models) == MAX_GENERATORS == 2
    assert service.loaded_models == [default, by_path]  # the least recently used other model was freed
    assert service.generator(default) is service.generator(default)  # loaded once, reused
