"""bilingual.evaluation.jobs: the jobs of ``bilingual eval`` built, checked and run without the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bilingual.corpus.folder import load_corpus
from bilingual.errors import GateConfigError, InputError
from bilingual.evaluation.jobs import EvalJob, build_jobs, parse_metrics, run_gate, run_jobs, write_baseline
from bilingual.evaluation.metrics import METRICS
from bilingual.evaluation.report import write_reports

SEED_EN = load_corpus("seed").side("en")
SEED_KO = load_corpus("seed").side("ko")


def _lines(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    """Hypotheses for both directions of the seed corpus and a gate file with a check for each."""
    hyp_en = _lines(tmp_path / "hyp.en", SEED_EN[:-1] + ["By Chun Sung-woo"])
    hyp_ko = _lines(tmp_path / "hyp.ko", SEED_KO)
    glossary = tmp_path / "g.tsv"
    glossary.write_text(
        "korean\tenglish\tkorean_forms\twrong_english\tkind\tstatus\tnote\n"
        "경기도\tGyeonggi Province\t\t\tplace\tapproved\t\n",
        encoding="utf-8",
    )
    gate = tmp_path / "gate.toml"
    gate.write_text(
        '[[check]]\ncorpus = "seed"\nhyp = "hyp.en"\nmetrics = ["chrf"]\nmin_chrf = 50\nglossary = ["g.tsv"]\n\n'
        '[[check]]\ncorpus = "seed"\nfrom = "en"\nto = "ko"\nhyp = "hyp.ko"\nmetrics = ["chrf", "bleu"]\nmin_bleu = 101\n',
        encoding="utf-8",
    )
    return {"hyp_en": hyp_en, "hyp_ko": hyp_ko, "glossary": glossary, "gate": gate}


def test_one_corpus_is_one_job(files):
    [job] = build_jobs(corpus="seed", hyp=files["hyp_en"], metrics="chrf, bleu")
    assert job == EvalJob("seed", "ko", "en", hyp=files["hyp_en"], metrics=("chrf", "bleu"))
    assert job.system == str(files["hyp_en"])
    [job] = build_jobs(corpus="seed", model="m", engine="ctranslate2", engine_options={"workers": "2"})
    assert job.system == "model:m" and job.metrics == METRICS and job.engine_options == {"workers": "2"}


def test_a_gate_file_is_one_job_per_check(files):
    jobs = build_jobs(gate=files["gate"], glossaries=[Path("extra.tsv")])
    assert [(j.source_lang, j.target_lang, j.metrics) for j in jobs] == [("ko", "en", ("chrf",)), ("en", "ko", ("chrf", "bleu"))]
    assert jobs[0].glossaries == (files["glossary"], Path("extra.tsv")) and jobs[1].glossaries == (Path("extra.tsv"),)
    assert all(j.gate_entry is not None for j in jobs)


def test_a_corpus_with_a_gate_takes_its_check_and_glossaries(files):
    [job] = build_jobs(corpus="seed", hyp=files["hyp_en"], gate=files["gate"], metrics="chrf")
    assert job.gate_entry is not None and job.gate_entry.mins == {"chrf": 50}
    assert job.glossaries == (files["glossary"],)


BAD = [
    ({"corpus": "seed", "hyp": "h", "metrics": "bleu,blue"}, InputError, "unknown metric 'blue' in --metrics"),
    ({"corpus": "seed"}, InputError, "give exactly one of --hyp and --model"),
    ({"corpus": "seed", "hyp": "h", "model": "m"}, InputError, "give exactly one of --hyp and --model"),
    ({}, InputError, "give --corpus with --hyp or --model, or --gate FILE"),
    ({"gate": "GATE", "hyp": "h"}, InputError, "--hyp, --model and --baseline need --corpus"),
    ({"gate": "GATE", "baseline": Path("b")}, InputError, "--hyp, --model and --baseline need --corpus"),
    ({"gate": "GATE", "write_baseline": True}, InputError, "--write-baseline needs a single run"),
    ({"gate": "GATE", "metrics": "bleu"}, InputError, "the gate has bars on chrf, which --metrics leaves out"),
    ({"corpus": "seed", "model": "m", "engine": "nope"}, InputError, "unknown engine 'nope'"),
    ({"corpus": "seed", "hyp": "h", "source_lang": "en", "target_lang": "en"}, InputError, "both 'en'"),
    ({"corpus": "wmt24pp-news", "hyp": "h", "gate": "GATE"}, GateConfigError, "no [[check]] for corpus wmt24pp-news"),
]


@pytest.mark.parametrize(("options", "error", "message"), BAD, ids=[m for *_, m in BAD])
def test_options_that_do_not_fit_together(files, options, error, message):
    options = {k: files["gate"] if v == "GATE" else Path(v) if k == "hyp" else v for k, v in options.items()}
    with pytest.raises(error) as info:
        build_jobs(**options)
    assert message in str(info.value)


def test_parse_metrics():
    assert parse_metrics(None) is None and parse_metrics("") is None and parse_metrics(" , ") is None
    assert parse_metrics("ter, chrf++") == ("ter", "chrf++") and parse_metrics(["bleu"]) == ("bleu",)


def test_run_gate_scores_checks_and_reports_failures(files):
    overrides = []
    results = run_gate(files["gate"], on_glossary=overrides.append, samples=10, trials=10)
    assert [(r.source_lang, r.target_lang) for r in results.runs] == [("ko", "en"), ("en", "ko")]
    assert results.runs[0].gate.passed and results.runs[0].terms is not None and len(overrides) == 1
    assert not results.passed and [g.entry.name for g in results.failed] == ["seed en->ko"]
    assert results.failure_message().startswith("quality gate failed: seed en->ko: bleu 100.00 < min 101")


def test_run_jobs_with_a_baseline_compares_and_writes(files, tmp_path):
    jobs = build_jobs(corpus="seed", hyp=files["hyp_en"], metrics="chrf,bleu", write_baseline=True)
    results = run_jobs(jobs, baseline=_lines(tmp_path / "ref.en", SEED_EN), samples=20, trials=20, worst=3)
    [run] = results.runs
    assert results.passed and results.failure_message() == "" and len(run.worst) == 3
    assert run.significance["paired-bootstrap"]["chrf"].difference < 0
    doc = write_baseline(tmp_path / "b" / "base.json", run)
    stored = json.loads((tmp_path / "b" / "base.json").read_text(encoding="utf-8"))
    assert stored == doc and set(stored["scores"]) == {"chrf", "bleu"} and stored["signatures"]["bleu"]
    write_reports(results.runs, json_path=tmp_path / "r.json", markdown_path=tmp_path / "r.md", html_path=tmp_path / "r.html")
    assert json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))["corpus"] == "seed"
    assert "# bilingual eval" in (tmp_path / "r.md").read_text(encoding="utf-8")
    assert "<svg" in (tmp_path / "r.html").read_text(encoding="utf-8")


def test_write_reports_json_to_stdout(files, capsys):
    results = run_jobs(build_jobs(corpus="seed", hyp=files["hyp_en"], metrics="chrf"))
    write_reports(results.runs, json_path="-")
    assert json.loads(capsys.readouterr().out)["system"] == str(files["hyp_en"])


def test_a_model_job_translates_the_corpus_through_the_shared_loader(files, monkeypatch):
    import bilingual.engines
    from bilingual.testing.fake_engine import FakeEngine

    loads = []

    def fake_load(model, **kwargs):
        loads.append((model, kwargs["engine_options"]))
        return FakeEngine(transform=lambda text: "Gyeonggi Province")

    monkeypatch.setattr(bilingual.engines, "load_engine", fake_load)
    jobs = build_jobs(corpus="seed", model="m", engine_options={"k": "v"}, glossaries=[files["glossary"]], metrics="chrf")
    [run] = run_jobs(jobs, enforce=True).runs
    assert loads == [("m", {"k": "v"})] and run.system == "model:m"
    assert run.hyps[0].startswith("Gyeonggi Province") and run.terms.rate == 1.0
