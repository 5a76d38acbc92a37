"""`bilingual eval` end to end: the JSON contract, hypothesis folders, bad input, exit codes."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from bilingual.corpus.folder import load_corpus
from eval_helpers import REPO, invoke_json, output_path, run_cli

SEED_EN = load_corpus("seed").side("en")


def _write(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_json_contract_on_stdout(tmp_path: Path):
    hyp = _write(tmp_path / "hyp.txt", SEED_EN[:-1] + ["By Chun Sung-woo"])
    proc = run_cli("eval", "--corpus", "seed", "--from", "ko", "--to", "en", "--hyp", str(hyp), "--json", "-")
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)  # stdout is exactly one JSON object
    for key in ("bleu", "chrf", "chrf++", "ter"):
        assert isinstance(report[key], float)
    assert set(report["signatures"]) == {"bleu", "chrf", "chrf++", "ter"}
    assert [a["id"] for a in report["articles"]] == [a.id for a in load_corpus("seed").articles]
    assert report["worst_segments"][0]["hypothesis"] == "By Chun Sung-woo"
    assert "term_success_rate" not in report


def test_glossary_adds_term_success_rate_and_missed_terms(tmp_path: Path):
    hyps = list(SEED_EN)
    hyps[4] = hyps[4].replace("Kim Moon-soo", "Kim Mun-su")  # a name the glossary knows, spelt wrong
    hyp = _write(tmp_path / "hyp.txt", hyps)
    glossary = REPO / "glossaries" / "names.tsv"
    if not glossary.is_file():
        pytest.skip("glossaries/names.tsv (helper G) not in this checkout")
    reference = _write(tmp_path / "ref.txt", SEED_EN)
    perfect = invoke_json("eval", "--corpus", "seed", "--hyp", str(reference), "--glossary", str(glossary))
    report = invoke_json("eval", "--corpus", "seed", "--hyp", str(hyp), "--glossary", str(glossary))
    # the same glossary terms are found in the sources; exactly one more is missed
    assert report["terms"]["found"] == perfect["terms"]["found"] > 0
    assert report["terms"]["matched"] == perfect["terms"]["matched"] - 1
    assert report["term_success_rate"] == pytest.approx(report["terms"]["matched"] / report["terms"]["found"])
    assert report["term_success_rate"] < perfect["term_success_rate"]
    assert not any(m["index"] == 4 for m in perfect["terms"]["missed"])
    assert any(m["expected"] == "Kim Moon-soo" and m["index"] == 4 for m in report["terms"]["missed"])


def test_hypothesis_folder_of_articles(tmp_path: Path):
    corpus = load_corpus("wmt24pp-news")
    folder = tmp_path / "out"
    folder.mkdir()
    flat: list[str] = []
    for k, article in enumerate(corpus.articles):
        # a different damage per article, so segments put in the wrong place would score differently
        hyps = [" ".join(seg.split()[: -1 - k % 4]) for seg in article.side("en")]
        flat += hyps
        # three accepted names: <id>.en.txt, <id>.txt, and a translated copy keeping <id>.ko.txt
        name = [f"{article.id}.en.txt", f"{article.id}.txt", f"{article.id}.ko.txt"][k % 3]
        (folder / name).write_text("\n\n".join(hyps) + "\n", encoding="utf-8")  # blank lines are skipped
    from_folder = invoke_json("eval", "--corpus", "wmt24pp-news", "--hyp", str(folder))
    from_file = invoke_json("eval", "--corpus", "wmt24pp-news", "--hyp", str(_write(tmp_path / "flat.txt", flat)))
    assert from_folder["bleu"] == from_file["bleu"] < 100
    assert from_folder["articles"] == from_file["articles"]


def _no_manifest(tmp_path: Path) -> list[str]:
    folder = tmp_path / "corpus"
    shutil.copytree(REPO / "corpora" / "seed", folder)
    (folder / "manifest.toml").unlink()
    hyp = _write(tmp_path / "hyp.txt", SEED_EN)
    return ["eval", "--corpus", str(folder), "--hyp", str(hyp)]


def _short_hyp(tmp_path: Path) -> list[str]:
    hyp = _write(tmp_path / "hyp.txt", SEED_EN[:-1])
    return ["eval", "--corpus", "seed", "--hyp", str(hyp)]


def _empty_hyp(tmp_path: Path) -> list[str]:
    hyp = tmp_path / "hyp.txt"
    hyp.write_text("", encoding="utf-8")
    return ["eval", "--corpus", "seed", "--hyp", str(hyp)]


def _unknown_metric_gate(tmp_path: Path) -> list[str]:
    gate = tmp_path / "gate.toml"
    gate.write_text('[[check]]\ncorpus = "seed"\nmin_blue = 20\n', encoding="utf-8")
    hyp = _write(tmp_path / "hyp.txt", SEED_EN)
    return ["eval", "--corpus", "seed", "--hyp", str(hyp), "--gate", str(gate)]


def _folder_missing_article(tmp_path: Path) -> list[str]:
    (tmp_path / "out").mkdir()
    return ["eval", "--corpus", "seed", "--hyp", str(tmp_path / "out")]


def _bad_direction(tmp_path: Path) -> list[str]:
    hyp = _write(tmp_path / "hyp.txt", SEED_EN)
    return ["eval", "--corpus", "seed", "--hyp", str(hyp), "--from", "en", "--to", "en"]


def _undecodable_hyp(tmp_path: Path) -> list[str]:
    hyp = tmp_path / "hyp.txt"
    hyp.write_bytes("\n".join(SEED_EN).encode() + b"\xff\xfe")
    return ["eval", "--corpus", "seed", "--hyp", str(hyp)]


def _gated_metric_left_out(tmp_path: Path) -> list[str]:
    gate = tmp_path / "gate.toml"
    gate.write_text('[[check]]\ncorpus = "seed"\n"min_chrf++" = 20\n', encoding="utf-8")
    hyp = _write(tmp_path / "hyp.txt", SEED_EN)
    return ["eval", "--corpus", "seed", "--hyp", str(hyp), "--gate", str(gate), "--metrics", "bleu"]


BAD_INPUT = [
    (_short_hyp, "has 14 lines but corpus seed has 15 segments"),
    (_empty_hyp, "is empty"),
    (_no_manifest, "is not a corpus folder: it has no manifest.toml"),
    (_unknown_metric_gate, "unknown metric 'blue'"),
    (_folder_missing_article, "has no file for article koreaherald-2012-10-25-gyeonggi-russian-tech"),
    (_bad_direction, "source and target language are both 'en'"),
    (_undecodable_hyp, "hyp.txt: cannot detect the encoding"),
    (_gated_metric_left_out, "the gate has bars on chrf++, which --metrics leaves out"),
]


@pytest.mark.parametrize("make_args,message", BAD_INPUT, ids=[m for _, m in BAD_INPUT])
def test_bad_input_gives_one_line_and_exit_2(tmp_path: Path, make_args, message):
    proc = run_cli(*make_args(tmp_path))
    assert proc.returncode == 2, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith("error: ") and message in lines[0]
    assert "Traceback" not in proc.stderr


def test_missing_hyp_and_model_is_bad_input():
    proc = run_cli("eval", "--corpus", "seed")
    assert proc.returncode == 2 and "exactly one of --hyp and --model" in proc.stderr


def test_reports_written_to_files(tmp_path: Path):
    hyp = output_path("flores200-devtest", "kor-eng", "opus-2021-02-18")
    proc = run_cli(
        "eval", "--corpus", "flores200-devtest", "--hyp", str(hyp), "--metrics", "bleu,chrf++",
        "--json", str(tmp_path / "r.json"), "--markdown", str(tmp_path / "r.md"), "--html", str(tmp_path / "r.html"),
    )
    assert proc.returncode == 0, proc.stderr
    assert "flores200-devtest ko→en  BLEU 20.40" in proc.stdout
    report = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert round(report["bleu"], 1) == 20.4 and "ter" not in report
    assert "BLEU | 20.40" in (tmp_path / "r.md").read_text(encoding="utf-8")
    assert "<svg" in (tmp_path / "r.html").read_text(encoding="utf-8")  # histogram for a sentence-level set
