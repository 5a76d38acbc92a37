"""Your own reference pairs: `bilingual corpus new`, `eval --ref/--src/--hyp` with no corpus, `eval --save-hyp`,
and manifest errors that name every missing key at once."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import sacrebleu
from sacrebleu.metrics import BLEU, CHRF, TER

from bilingual.corpus.folder import load_corpus
from bilingual.corpus.new import new_corpus, read_tmx_pairs, read_xliff_pairs
from bilingual.errors import BilingualError, CorpusError, InputError
from eval_helpers import CORPORA, SYSTEM_OUTPUTS, invoke, invoke_json, run_cli

NLLB = SYSTEM_OUTPUTS / "kor-eng" / "ntrex128" / "facebook__nllb-200-distilled-1.3B.txt"

KO = ["경기도는 러시아 기술기업과 협약을 맺는다.", "김문수 지사가 서명했다.", "협약은 내년에 시작된다.", "기자 홍길동"]
EN = ["Gyeonggi signs a deal with a Russian tech firm.", "Governor Kim Moon-soo signed it.",
      "The deal starts next year.", "By Hong Gil-dong"]  # fmt: skip


def _write(path: Path, lines: list[str], end: str = "\n") -> Path:
    path.write_text("\n".join(lines) + end, encoding="utf-8")
    return path


@pytest.fixture
def pair_files(tmp_path: Path) -> tuple[Path, Path]:
    return _write(tmp_path / "ko.txt", KO), _write(tmp_path / "en.txt", EN)


# --------------------------------------------------------------------------- corpus new


def test_corpus_new_from_two_files_then_show_and_eval(tmp_path: Path, pair_files):
    ko, en = pair_files
    ids = tmp_path / "ids.tsv"
    ids.write_text("# article ranges\ngyeonggi-1\t1-3\nbyline\t4-4\n", encoding="utf-8")
    result = invoke("corpus", "new", "mine", "--source", str(ko), "--target", str(en), "--articles", str(ids),
                    "--licence", "CC-BY-4.0", "--dir", str(tmp_path / "corpora"))  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "2 articles, 4 segments (ko->en), licence CC-BY-4.0" in result.output
    corpus = load_corpus(tmp_path / "corpora" / "mine")
    assert [a.id for a in corpus.articles] == ["gyeonggi-1", "byline"]
    assert corpus.side("ko") == KO and corpus.side("en") == EN
    assert (corpus.info.original, corpus.info.granularity, corpus.info.licence) == ("ko", "article", "CC-BY-4.0")
    shown = invoke("corpus", "show", str(tmp_path / "corpora" / "mine"))
    assert "articles: 2, segments: 4" in shown.output and "licence: CC-BY-4.0" in shown.output
    # the new corpus is scored like a shipped one, and the same as the plain files
    hyp = _write(tmp_path / "hyp.txt", ["Gyeonggi signs a deal with a Russian firm.", "Kim signed it.",
                                        "The deal begins next year.", "By Hong Gil-dong"])  # fmt: skip
    by_corpus = invoke_json("eval", "--corpus", str(tmp_path / "corpora" / "mine"), "--hyp", str(hyp))
    by_files = invoke_json("eval", "--ref", str(en), "--src", str(ko), "--hyp", str(hyp))
    assert [a["id"] for a in by_corpus["articles"]] == ["gyeonggi-1", "byline"]
    for metric in ("bleu", "chrf", "chrf++", "ter"):
        assert by_corpus[metric] == by_files[metric]


def test_corpus_new_without_articles_is_one_sentence_level_article(tmp_path: Path, pair_files):
    corpus, pairs = new_corpus("pairs", source=pair_files[0], target=pair_files[1], corpora_dir=tmp_path)
    assert [a.id for a in corpus.articles] == ["pairs"] and corpus.info.granularity == "sentence"
    assert corpus.info.licence == "unspecified" and len(pairs) == 4
    assert "bilingual corpus new" in (tmp_path / "pairs" / "ATTRIBUTION.md").read_text(encoding="utf-8")


def test_corpus_new_with_one_id_a_line_rebuilds_ntrex_articles(tmp_path: Path):
    shipped = load_corpus("ntrex128")
    n = sum(len(a) for a in shipped.articles[:3])
    ko = _write(tmp_path / "ko.txt", shipped.side("ko")[:n])
    en = _write(tmp_path / "en.txt", shipped.side("en")[:n])
    ids = _write(tmp_path / "DOCUMENT_IDS.tsv", shipped.article_ids()[:n])
    corpus, _ = new_corpus("ntrex3", source=en, target=ko, articles=ids, source_lang="en", target_lang="ko",
                           corpora_dir=tmp_path / "out")  # fmt: skip
    assert corpus.articles == shipped.articles[:3]
    assert corpus.info.original == "en"
    # Korean as the source of a ko->en evaluation, English still the original side
    result = invoke("corpus", "new", "ntrex3ko", "--source", str(ko), "--target", str(en), "--articles", str(ids),
                    "--original", "en", "--dir", str(tmp_path / "out"))  # fmt: skip
    assert result.exit_code == 0, result.output
    assert load_corpus(tmp_path / "out" / "ntrex3ko").info.original == "en"


def test_corpus_new_refuses_to_replace_a_corpus_unless_forced(tmp_path: Path, pair_files):
    new_corpus("mine", source=pair_files[0], target=pair_files[1], corpora_dir=tmp_path)
    shorter = [_write(pair_files[0].with_name(f"short.{lang}.txt"), lines[:2]) for lang, lines in (("ko", KO), ("en", EN))]
    with pytest.raises(CorpusError, match="already exists and is not empty"):
        new_corpus("mine", source=shorter[0], target=shorter[1], corpora_dir=tmp_path)
    assert len(load_corpus(tmp_path / "mine")) == 4
    corpus, _ = new_corpus("mine", source=shorter[0], target=shorter[1], corpora_dir=tmp_path, force=True)
    assert len(corpus) == 2


def test_corpus_new_line_counts_differ_is_one_error_line(tmp_path: Path, pair_files):
    short = _write(tmp_path / "short.txt", EN[:3])
    proc = run_cli("corpus", "new", "mine", "--source", str(pair_files[0]), "--target", str(short),
                   "--dir", str(tmp_path))  # fmt: skip
    assert proc.returncode == 2
    assert proc.stderr.count("\n") == 1 and proc.stderr.startswith("error: ")
    assert "has 4 lines but --target" in proc.stderr and "has 3" in proc.stderr
    assert not (tmp_path / "mine").exists()


BAD_ARTICLES = [
    ("a\t1-2\nb\t4-4\n", "must start at 3"),
    ("a\t1-2\nb\t3-5\n", "goes past the last pair (4)"),
    ("a\t1-2\n", "the ranges end at 2, but there are 4 pairs"),
    ("a\t1-2\na\t3-4\n", "article a is listed twice"),
    ("a\t1-two\n", "is not a range FIRST-LAST"),
    ("a\t1-2\nb\n", "some lines have a tab and some do not"),
    ("a\na\nb\na\n", "article a appears in two places (lines 1 and 4)"),
    ("a\nb\n", "has 2 ids but there are 4 pairs"),
    ("a/b\t1-4\n", "is not a safe file name"),
]


@pytest.mark.parametrize("text,message", BAD_ARTICLES, ids=[m for _, m in BAD_ARTICLES])
def test_corpus_new_bad_articles_files(tmp_path: Path, pair_files, text: str, message: str):
    ids = tmp_path / "ids.tsv"
    ids.write_text(text, encoding="utf-8")
    with pytest.raises(CorpusError) as info:
        new_corpus("mine", source=pair_files[0], target=pair_files[1], articles=ids, corpora_dir=tmp_path / "c")
    assert message in str(info.value)
    assert not (tmp_path / "c" / "mine").exists()


def test_corpus_new_bad_options(tmp_path: Path, pair_files):
    with pytest.raises(InputError, match="one of them"):
        new_corpus("x", source=pair_files[0], target=pair_files[1], tmx=pair_files[0], corpora_dir=tmp_path)
    with pytest.raises(InputError, match="go together"):
        new_corpus("x", source=pair_files[0], corpora_dir=tmp_path)
    with pytest.raises(InputError, match="not a safe folder name"):
        new_corpus("../x", source=pair_files[0], target=pair_files[1], corpora_dir=tmp_path)
    blank = _write(tmp_path / "blank.txt", [EN[0], "", EN[2], EN[3]])
    with pytest.raises(CorpusError, match="line 2 is blank"):
        new_corpus("x", source=pair_files[0], target=blank, corpora_dir=tmp_path)


# A TMX written the way other tools write them: region subtags in upper and lower case, a
# header srclang of *all*, a unit with a third language and a second Korean variant (the first
# is used), one without Korean, a segment wrapped over two lines, inline codes.
TMX = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE tmx SYSTEM "tmx14.dtd">
<tmx version="1.4">
  <header creationtool="SDL Language Platform" creationtoolversion="8.0" segtype="sentence"
          o-tmf="SDL TM8 Format" adminlang="en-US" srclang="*all*" datatype="xml"/>
  <body>
    <tu tuid="1" creationdate="20240101T120000Z">
      <tuv xml:lang="EN-US"><seg>Governor Kim Moon-soo signed it.</seg></tuv>
      <tuv xml:lang="ko-KR"><seg>김문수 지사가 서명했다.</seg></tuv>
    </tu>
    <tu tuid="2">
      <prop type="x-Domain">news</prop>
      <tuv xml:lang="ja-JP"><seg>協定は来年始まる。</seg></tuv>
      <tuv xml:lang="KO-KR"><seg>협약은 내년에
        시작된다.</seg></tuv>
      <tuv xml:lang="ko"><seg>두 번째 한국어 변형은 무시된다.</seg></tuv>
      <tuv xml:lang="en-GB"><seg>The deal starts <bpt i="1">&lt;b&gt;</bpt>next<ept i="1">&lt;/b&gt;</ept> year.</seg></tuv>
    </tu>
    <tu tuid="3">
      <tuv xml:lang="en-US"><seg>Only English here.</seg></tuv>
      <tuv xml:lang="ja-JP"><seg>英語だけ。</seg></tuv>
    </tu>
  </body>
</tmx>
"""


