"""Articles of both languages in one run: each article's direction, one model per direction, the merged result.

The library tests load the deterministic FakeEngine in place of a model (the
``loads`` fixture of test_translate_files.py); the CLI tests run the two tiny
Marian checkpoints through ``bilingual translate``.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from test_translate_cli import cli
from test_translate_files import loads  # noqa: F401  (a fixture)
from typer.testing import CliRunner

from bilingual.cli.app import app
from bilingual.errors import EmptyTranslationError, InputError
from bilingual.formats import read_inputs
from bilingual.testing.fake_engine import FakeEngine
from bilingual.translation.directions import group_by_direction, models_for, parse_model_options
from bilingual.translation.files import translate_files

HEADER = "korean\tenglish\tkorean_forms\twrong_english\tkind\tstatus\tnote\n"
KO = "서울시, 버스 요금 인상\n\n서울시는 요금을 올린다고 밝혔다.\n"
EN = "Seoul City raises bus fares\n\nThe city said fares will rise next year.\n"
KO_MD = "# 서울시 요금\n\n> > 시민들은 반대했다.\n"
CODE_MD = "```\ncode only\n```\n"
JSONL = '{"id": "k", "title": "지하철 요금", "n": 1e400}\n{"id": "e", "title": "Subway fares", "n": 1.10}\n'


def write_folder(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


@pytest.fixture
def mixed(tmp_path: Path) -> Path:
    return write_folder(
        tmp_path / "in",
        {"a.txt": KO, "b.txt": EN, "sub/c.md": KO_MD, "d.jsonl": JSONL, "e.md": CODE_MD, "f.txt": EN},
    )


# --------------------------------------------------------------------------- grouping
GROUPS = [
    ({}, [("ko->en", ["a.txt", "d.jsonl:1", "sub/c.md"]), ("en->ko", ["b.txt", "d.jsonl:2", "f.txt"])], ["e.md"]),
    ({"source_lang": "ko"}, [("ko->en", ["a.txt", "b.txt", "d.jsonl:1", "d.jsonl:2", "e.md", "f.txt", "sub/c.md"])], []),
    ({"target_lang": "ko"}, [("en->ko", ["a.txt", "b.txt", "d.jsonl:1", "d.jsonl:2", "e.md", "f.txt", "sub/c.md"])], []),
]


@pytest.mark.parametrize(("given", "expected", "idle"), GROUPS, ids=["detected", "from", "to"])
def test_each_article_gets_its_direction(mixed, given, expected, idle):
    from bilingual.translation.directions import article_name

    groups = group_by_direction(read_inputs(mixed), **given)
    assert [(g.label, [article_name(d) for d in g.documents]) for g in groups] == expected
    assert [article_name(d) for g in groups for d in g.idle] == idle
    assert all(g.detected == (not given) for g in groups)


def test_ties_keep_input_order_and_large_groups_come_first(tmp_path):
    one_each = group_by_direction(read_inputs(write_folder(tmp_path / "a", {"1.txt": EN, "2.txt": KO})))
    assert [g.label for g in one_each] == ["en->ko", "ko->en"]
    more_ko = group_by_direction(read_inputs(write_folder(tmp_path / "b", {"1.txt": EN, "2.txt": KO, "3.txt": KO})))
    assert [(g.label, len(g.documents)) for g in more_ko] == [("ko->en", 2), ("en->ko", 1)]


def test_nothing_to_translate_anywhere_is_one_line(tmp_path):
    folder = write_folder(tmp_path / "in", {"x.md": CODE_MD, "y.txt": "2012.10.25\n"})
    with pytest.raises(InputError) as info:
        group_by_direction(read_inputs(folder))
    assert str(info.value).startswith("cannot tell the language of x.md, y.txt: there are no Korean or Latin letters")
    assert "\n" not in str(info.value)


def test_korean_only_in_code_is_not_called_letterless_when_direction_given(tmp_path):
    folder = write_folder(tmp_path / "in", {"x.md": "```\n한국어 코드\n```\n"})
    [group] = group_by_direction(read_inputs(folder), "ko")
    assert group.label == "ko->en"


# --------------------------------------------------------------------------- --model values
MODEL_OPTIONS = [
    ([], (None, {})),
    (["DIR"], ("DIR", {})),
    (["ko-en=A"], (None, {("ko", "en"): "A"})),
    (["ko-en=A", "en-ko=B"], (None, {("ko", "en"): "A", ("en", "ko"): "B"})),
    (["DIR", "en-ko=B"], ("DIR", {("en", "ko"): "B"})),
    (["en-ko=/models/with=sign"], (None, {("en", "ko"): "/models/with=sign"})),
    (["Helsinki-NLP/opus-mt-tc-big-ko-en"], ("Helsinki-NLP/opus-mt-tc-big-ko-en", {})),
]


@pytest.mark.parametrize(("values", "expected"), MODEL_OPTIONS)
def test_model_options(values, expected):
    assert parse_model_options(values) == expected


BAD_MODEL_OPTIONS = [
    (["A", "B"], "--model given twice (A, B); name the direction of each: --model ko-en=MODEL --model en-ko=MODEL"),
    (["ko-en=A", "ko-en=B"], "--model ko-en= given twice (A, B)"),
    (["ja-en=A"], "--model ja-en=A: unknown direction ja-en; use ko-en= or en-ko="),
    (["ko-ko=A"], "--model ko-ko=A: unknown direction ko-ko; use ko-en= or en-ko="),
    (["en-ko="], "--model 'en-ko=': no model named"),
    ([""], "--model '': no model named"),
]


@pytest.mark.parametrize(("values", "message"), BAD_MODEL_OPTIONS)
def test_bad_model_options_are_one_line(values, message):
    with pytest.raises(InputError) as info:
        parse_model_options(values)
    assert str(info.value) == message


# --------------------------------------------------------------------------- a model for each group
MODELS_FOR = [
    # (plain, per direction, expected models of the groups ko->en, en->ko, or the error)
    (None, {}, [None, None]),
    (None, {("ko", "en"): "A"}, ["A", None]),
    ("P", {("en", "ko"): "B"}, ["P", "B"]),
    ("gemma3-270m", {}, ["gemma3-270m", "gemma3-270m"]),
    ("DIR", {}, "--model DIR is one model for one direction, but the input goes both ways (ko->en: 3 articles "
     "(a.txt, d.jsonl:1, sub/c.md); en->ko: 3 articles (b.txt, d.jsonl:2, f.txt)); give a model per direction "
     "(--model ko-en=MODEL --model en-ko=MODEL) or --from/--to"),
    ("Helsinki-NLP/opus-mt-tc-big-ko-en", {("en", "ko"): "B"}, ["Helsinki-NLP/opus-mt-tc-big-ko-en", "B"]),
    ("Helsinki-NLP/opus-mt-tc-big-ko-en", {}, "model Helsinki-NLP/opus-mt-tc-big-ko-en translates ko->en, not "
     "en->ko: 3 articles (b.txt, d.jsonl:2, f.txt); give --model en-ko=MODEL for them"),
    (None, {("en", "ko"): "Helsinki-NLP/opus-mt-tc-big-ko-en"}, "not en->ko: 3 articles"),
]  # fmt: skip


@pytest.mark.parametrize(("plain", "directed", "expected"), MODELS_FOR)
def test_models_for_each_direction(mixed, plain, directed, expected):
    groups = group_by_direction(read_inputs(mixed))
    if isinstance(expected, str):
        with pytest.raises(InputError) as info:
            models_for(groups, plain, directed)
        assert expected in str(info.value) and "\n" not in str(info.value)
    else:
        assert models_for(groups, plain, directed) == expected


# --------------------------------------------------------------------------- translate_files
def test_a_mixed_folder_goes_both_ways(loads, mixed, tmp_path):  # noqa: F811
    glossary = tmp_path / "g.tsv"
    glossary.write_text(HEADER + "서울시\tSeoul City\t\t\torganisation\tapproved\t\n", encoding="utf-8")
    out, report = tmp_path / "out", tmp_path / "r.json"
    progress: list[tuple[int, int]] = []
    done = translate_files(
        mixed, str(out) + "/", models={("ko", "en"): "ko-model", ("en", "ko"): "en-model"}, glossaries=[glossary],
        report=report, progress=lambda d, t: progress.append((d, t)),
    )  # fmt: skip
    assert [(c["model"], c["source_lang"], c["target_lang"]) for c in loads] == [
        ("ko-model", "ko", "en"),
        ("en-model", "en", "ko"),
    ]  # each direction's model loaded once
    assert (done.source_lang, done.target_lang) == ("ko", "en")
    assert [g.label for g in done.groups] == ["ko->en", "en->ko"]
    assert (out / "a.txt").read_text(encoding="utf-8").startswith("[en] Seoul City, ")  # the glossary, ko->en
    assert (out / "b.txt").read_text(encoding="utf-8").startswith("[ko] ")
    assert (out / "e.md").read_text(encoding="utf-8") == CODE_MD
    assert (out / "d.jsonl").read_text(encoding="utf-8") == (
        '{"id": "k", "title": "[en] 지하철 요금", "n": 1e400}\n{"id": "e", "title": "[ko] Subway fares", "n": 1.10}\n'
    )
    data = json.loads(report.read_text(encoding="utf-8"))
    assert [(a["name"], a["source_lang"], a["target_lang"]) for a in data["articles"]] == [
        ("a.txt", "ko", "en"), ("b.txt", "en", "ko"), ("d.jsonl:1", "ko", "en"), ("d.jsonl:2", "en", "ko"),
        ("e.md", None, None), ("f.txt", "en", "ko"), ("sub/c.md", "ko", "en"),
    ]  # fmt: skip
    assert data["summary"]["directions"] == {"ko->en": 3, "en->ko": 3, "none": 1}
    assert data["documents"] == 7
    # segments in input order, each with its glossary event in its own direction
    order = [a["document"] for a in data["articles"]]
    documents = [s["document"] for s in data["segments"]]
    assert documents == sorted(documents, key=order.index)
    terms = {(s["document"], e["source"], e["target"]) for s in data["segments"] for e in s["terms"]}
    assert ("a", "서울시", "Seoul City") in terms and ("b", "Seoul City", "서울시") in terms
    assert progress[-1][0] == progress[-1][1] and progress == sorted(progress)


def test_one_article_one_direction_as_before(loads, tmp_path):  # noqa: F811
    article = write_folder(tmp_path, {"a.txt": EN}) / "a.txt"
    done = translate_files(article, tmp_path / "o.txt", model="m")
    assert [(c["model"], c["source_lang"]) for c in loads] == [("m", "en")]
    assert (done.source_lang, done.target_lang) == ("en", "ko") and [g.label for g in done.groups] == ["en->ko"]


def test_one_plain_model_for_a_mixed_folder_fails_before_loading(loads, mixed, tmp_path):  # noqa: F811
    with pytest.raises(InputError, match="one model for one direction"):
        translate_files(mixed, str(tmp_path / "out") + "/", model="DIR")
    assert loads == [] and not (tmp_path / "out").exists()


def test_an_empty_segment_in_the_second_direction_reports_both(mixed, tmp_path, monkeypatch):
    import bilingual.engines

    def load(model, **kw):
        return FakeEngine(kw["source_lang"], kw["target_lang"], always_empty=("The city said fares will rise next year.",))

    monkeypatch.setattr(bilingual.engines, "load_engine", load)
    report = tmp_path / "r.json"
    with pytest.raises(EmptyTranslationError):
        translate_files(mixed, str(tmp_path / "out") + "/", report=report)
    data = json.loads(report.read_text(encoding="utf-8"))
    assert data["summary"]["empty"] == 2 and data["summary"]["directions"] == {"ko->en": 3, "en->ko": 3, "none": 1}
    assert {s["document"] for s in data["segments"]} >= {"a", "b"}


# --------------------------------------------------------------------------- the CLI, tiny models
def run(*args: str):
    result = CliRunner().invoke(app, list(args))
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


def test_cli_translates_a_mixed_folder_with_a_model_per_direction(tiny_marian_ko_en, tiny_marian_en_ko, mixed, tmp_path):
    out, report = tmp_path / "out", tmp_path / "r.json"
    code, _, err = run(
        "translate", str(mixed), "-o", f"{out}/", "--model", f"ko-en={tiny_marian_ko_en}",
        "--model", f"en-ko={tiny_marian_en_ko}", "--report", str(report), "--beams", "1",
    )  # fmt: skip
    assert code == 0, err
    assert err.splitlines() == [
        "ko->en: 3 articles (a.txt, d.jsonl:1, sub/c.md)",
        "en->ko: 3 articles (b.txt, d.jsonl:2, f.txt)",
        "nothing to translate: 1 article (e.md)",
    ]
    for name in ("a.txt", "b.txt", "sub/c.md", "d.jsonl", "e.md", "f.txt"):
        source, translated = (mixed / name).read_text(encoding="utf-8"), (out / name).read_text(encoding="utf-8")
        assert len(translated.splitlines()) == len(source.splitlines()), name
        assert (translated == source) == (name == "e.md"), name
    for name, model in (("a.txt", tiny_marian_ko_en), ("b.txt", tiny_marian_en_ko)):  # each by its direction's model
        alone = run("translate", str(mixed / name), "--model", str(model), "--beams", "1", "-q")
        assert alone[1] == (out / name).read_text(encoding="utf-8")
    assert (out / "sub/c.md").read_text(encoding="utf-8").splitlines()[2].startswith("> > ")
    records = (out / "d.jsonl").read_text(encoding="utf-8").splitlines()
    assert records[0].endswith(', "n": 1e400}') and records[1].endswith(', "n": 1.10}')
    data = json.loads(report.read_text(encoding="utf-8"))
    assert {a["name"]: (a["source_lang"], a["target_lang"]) for a in data["articles"]}["b.txt"] == ("en", "ko")


def test_cli_one_model_for_a_mixed_folder_is_one_error_line(tiny_marian_ko_en, mixed, tmp_path):
    done = cli("translate", str(mixed), "-o", f"{tmp_path / 'out'}/", "--model", str(tiny_marian_ko_en))
    assert done.returncode == 2 and done.stdout == ""
    [line] = done.stderr.splitlines()
    assert line.startswith(f"error: --model {tiny_marian_ko_en} is one model for one direction")
    assert "en->ko: 3 articles (b.txt, d.jsonl:2, f.txt)" in line
    assert not (tmp_path / "out").exists()


def test_cli_from_sends_every_article_one_way(tiny_marian_ko_en, mixed, tmp_path):
    code, _, err = run("translate", str(mixed), "-o", f"{tmp_path / 'out'}/", "--model", str(tiny_marian_ko_en), "--from", "ko", "--beams", "1")
    assert code == 0 and err == ""


def test_cli_plain_model_for_one_article_as_before(tiny_marian_en_ko, tmp_path):
    article = write_folder(tmp_path, {"en.txt": EN}) / "en.txt"
    code, out, err = run("translate", str(article), "--model", str(tiny_marian_en_ko), "--beams", "1")
    assert code == 0 and err == "" and len(out.splitlines()) == 3  # one direction: no direction lines
