"""The web page of ``bilingual serve`` in a real headless browser: Debian's chromium driven by Playwright,
against ``bilingual serve`` started as a subprocess on a free loopback port with tiny models."""

from __future__ import annotations

import json
import shutil
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from PIL import Image

from tests.test_serve import ROOT, start, stop

CHROMIUM = Path("/usr/bin/chromium")
WIDTH, HEIGHT = 1280, 900


@pytest.fixture(scope="module")
def served(tiny_marian_ko_en, tiny_marian_en_ko, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("serve-browser")
    glossary = tmp / "names.tsv"
    shutil.copy(ROOT / "glossaries" / "names.tsv", glossary)
    proc, url, log = start(
        ["-m", f"ko-en={tiny_marian_ko_en}", "-m", f"en-ko={tiny_marian_en_ko}", "-g", str(glossary),
         "--beams", "1", "--max-length", "16", "--batch-wait-ms", "5"],
        tmp,
    )  # fmt: skip
    yield url, glossary
    assert stop(proc) == 0, log.read_text()


@pytest.fixture(scope="module")
def page():
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium (/usr/bin/chromium) is not installed; .ci/run installs it")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": WIDTH, "height": HEIGHT})
        yield page
        browser.close()


def test_translate_page_marks_names(served, page, tmp_path):
    url, _ = served
    page.goto(url)
    page.wait_for_selector("body[data-ready=true]")
    assert page.get_by_label("Glossary").input_value() == "names"
    page.get_by_label("Direction").select_option("ko-en")
    page.get_by_label("Article text (the first line is the headline)").fill("김문수 지사\n\n경기도 김문수 지사가 말했다.")
    page.get_by_role("button", name="Translate").press("Enter")  # keyboard: the button submits the form
    page.wait_for_selector("#result:not([hidden])")
    assert page.locator("#status").inner_text() == "Translated."
    assert page.locator("#status").get_attribute("aria-live") == "polite"
    statuses = page.locator("#segments mark.term").evaluate_all("ms => ms.map(m => [m.dataset.status, m.textContent])")
    names = {text.split(" ", 1)[1].split(" (")[0]: status for status, text in statuses if "김문수" in text}
    assert names and set(names.values()) <= {"applied", "repaired"}, statuses
    marked = page.locator("#translation mark.term").evaluate_all("ms => ms.map(m => [m.dataset.status, m.textContent])")
    assert any("Kim Moon-soo" in text and status in ("applied", "repaired") for status, text in marked), marked
    assert page.locator("#segments tbody tr").count() == 2  # the headline and the sentence, side by side
    for status in ("applied", "repaired", "missed"):  # the legend names every status in words
        assert status in page.locator(".legend").inner_text()
    shot = tmp_path / "serve-page.png"
    page.screenshot(path=str(shot), full_page=False)
    with Image.open(shot) as image:
        assert image.size == (WIDTH, HEIGHT)
        values = list(image.convert("L").getdata())[::37]
    mean = sum(values) / len(values)
    assert sum((v - mean) ** 2 for v in values) / len(values) > 100  # not a blank page


def test_glossary_page_adds_a_term_to_the_tsv(served, page):
    url, glossary = served
    page.goto(url + "glossary")
    page.wait_for_selector("body[data-ready=true]")
    page.get_by_label("Korean", exact=True).fill("홍길동")
    page.get_by_label("English", exact=True).fill("Hong Gil-dong")
    page.get_by_label("Note").fill("added in the browser test")
    page.get_by_role("button", name="Add").click()
    page.wait_for_function("document.getElementById('status').textContent.startsWith('Added')")
    page.reload()
    page.wait_for_selector("body[data-ready=true]")
    page.get_by_label("Search terms").fill("홍길동")
    page.wait_for_function("document.getElementById('terms-caption').textContent.includes('holding')")
    assert page.locator("#terms tbody tr").count() == 1
    assert page.locator("#terms tbody tr[data-korean='홍길동']").count() == 1
    rows = [line.split("\t") for line in glossary.read_text(encoding="utf-8").splitlines()]
    assert any(r[:2] == ["홍길동", "Hong Gil-dong"] and "added in the browser test" in r for r in rows)

    # edit in the page: a stale edit (someone else changed the row meanwhile) gets a clear conflict
    page.get_by_role("button", name="Edit 홍길동 → Hong Gil-dong").click()
    page.get_by_label("Note of 홍길동").fill("mine")
    other = {"action": "set", "korean": "홍길동", "english": "Hong Gil-dong", "field": "note", "value": "theirs",
             "expected": "added in the browser test"}  # fmt: skip
    request = urllib.request.Request(url + "v1/glossaries/names", json.dumps(other).encode(), {"Content-Type": "application/json"})
    assert json.loads(urllib.request.urlopen(request, timeout=30).read())["term"]["note"] == "theirs"
    page.get_by_role("button", name="Save").click()
    page.wait_for_function("document.getElementById('status').textContent.startsWith('Conflict')")
    assert "theirs" in page.locator("#status").inner_text()
    assert "\ttheirs" in glossary.read_text(encoding="utf-8") and "\tmine" not in glossary.read_text(encoding="utf-8")


def test_stale_edit_is_a_409(served):
    url, _ = served
    stale = {"action": "set", "korean": "홍길동", "english": "Hong Gil-dong", "field": "kind", "value": "place",
             "expected": "organisation"}  # fmt: skip
    request = urllib.request.Request(url + "v1/glossaries/names", json.dumps(stale).encode(), {"Content-Type": "application/json"})
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(request, timeout=30)
    assert caught.value.code == 409
    assert "changed by someone else" in json.loads(caught.value.read())["error"]