def test_corpus_new_from_tmx_of_another_tool(tmp_path: Path):
    tmx = tmp_path / "memory.tmx"
    tmx.write_text(TMX, encoding="utf-8")
    pairs = read_tmx_pairs(tmx, "ko", "en")
    assert pairs.source == ("김문수 지사가 서명했다.", "협약은 내년에 시작된다.")
    assert pairs.target[0] == "Governor Kim Moon-soo signed it."
    assert pairs.target[1] == "The deal starts next year."  # the inline codes <bpt>/<ept> are not text
    assert pairs.skipped == 1
    result = invoke("corpus", "new", "from-tmx", "--tmx", str(tmx), "--dir", str(tmp_path / "c"))
    assert result.exit_code == 0, result.output
    assert "2 segments" in result.output and "1 units without both sides skipped" in result.output
    assert load_corpus(tmp_path / "c" / "from-tmx").side("ko") == list(pairs.source)
    # the other way round: English source, Korean target
    assert read_tmx_pairs(tmx, "en", "ko").source[0] == "Governor Kim Moon-soo signed it."


def test_corpus_new_tmx_is_read_like_the_memory_reads_it(tmp_path: Path):
    """One TMX reader (bilingual.memory.tmx): what `tm import` takes, `corpus new --tmx` takes, and both
    refuse an entity declaration rather than silently dropping the references to it from the text."""
    from bilingual.memory.tmx import read_tmx

    tmx = tmp_path / "memory.tmx"
    tmx.write_text(TMX, encoding="utf-8")
    pairs = read_tmx_pairs(tmx, "ko", "en")
    entries = list(read_tmx(tmx, source_lang="ko", target_lang="en"))
    assert [(e.source, e.target) for e in entries] == list(zip(pairs.source, pairs.target))
    assert entries[1].note == "x-Domain: news"

    xxe = tmp_path / "xxe.tmx"
    xxe.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE tmx [<!ENTITY x SYSTEM "file:///etc/hostname">]>\n'
        '<tmx version="1.4"><header srclang="ko"/><body><tu><tuv xml:lang="ko"><seg>가 &x;</seg></tuv>'
        '<tuv xml:lang="en"><seg>a &x;</seg></tuv></tu></body></tmx>\n',
        encoding="utf-8",
    )
    with pytest.raises(CorpusError, match=r"^--tmx .*xxe\.tmx: the document type declares entities"):
        read_tmx_pairs(xxe, "ko", "en")
    done = run_cli("corpus", "new", "x", "--tmx", str(xxe), "--dir", str(tmp_path / "c"))
    assert done.returncode == 2 and not (tmp_path / "c" / "x").exists()
    assert done.stderr.startswith("error: --tmx ") and len(done.stderr.strip().splitlines()) == 1, done.stderr
    broken = tmp_path / "broken.tmx"
    broken.write_text("<tmx><body><tu>", encoding="utf-8")
    with pytest.raises(CorpusError, match=r"^--tmx .*broken\.tmx: not well-formed XML"):
        read_tmx_pairs(broken, "ko", "en")
    other = tmp_path / "other.tmx"
    other.write_text("<xliff/>", encoding="utf-8")
    with pytest.raises(CorpusError, match=r"not a TMX file \(the root element is <xliff>\)"):
        read_tmx_pairs(other, "ko", "en")


