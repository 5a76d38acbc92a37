"""bilingual.translation.files: translating files as ``bilingual translate`` does, without the CLI.

The engine is the deterministic FakeEngine (loaded in place of a model), so
each test sees exactly what reached the engine and what came back.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bilingual.errors import EmptyTranslationError, InputError, StrictTermsError
from bilingual.testing.fake_engine import FakeEngine
from bilingual.translation.files import engine_names, load_translator, translate_files

HEADER = "korean\tenglish\tkorean_forms\twrong_english\tkind\tstatus\tnote\n"
ARTICLE = "서울시는 요금을 올린다.\n\n시민들은 반대했다.\n"


@pytest.fixture
def loads(monkeypatch) -> list[dict]:
    """Every load_engine call's arguments; each load gets a fresh FakeEngine (``engine`` in the dict)."""
    import bilingual.engines

    calls: list[dict] = []

    def fake_load(model, **kwargs):
        engine = FakeEngine(kwargs["source_lang"], kwargs["target_lang"])
        calls.append({"model": model, **kwargs, "engine": engine})
        return engine

    monkeypatch.setattr(bilingual.engines, "load_engine", fake_load)
    return calls


@pytest.fixture
def article(tmp_path: Path) -> Path:
    path = tmp_path / "a.ko.txt"
    path.write_text(ARTICLE, encoding="utf-8")
    return path


def _glossary(tmp_path: Path, english: str = "Seoul City") -> Path:
    path = tmp_path / "g.tsv"
    path.write_text(HEADER + f"서울시\t{english}\t\t\torganisation\tapproved\t\n", encoding="utf-8")
    return path


def test_translates_a_file_into_a_file(loads, article, tmp_path):
    out = tmp_path / "o" / "a.en.txt"
    done = translate_files(article, out, model="some-model", engine_options={"workers": "2"})
    assert (done.source_lang, done.target_lang) == ("ko", "en")  # detected from the script
    assert done.written == [out]
    assert out.read_text(encoding="utf-8") == "[en] 서울시는 요금을 올린다.\n\n[en] 시민들은 반대했다.\n"
    assert [s.source for s in done.translation.segments] == ["서울시는 요금을 올린다.", "시민들은 반대했다."]
    [call] = loads
    assert call["model"] == "some-model" and call["engine_options"] == {"workers": "2"}


def test_one_side_of_the_direction_completes_the_other(loads, article, tmp_path):
    done = translate_files(article, tmp_path / "o.txt", model="m", target_lang="ko", source_lang=None)
    assert (done.source_lang, done.target_lang) == ("en", "ko")


def test_progress_and_glossary_callbacks(loads, article, tmp_path):
    seen, progress = [], []
    done = translate_files(
        article, tmp_path / "o.txt", model="m", glossaries=[_glossary(tmp_path)],
        on_glossary=seen.append, progress=lambda done, total: progress.append((done, total)),
    )  # fmt: skip
    assert len(seen) == 1 and [t.english for t in seen[0].terms] == ["Seoul City"]
    assert progress and progress[-1] == (2, 2)
    assert [e.source for s in done.translation.segments for e in s.terms if e.is_term] == ["서울시"]


def test_report_is_written_with_missing_folders(loads, article, tmp_path):
    report = tmp_path / "r" / "s" / "report.json"
    translate_files(article, tmp_path / "o.txt", model="m", report=report)
    data = json.loads(report.read_text(encoding="utf-8"))
    assert data["summary"]["segments"] == 2 and data["documents"] == 1


def test_strict_miss_writes_the_report_but_no_output(loads, article, tmp_path, monkeypatch):
    from bilingual.glossary.enforce import Enforcer

    original = Enforcer.finish

    def miss(self, prepared, output):
        text, found = original(self, prepared, output)
        for event in found:
            if event.is_term:
                event.status = "missed"
        return text, found

    monkeypatch.setattr(Enforcer, "finish", miss)
    out, report = tmp_path / "o.txt", tmp_path / "r.json"
    with pytest.raises(StrictTermsError, match="1 glossary term"):
        translate_files(article, out, model="m", glossaries=[_glossary(tmp_path)], strict=True, report=report)
    assert not out.exists() and report.is_file()
    translate_files(article, out, model="m", glossaries=[_glossary(tmp_path)], report=report)  # not strict: written
    assert out.is_file()


def test_strict_fails_on_hangul_left_in_english_output(loads, article, tmp_path):
    # the fake engine echoes its (Korean) input: every English segment still holds Hangul
    out, report = tmp_path / "o.txt", tmp_path / "r.json"
    with pytest.raises(StrictTermsError, match=r"2 run\(s\) of Hangul left in the English output, e.g. '는 요금을 올린다'"):
        translate_files(article, out, model="m", glossaries=[_glossary(tmp_path)], strict=True, report=report)
    assert not out.exists()
    summary = json.loads(report.read_text(encoding="utf-8"))["summary"]
    assert summary["terms"] == {"applied": 1, "repaired": 0, "missed": 0}
    assert summary["notices"]["hangul-left"] == 2


def test_empty_translation_still_writes_the_report(article, tmp_path, monkeypatch):
    import bilingual.engines

    monkeypatch.setattr(
        bilingual.engines, "load_engine", lambda model, **kw: FakeEngine(always_empty=("시민들은 반대했다.",))
    )
    report = tmp_path / "r.json"
    with pytest.raises(EmptyTranslationError):
        translate_files(article, tmp_path / "o.txt", model="m", report=report)
    assert json.loads(report.read_text(encoding="utf-8"))["summary"]["empty"] == 1


BAD = [
    ({"engine": "no-such-engine"}, "unknown engine 'no-such-engine'; use one of: "),
    ({"options_beams": 0}, "--beams must be at least 1 (got 0)"),
    ({"report_is_folder": True}, "it is a folder"),
    ({"source_lang": "ja"}, "ja"),
]


@pytest.mark.parametrize(("case", "message"), BAD, ids=[m for _, m in BAD])
def test_bad_options_fail_before_any_model_loads(loads, article, tmp_path, case, message):
    from bilingual.engines.base import GenerationOptions

    kwargs: dict = {"model": "m"}
    if "engine" in case:
        kwargs["engine"] = case["engine"]
    if "options_beams" in case:
        kwargs["options"] = GenerationOptions(beams=case["options_beams"])
    if "report_is_folder" in case:
        kwargs["report"] = tmp_path
    if "source_lang" in case:
        kwargs["source_lang"] = case["source_lang"]
    with pytest.raises(InputError, match=message.replace("(", r"\(").replace(")", r"\)")):
        translate_files(article, tmp_path / "o.txt", **kwargs)
    assert loads == []


def test_engine_names_come_from_the_engines_package():
    import bilingual.engines

    expected = getattr(bilingual.engines, "ENGINE_NAMES", None) or tuple(bilingual.engines.ENGINES)
    assert engine_names() == tuple(expected) and "transformers" in engine_names()


def test_load_translator_enforces_the_glossary(loads, tmp_path):
    from bilingual.glossary import load_glossaries

    translator = load_translator("m", source_lang="ko", target_lang="en", glossary=load_glossaries([_glossary(tmp_path)]))
    assert translator.enforcer is not None
    assert load_translator("m", source_lang="ko", target_lang="en").enforcer is None