XLIFF12 = """<?xml version="1.0" encoding="UTF-8"?>
<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2">
  <file original="article.html" source-language="ko-KR" target-language="en-US" datatype="html">
    <body>
      <trans-unit id="t1"><source>김문수 지사가 서명했다.</source>
        <target state="translated">Governor Kim Moon-soo signed it.</target><note>headline</note></trans-unit>
      <trans-unit id="t2"><source>아직 번역 안 됨.</source></trans-unit>
      <trans-unit id="t3"><source>협약은 내년에 시작된다.</source>
        <target state="needs-review-translation">The deal starts next year.</target></trans-unit>
    </body>
  </file>
</xliff>
"""

XLIFF20 = """<?xml version="1.0" encoding="UTF-8"?>
<xliff version="2.0" xmlns="urn:oasis:names:tc:xliff:document:2.0" srcLang="ko" trgLang="en">
  <file id="f1">
    <unit id="u1">
      <segment id="s1"><source>경기도는 협약을 맺는다.</source><target>Gyeonggi signs a deal.</target></segment>
      <ignorable><source> </source></ignorable>
      <segment id="s2"><source>김문수 지사가 서명했다.</source><target>Governor Kim signed it.</target></segment>
    </unit>
    <unit id="u2">
      <segment id="s1"><source>협약은 내년에 시작된다.</source><target>The deal starts next year.</target></segment>
    </unit>
  </file>
</xliff>
"""


def test_corpus_new_from_xliff_12_and_20(tmp_path: Path):
    x12 = tmp_path / "a.xlf"
    x12.write_text(XLIFF12, encoding="utf-8")
    pairs = read_xliff_pairs(x12, "ko", "en")
    assert pairs.source == ("김문수 지사가 서명했다.", "협약은 내년에 시작된다.") and pairs.skipped == 1
    assert pairs.target == ("Governor Kim Moon-soo signed it.", "The deal starts next year.")
    with pytest.raises(CorpusError, match="source language is 'ko-KR', not en"):
        read_xliff_pairs(x12, "en", "ko")
    x20 = tmp_path / "b.xlf"
    x20.write_text(XLIFF20, encoding="utf-8")
    pairs = read_xliff_pairs(x20, "ko", "en")  # several segments in one unit: each is a pair
    assert pairs.source == ("경기도는 협약을 맺는다.", "김문수 지사가 서명했다.", "협약은 내년에 시작된다.")
    assert pairs.target == ("Gyeonggi signs a deal.", "Governor Kim signed it.", "The deal starts next year.")
    ids = tmp_path / "ids.tsv"
    ids.write_text("unit-1\t1-2\nunit-2\t3-3\n", encoding="utf-8")
    corpus, _ = new_corpus("x20", xliff=x20, articles=ids, corpora_dir=tmp_path / "c")
    assert [len(a) for a in corpus.articles] == [2, 1]
    broken = tmp_path / "broken.xlf"
    broken.write_text("<xliff version='1.2'><file>", encoding="utf-8")
    with pytest.raises(CorpusError, match="not an XLIFF file"):
        read_xliff_pairs(broken, "ko", "en")


# --------------------------------------------------------------------------- manifest errors


def test_manifest_missing_several_keys_names_them_all_in_one_line(tmp_path: Path):
    folder = tmp_path / "mine"
    (folder / "articles").mkdir(parents=True)
    _write(folder / "articles" / "story-1.ko.txt", KO[:1])
    _write(folder / "articles" / "story-1.en.txt", EN[:1])
    (folder / "manifest.toml").write_text('name = "mine"\ntitle = "My pairs"\nlicence = ""\n', encoding="utf-8")
    with pytest.raises(CorpusError) as info:
        load_corpus(folder)
    message = str(info.value)
    assert "\n" not in message
    assert "missing keys languages, original, granularity, licence, source, articles" in message
    assert 'a minimal manifest, one key a line: name = "mine" | languages = ["en", "ko"]' in message
    assert '[[articles]] id = "story-1"' in message
    proc = run_cli("corpus", "show", str(folder))
    assert proc.returncode == 2 and proc.stderr.count("\n") == 1
    # the example really is a manifest that loads
    example = message.split("one key a line: ", 1)[1].split("; `bilingual", 1)[0]
    (folder / "manifest.toml").write_text(example.replace(" | ", "\n").replace("]] ", "]]\n"), encoding="utf-8")
    assert load_corpus(folder).side("en") == EN[:1]


def test_manifest_missing_one_key(tmp_path: Path):
    import shutil

    folder = tmp_path / "seed"
    shutil.copytree(CORPORA / "seed", folder)
    manifest = folder / "manifest.toml"
    manifest.write_text(manifest.read_text(encoding="utf-8").replace('original = "en"\n', ""), encoding="utf-8")
    with pytest.raises(CorpusError, match=r"manifest.toml: missing key original \(a minimal manifest"):
        load_corpus(folder)


# --------------------------------------------------------------------------- eval with no corpus


def _sacrebleu_cli(ref: Path, hyp: Path, *metrics: str) -> dict[str, float]:
    proc = subprocess.run(
        [sys.executable, "-m", "sacrebleu", str(ref), "-i", str(hyp), "-m", *metrics, "-w", "4"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    return {row["name"]: row["score"] for row in json.loads(proc.stdout)}


def test_eval_plain_files_equal_sacrebleu_to_the_last_digit(tmp_path: Path):
    """NTREX-128 ko->en, NLLB's published output: the scores are sacrebleu's own, unrounded."""
    corpus = load_corpus("ntrex128")
    ref = _write(tmp_path / "ref.en.txt", corpus.side("en"))
    src = _write(tmp_path / "src.ko.txt", corpus.side("ko"))
    hyps = NLLB.read_text(encoding="utf-8").splitlines()
    report = invoke_json("eval", "--src", str(src), "--ref", str(ref), "--hyp", str(NLLB), "--metrics", "bleu,chrf,chrf++")
    refs = [corpus.side("en")]
    assert report["bleu"] == sacrebleu.corpus_bleu(hyps, refs).score
    assert report["chrf"] == sacrebleu.corpus_chrf(hyps, refs).score
    assert report["chrf++"] == CHRF(word_order=2).corpus_score(hyps, refs).score
    bleu = BLEU()
    bleu.corpus_score(hyps, refs)
    assert report["signatures"]["bleu"] == str(bleu.get_signature())
    cli = _sacrebleu_cli(ref, NLLB, "bleu", "chrf")
    assert round(report["bleu"], 4) == cli["BLEU"] and round(report["chrf"], 4) == cli["chrF2"]
    # TER (the slow one in sacrebleu) on the first 150 segments
    head_ref, head_hyp = _write(tmp_path / "r150.txt", corpus.side("en")[:150]), _write(tmp_path / "h150.txt", hyps[:150])
    ter = invoke_json("eval", "--ref", str(head_ref), "--hyp", str(head_hyp), "--metrics", "ter")
    assert ter["ter"] == TER().corpus_score(hyps[:150], [corpus.side("en")[:150]]).score


def test_eval_plain_files_read_lines_as_the_sacrebleu_command_does(tmp_path: Path):
    # trailing spaces and CRs go, empty lines are segments, no final newline is fine
    ref = tmp_path / "ref.txt"
    ref.write_bytes("The deal starts next year.  \r\n\nBy Hong Gil-dong\nGovernor Kim signed it.".encode())
    hyp = tmp_path / "hyp.txt"
    hyp.write_bytes("The deal begins next year.\n\nby Hong Gil-dong \nKim signed it.\n".encode())
    report = invoke_json("eval", "--ref", str(ref), "--hyp", str(hyp), "--metrics", "bleu,chrf")
    assert report["segments"] == 4
    cli = _sacrebleu_cli(ref, hyp, "bleu", "chrf")
    assert round(report["bleu"], 4) == cli["BLEU"] and round(report["chrf"], 4) == cli["chrF2"]


def test_eval_plain_files_bars_and_errors(tmp_path: Path, pair_files):
    ko, en = pair_files
    hyp = _write(tmp_path / "hyp.txt", EN[:3] + ["By Hong Kil-dong"])
    ok = run_cli("eval", "--ref", str(en), "--hyp", str(hyp), "--bar", "min_bleu=10", "--bar", "max_ter=90")
    assert ok.returncode == 0, ok.stderr
    assert "gate ok   bleu" in ok.stdout and "gate ok   ter" in ok.stdout
    failed = run_cli("eval", "--ref", str(en), "--src", str(ko), "--hyp", str(hyp), "--bar", "min_bleu=99.5")
    assert failed.returncode == 1 and failed.stderr.startswith("error: quality gate failed: en.txt ko->en: bleu")
    # --bar gates a corpus run too
    seed_hyp = _write(tmp_path / "seed.txt", load_corpus("seed").side("en"))
    assert invoke_json("eval", "--corpus", "seed", "--hyp", str(seed_hyp), "--bar", "min_chrf++=99")["gate"]["passed"] is True
    short = _write(tmp_path / "short.txt", EN[:3])
    for args, message in [
        (["--ref", str(en), "--hyp", str(short)], f"--hyp {short} has 3 lines but --ref {en} has 4"),
        (["--src", str(ko), "--hyp", str(hyp)], "--src needs --ref"),
    ]:
        proc = run_cli("eval", *args)
        assert proc.returncode == 2 and proc.stderr.count("\n") == 1 and message in proc.stderr, proc.stderr
    for args, message in [
        (["--ref", str(en), "--src", str(short), "--hyp", str(hyp)], "--src"),
        (["--ref", str(en), "--model", "x"], "--model with --ref needs --src"),
        (["--ref", str(en), "--hyp", str(hyp), "-g", "glossaries/names.tsv"], "--glossary with --ref needs --src"),
        (["--ref", str(en), "--hyp", str(hyp), "--corpus", "seed"], "give --corpus or --ref, not both"),
        (["--ref", str(en), "--hyp", str(hyp), "--gate", "eval/gate.toml"], "with --ref give bars with --bar"),
        (["--ref", str(en), "--hyp", str(hyp), "--bar", "max_drop_bleu=1"], "need a stored baseline"),
        (["--ref", str(en), "--hyp", str(hyp), "--bar", "min_ter=1"], "use max_ter"),
        (["--ref", str(en), "--hyp", str(hyp), "--bar", "min_bleu"], "give KEY=VALUE"),
        (["--ref", str(en), "--hyp", str(hyp), "--json", str(en)], "refusing to overwrite an input"),
        (["--corpus", "seed", "--hyp", str(hyp), "--save-hyp", str(tmp_path / "x.txt")], "give --model"),
    ]:
        result = invoke("eval", *args)
        assert isinstance(result.exception, BilingualError), (args, result.exception)
        assert message in str(result.exception), (args, str(result.exception))


# --------------------------------------------------------------------------- eval --model --save-hyp


def test_eval_model_save_hyp_keeps_the_translations(tmp_path: Path, tiny_marian_ko_en: Path):
    from bilingual.translation.pipeline import Translator

    corpus = load_corpus("seed")
    expected = Translator.from_pretrained(str(tiny_marian_ko_en), source_lang="ko", target_lang="en").translate_texts(
        corpus.side("ko")
    )
    saved = tmp_path / "out" / "tiny.en.txt"
    report = invoke_json("eval", "--corpus", "seed", "--model", str(tiny_marian_ko_en), "--save-hyp", str(saved),
                         "--metrics", "bleu,chrf++")  # fmt: skip
    lines = saved.read_text(encoding="utf-8").split("\n")
    assert lines[-1] == "" and lines[:-1] == [h.rstrip() for h in expected] and len(lines) - 1 == len(corpus)
    # the saved file scores the same as the run that wrote it, so it can serve as a baseline
    again = invoke_json("eval", "--corpus", "seed", "--hyp", str(saved), "--baseline", str(saved),
                        "--metrics", "bleu,chrf++")  # fmt: skip
    assert (again["bleu"], again["chrf++"]) == (report["bleu"], report["chrf++"])
    # with no corpus: translate the --src file, keep the translations, score against --ref
    ko = _write(tmp_path / "ko.txt", corpus.side("ko"))
    en = _write(tmp_path / "en.txt", corpus.side("en"))
    plain_saved = tmp_path / "plain.en.txt"
    plain = invoke_json("eval", "--src", str(ko), "--ref", str(en), "--model", str(tiny_marian_ko_en),
                        "--save-hyp", str(plain_saved), "--metrics", "bleu,chrf++")  # fmt: skip
    assert plain_saved.read_bytes() == saved.read_bytes()
    assert (plain["bleu"], plain["chrf++"]) == (report["bleu"], report["chrf++"])
    # the output guard: --save-hyp may not overwrite an input
    clash = invoke("eval", "--src", str(ko), "--ref", str(en), "--model", str(tiny_marian_ko_en), "--save-hyp", str(ko))
    assert "refusing to overwrite an input" in str(clash.exception)
