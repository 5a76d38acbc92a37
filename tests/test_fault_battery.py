"""The fault battery: bad input and faults across every command, through the real CLI.

Each row is one kind of fault. Its files are written into a fresh folder, the
command runs as ``python -m bilingual ...`` in a subprocess, and the row must
give exactly one ``error:`` line on stderr (no traceback), the documented exit
status (2 bad input, 1 a failed gate or ``--strict``), every file of the folder
byte-identical afterwards (symlinks still symlinks), and no new file at all: no
output, no partial output, no hidden temporary file.

Read-only targets are a read-only tmpfs (root) or a folder without write
permission (anyone else); a full disk is a 64 KiB tmpfs filled to its last
page, and needs root (the row is skipped, saying so, without it).
tests/test_reading_layer.py has the bad-file cases of every text input (binary,
NUL, undecodable, lone surrogate, empty, folder, missing) in ten input kinds;
this table has the faults of outputs, models, formats, gates and edits.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from bilingual.corpus.folder import load_corpus
from bilingual.glossary.terms import HEADER

REPO = Path(__file__).resolve().parents[1]
SEED = load_corpus("seed")
SEED_ID = SEED.articles[0].id
SEED_DIR = REPO / "corpora" / "seed"

ARTICLE = "서울시, 버스 요금 인상\n\n김민수 기자\n\n서울시는 내년부터 요금을 올린다고 밝혔다. 시민들은 반대했다.\n"
LONG_ARTICLE = "".join(f"서울시는 {i}일 요금을 올린다고 밝혔다. 시민들은 반대했다.\n\n" for i in range(60))
GLOSSARY = f"{HEADER}\n서울시\tSeoul City\t\t\tplace\tapproved\t\n김민수\tKim Min-su\t\t\tperson\tapproved\t\n"
POSTEDIT_GLOSSARY = f"{HEADER}\n캐버노\tKavanaugh\t\tCabrino\tperson\tapproved\t\n"
HYP_EN = "\n".join(SEED.side("en")) + "\n"
WORSE_EN = "\n".join(" ".join(s.split()[: max(1, len(s.split()) // 2)]) for s in SEED.side("en")) + "\n"
NAMES = (REPO / "glossaries" / "names.tsv").read_text(encoding="utf-8")


def _gate(bars: str, baseline: str | None = None) -> Callable[[Path], str]:
    def text(d: Path) -> str:
        lines = ["[[check]]", f'corpus = "{d / "seed"}"', 'hyp = "hyp.en"', 'metrics = ["chrf"]']
        if baseline:
            lines.append(f'baseline = "{baseline}"')
        return "\n".join([*lines, bars]) + "\n"

    return text


def _baseline(score: str) -> str:
    return '{"scores": {"chrf": %s}, "signatures": {}}\n' % score


# --------------------------------------------------------------------------- setups beyond plain files


def _seed(d: Path, model: Path) -> None:
    shutil.copytree(SEED_DIR, d / "seed", dirs_exist_ok=True)


def _model_copy(d: Path, model: Path) -> Path:
    shutil.copytree(model, d / "bad-model")
    return d / "bad-model"


def _pickle_model(d: Path, model: Path) -> None:
    import pickle

    folder = _model_copy(d, model)
    (folder / "model.safetensors").unlink()

    class Payload:
        def __reduce__(self):
            return (os.system, (f"touch {d / 'PWNED'}",))

    (folder / "pytorch_model.bin").write_bytes(pickle.dumps({"weight": Payload()}, protocol=2))


def _truncated_header(d: Path, model: Path) -> None:
    folder = _model_copy(d, model)
    with (folder / "model.safetensors").open("r+b") as f:
        f.truncate(1000)


def _truncated_data(d: Path, model: Path) -> None:
    folder = _model_copy(d, model)
    size = (folder / "model.safetensors").stat().st_size
    with (folder / "model.safetensors").open("r+b") as f:
        f.truncate(size - 4096)


def _link(name: str, target: str) -> Callable[[Path, Path], None]:
    return lambda d, model: (d / name).symlink_to(d / target)


def _hard_link(name: str, target: str) -> Callable[[Path, Path], None]:
    return lambda d, model: os.link(d / target, d / name)


def _src_model(d: Path, model: Path) -> None:
    shutil.copytree(model, d / "src-model")


def _in_folder(d: Path, model: Path) -> None:
    (d / "in").mkdir()
    for name in ("a.txt", "b.txt"):
        (d / "in" / name).write_text(ARTICLE, encoding="utf-8")


def _published_seed(d: Path, model: Path) -> None:
    (d / "pub").mkdir()
    shutil.copyfile(SEED_DIR / "articles" / f"{SEED_ID}.en.txt", d / "pub" / "en.txt")
    shutil.copyfile(SEED_DIR / "articles" / f"{SEED_ID}.ko.txt", d / "pub" / "ko.txt")
    shutil.copyfile(SEED_DIR / "README.md", d / "pub" / "README.md")


# --------------------------------------------------------------------------- read-only folders and full disks


def _mount_tmpfs(folder: Path, size: str) -> bool:
    if os.geteuid() != 0:
        return False
    return subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)], capture_output=True).returncode == 0


@dataclass
class Mounts:
    """Mounts made for a row, unmounted (and write permission given back) when the row ends."""

    mounted: list[Path] = field(default_factory=list)
    locked: list[Path] = field(default_factory=list)

    def read_only(self, folder: Path, files: dict[str, str]) -> None:
        folder.mkdir(exist_ok=True)
        mounted = _mount_tmpfs(folder, "1m")
        if mounted:
            self.mounted.append(folder)
        for name, text in files.items():
            (folder / name).parent.mkdir(parents=True, exist_ok=True)
            (folder / name).write_text(text, encoding="utf-8")
        if mounted and subprocess.run(["mount", "-o", "remount,ro", str(folder)], capture_output=True).returncode == 0:
            return
        if os.geteuid() == 0:
            pytest.skip("a read-only folder needs a read-only tmpfs mount, which failed here")
        for path in [folder, *[p for p in folder.rglob("*") if p.is_dir()]]:
            path.chmod(0o555)
            self.locked.append(path)

    def full(self, folder: Path) -> None:
        """A 64 KiB tmpfs at ``folder`` with one 4 KiB page left free."""
        folder.mkdir(exist_ok=True)
        if not _mount_tmpfs(folder, "64k"):
            pytest.skip("a full disk needs a small tmpfs mount (root)")
        self.mounted.append(folder)
        free = os.statvfs(folder)
        (folder / "filler").write_bytes(b"\0" * (free.f_bavail * free.f_frsize - free.f_frsize))

    def release(self) -> None:
        for path in reversed(self.locked):
            path.chmod(0o755)
        for folder in reversed(self.mounted):
            subprocess.run(["umount", "-l", str(folder)], check=False)


def _read_only(name: str, files: dict[str, str] | None = None):
    return lambda d, model, mounts: mounts.read_only(d / name, files or {})


def _full(name: str):
    return lambda d, model, mounts: mounts.full(d / name)


# --------------------------------------------------------------------------- the table


@dataclass(frozen=True)
class Fault:
    id: str
    argv: tuple[str, ...]  # "{d}": the row's folder, "{model}": the tiny ko->en Marian
    message: str  # in the error line
    files: dict[str, str | Callable[[Path], str]] = field(default_factory=dict)  # name -> text
    setup: tuple[Callable, ...] = ()  # (d, model) -> None, or (d, model, mounts) -> None
    exit: int = 2
    cwd: str = ""  # relative to the row's folder; default the repository
    new_files_ok: tuple[str, ...] = ()  # name suffixes that may appear (glossary lock files)


A = {"article.txt": ARTICLE}
AG = {"article.txt": ARTICLE, "g.tsv": GLOSSARY}
T = ("translate", "{d}/article.txt", "-m", "{model}", "-q")
PE = {"src.ko": "캐버노는 말했다.\n", "hyp.en": "Cabrino said.\n", "pg.tsv": POSTEDIT_GLOSSARY}
APPLY = ("glossary", "apply", "-s", "{d}/src.ko", "--hyp", "{d}/hyp.en", "-g", "{d}/pg.tsv")
HYP = {"hyp.en": HYP_EN}
EVAL = ("eval", "--corpus", "{d}/seed", "--hyp", "{d}/hyp.en", "--metrics", "chrf")
NAN_GATE = {"hyp.en": HYP_EN}

FAULTS = [
    # ---- translate: outputs onto inputs, outputs onto each other
    Fault("translate-report-is-article", (*T, "--report", "{d}/article.txt"),
          "--report {d}/article.txt is the article {d}/article.txt; refusing to overwrite an input", A),
    Fault("translate-report-is-glossary", (*T, "-g", "{d}/g.tsv", "--report", "{d}/g.tsv"),
          "--report {d}/g.tsv is the glossary {d}/g.tsv; refusing to overwrite an input", AG),
    Fault("translate-output-is-glossary", (*T, "-g", "{d}/g.tsv", "-o", "{d}/g.tsv"),
          "-o {d}/g.tsv is the glossary {d}/g.tsv", AG),
    Fault("translate-output-is-article", (*T, "-o", "{d}/article.txt"), "is the input {d}/article.txt", A),
    Fault("translate-output-is-report", (*T, "-o", "{d}/out.json", "--report", "{d}/out.json"),
          "-o {d}/out.json and --report {d}/out.json are the same file", A),
    Fault("translate-output-symlink-to-article", (*T, "-o", "{d}/link.txt"), "{d}/link.txt is the input {d}/article.txt",
          A, (_link("link.txt", "article.txt"),)),
    Fault("translate-output-hard-link-to-article", (*T, "-o", "{d}/hard.txt"), "{d}/hard.txt is the input {d}/article.txt",
          A, (_hard_link("hard.txt", "article.txt"),)),
    Fault("translate-report-symlink-to-glossary", (*T, "-g", "{d}/g.tsv", "--report", "{d}/r.json"),
          "--report {d}/r.json is the glossary {d}/g.tsv", AG, (_link("r.json", "g.tsv"),)),
    Fault("translate-folder-onto-itself", ("translate", "{d}/in", "-m", "{model}", "-o", "{d}/in/", "-q"),
          "is the input {d}/in/a.txt", setup=(_in_folder,)),
    Fault("translate-report-is-a-folder", (*T, "--report", "{d}/sub"), "cannot write report {d}/sub: it is a folder",
          {**A, "sub/keep.txt": "keep\n"}),
    Fault("translate-report-under-a-file", (*T, "--report", "{d}/article.txt/r.json"),
          "{d}/article.txt is a file, not a folder", A),
    Fault("translate-output-under-a-file", (*T, "-o", "{d}/article.txt/out.txt"), "{d}/article.txt is a file, not a folder", A),
    Fault("translate-output-read-only", (*T, "-o", "{d}/ro/out.txt"), "cannot write {d}/ro/out.txt: ", A, (_read_only("ro"),)),
    Fault("translate-report-full-disk", ("translate", "{d}/long.txt", "-m", "{model}", "-q", "--beams", "1",
                                         "--max-length", "8", "--report", "{d}/full/r.json", "-o", "{d}/out.txt"),
          "cannot write report {d}/full/r.json: No space left on device", {"long.txt": LONG_ARTICLE}, (_full("full"),)),
    # ---- translate: bad articles and models
    Fault("jsonl-nested-100000-deep", ("translate", "{d}/deep.jsonl", "-m", "{model}", "-q"), "nested more than",
          {"deep.jsonl": '{"body": ' + "[" * 100_000 + "]" * 100_000 + "}\n"}),
    Fault("jsonl-nested-in-another-key", ("translate", "{d}/deep.jsonl", "-m", "{model}", "-q"), "nested more than",
          {"deep.jsonl": '{"body": "x", "k": ' + "{\"a\":" * 50_000 + "1" + "}" * 50_000 + "}\n"}),
    Fault("jsonl-lone-surrogate-body", ("translate", "{d}/s.jsonl", "-m", "{model}", "-q"), "lone surrogate",
          {"s.jsonl": '{"body": "서울 \\ud800 시"}\n'}),
    Fault("jsonl-lone-surrogate-title", ("translate", "{d}/s.jsonl", "-m", "{model}", "-q"), "lone surrogate",
          {"s.jsonl": '{"title": "\\udc00", "body": "서울"}\n'}),
    Fault("jsonl-not-json", ("translate", "{d}/b.jsonl", "-m", "{model}", "-q"), "not valid JSON", {"b.jsonl": '{"body": \n'}),
    Fault("jsonl-body-not-a-string", ("translate", "{d}/b.jsonl", "-m", "{model}", "-q"), "must be a string",
          {"b.jsonl": '{"body": 5}\n'}),
    Fault("model-pickle-payload", ("translate", "{d}/article.txt", "-m", "{d}/bad-model", "-q"),
          "pytorch_model.bin is a pickle that would call posix.system; refused", A, (_pickle_model,)),
    Fault("model-safetensors-header-cut", ("translate", "{d}/article.txt", "-m", "{d}/bad-model", "-q"),
          "model.safetensors is damaged", A, (_truncated_header,)),
    Fault("model-safetensors-data-cut", ("translate", "{d}/article.txt", "-m", "{d}/bad-model", "-q"),
          "model.safetensors is damaged (truncated", A, (_truncated_data,)),
    Fault("model-folder-without-config", ("translate", "{d}/article.txt", "-m", "{d}/empty-model", "-q"),
          "has no config.json", {**A, "empty-model/README.md": "no model\n"}),
    Fault("model-folder-missing", ("translate", "{d}/article.txt", "-m", "{d}/no-model", "-q"), "does not exist", A),
    Fault("translate-beams-zero", (*T, "--beams", "0"), "--beams must be at least 1", A),
    Fault("translate-unknown-engine", (*T, "--engine", "nope"), "unknown engine 'nope'", A),
    Fault("translate-unknown-language", (*T, "--from", "ja"), "ja", A),
    Fault("translate-strict-fails", (*T, "-g", "{d}/g.tsv", "--strict", "--beams", "1", "--max-length", "8",
                                           "-o", "{d}/out.txt"), "; nothing written", AG, exit=1),
    # ---- glossary apply
    Fault("apply-output-is-source", (*APPLY, "-o", "{d}/src.ko"), "-o {d}/src.ko is --source {d}/src.ko", PE),
    Fault("apply-output-is-hyp", (*APPLY, "-o", "{d}/hyp.en"), "-o {d}/hyp.en is --hyp {d}/hyp.en", PE),
    Fault("apply-output-is-glossary", (*APPLY, "-o", "{d}/pg.tsv"), "-o {d}/pg.tsv is the glossary {d}/pg.tsv", PE),
    Fault("apply-report-is-hyp", (*APPLY, "-o", "{d}/out.en", "--report", "{d}/hyp.en"), "--report {d}/hyp.en is --hyp", PE),
    Fault("apply-report-is-output", (*APPLY, "-o", "{d}/out.en", "--report", "{d}/out.en"), "are the same file", PE),
    Fault("apply-report-symlink-to-source", (*APPLY, "-o", "{d}/out.en", "--report", "{d}/r.json"), "is --source {d}/src.ko",
          PE, (_link("r.json", "src.ko"),)),
    Fault("apply-misaligned", (*APPLY, "-o", "{d}/out.en"), "they must be aligned line by line",
          {**PE, "hyp.en": "Cabrino said.\nExtra line.\n"}),
    Fault("apply-output-read-only", (*APPLY, "-o", "{d}/ro/out.en"), "cannot write {d}/ro/out.en", PE, (_read_only("ro"),)),
    # ---- glossary export / import
    Fault("export-onto-itself", ("glossary", "export", "{d}/g.tsv", "{d}/g.tsv"), "DEST {d}/g.tsv is SOURCE {d}/g.tsv",
          {"g.tsv": GLOSSARY}),
    Fault("export-onto-a-symlink-to-itself", ("glossary", "export", "{d}/g.tsv", "{d}/g.csv"), "is SOURCE {d}/g.tsv",
          {"g.tsv": GLOSSARY}, (_link("g.csv", "g.tsv"),)),
    Fault("import-onto-itself", ("glossary", "import", "{d}/g.csv", "{d}/g.csv"), "DEST {d}/g.csv is SOURCE",
          {"g.csv": "ko,en\n서울,Seoul\n"}),
    Fault("export-read-only-target", ("glossary", "export", "{d}/g.tsv", "{d}/ro/g.csv"), "cannot write {d}/ro/g.csv",
          {"g.tsv": GLOSSARY}, (_read_only("ro"),)),
    Fault("export-over-read-only-file", ("glossary", "export", "{d}/g.tsv", "{d}/ro/old.csv"), "cannot write {d}/ro/old.csv",
          {"g.tsv": GLOSSARY}, (_read_only("ro", {"old.csv": "ko,en\n"}),)),
    Fault("export-full-disk", ("glossary", "export", "{d}/names.tsv", "{d}/full/names.csv"),
          "cannot write {d}/full/names.csv: No space left on device", {"names.tsv": NAMES}, (_full("full"),)),
    Fault("export-unknown-format", ("glossary", "export", "{d}/g.tsv", "{d}/g.out", "--to", "xlsx"),
          "unknown glossary format 'xlsx'", {"g.tsv": GLOSSARY}),
    Fault("export-to-stdout-without-format", ("glossary", "export", "{d}/g.tsv", "-"), "give --to when writing to stdout",
          {"g.tsv": GLOSSARY}),
    Fault("export-malformed-source", ("glossary", "export", "{d}/g.tsv", "{d}/g.csv"), "expected 7 tab-separated fields",
          {"g.tsv": HEADER + "\n서울\tSeoul\n"}),
    # ---- glossary edits, match, lint, suggest
    Fault("add-duplicate-row", ("glossary", "add", "서울시", "Seoul City", "-g", "{d}/g.tsv"), "is already in the glossary",
          {"g.tsv": GLOSSARY}, new_files_ok=(".lock",)),
    Fault("add-to-missing-file", ("glossary", "add", "서울", "Seoul", "-g", "{d}/none.tsv"), "no such glossary file",
          new_files_ok=(".lock",)),
    Fault("add-hidden-character", ("glossary", "add", "서울\u200b", "Seoul", "-g", "{d}/g.tsv"), "ZERO WIDTH SPACE",
          {"g.tsv": GLOSSARY}),
    Fault("add-read-only-glossary", ("glossary", "add", "부산", "Busan", "-g", "{d}/ro/g.tsv"), "{d}/ro/g.tsv", {},
          (_read_only("ro", {"g.tsv": GLOSSARY}),)),
    Fault("set-unknown-field", ("glossary", "set", "서울시", "colour", "red", "-g", "{d}/g.tsv"), "unknown field 'colour'",
          {"g.tsv": GLOSSARY}),
    Fault("set-value-encoding-cannot-hold", ("glossary", "set", "서울시", "note", "😀", "-g", "{d}/g.tsv"),
          "cannot be written in CP949", {}, (lambda d, model: (d / "g.tsv").write_bytes(GLOSSARY.encode("cp949")),),
          new_files_ok=(".lock",)),
    Fault("remove-unknown-term", ("glossary", "remove", "없는말", "-g", "{d}/g.tsv"), "no glossary row for 없는말",
          {"g.tsv": GLOSSARY}, new_files_ok=(".lock",)),
    Fault("match-text-missing", ("glossary", "match", "{d}/none.txt", "-g", "{d}/g.tsv"), "no such file", {"g.tsv": GLOSSARY}),
    Fault("match-glossary-binary", ("glossary", "match", "{d}/article.txt", "-g", "{d}/g.tsv"), "looks binary", A,
          (lambda d, model: (d / "g.tsv").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"),)),
    Fault("lint-corpus-missing", ("glossary", "lint", "-g", "{d}/g.tsv", "--corpus", "/missing"),
          "corpus text /missing: no such file", {"g.tsv": GLOSSARY}),
    Fault("suggest-misaligned", ("glossary", "suggest", "-s", "{d}/k.txt", "-t", "{d}/e.txt"), "differ in length: 2 vs 1",
          {"k.txt": "서울\n부산\n", "e.txt": "Seoul\n"}),
    Fault("suggest-source-missing", ("glossary", "suggest", "-s", "{d}/k.txt", "-t", "{d}/e.txt"), "no such file",
          {"e.txt": "Seoul\n"}),
    # ---- eval: outputs onto inputs
    Fault("eval-json-is-hyp", (*EVAL, "--json", "{d}/hyp.en"), "--json {d}/hyp.en is the hypothesis {d}/hyp.en", HYP, (_seed,)),
    Fault("eval-html-is-glossary", (*EVAL, "-g", "{d}/g.tsv", "--html", "{d}/g.tsv"), "--html {d}/g.tsv is the glossary",
          {**HYP, "g.tsv": GLOSSARY}, (_seed,)),
    Fault("eval-markdown-is-corpus-manifest", (*EVAL, "--markdown", "{d}/seed/manifest.toml"),
          "is a file in the corpus {d}/seed", HYP, (_seed,)),
    Fault("eval-write-baseline-is-hyp", (*EVAL, "--write-baseline", "{d}/hyp.en"), "--write-baseline {d}/hyp.en is the hypothesis",
          HYP, (_seed,)),
    Fault("eval-json-is-markdown", (*EVAL, "--json", "{d}/r", "--markdown", "{d}/r"), "are the same file", HYP, (_seed,)),
    Fault("eval-json-is-gate-file", ("eval", "--gate", "{d}/gate.toml", "--json", "{d}/gate.toml"),
          "--json {d}/gate.toml is the gate file", {**HYP, "gate.toml": _gate("min_chrf = 1")}, (_seed,)),
    Fault("eval-write-baseline-is-gate-baseline", (*EVAL, "--gate", "{d}/gate.toml", "--write-baseline", "{d}/base.json"),
          "is the gate's baseline {d}/base.json",
          {**HYP, "base.json": _baseline("50.0"), "gate.toml": _gate("max_drop_chrf = 1", "base.json")}, (_seed,)),
    Fault("eval-json-is-baseline-output", (*EVAL, "--baseline", "{d}/base.en", "--json", "{d}/base.en"),
          "--json {d}/base.en is --baseline {d}/base.en", {**HYP, "base.en": WORSE_EN}, (_seed,)),
    Fault("eval-json-full-disk", (*EVAL, "--json", "{d}/full/r.json"), "cannot write --json {d}/full/r.json: No space left",
          HYP, (_seed, _full("full"))),
    Fault("eval-html-read-only", (*EVAL, "--html", "{d}/ro/r.html"), "cannot write --html {d}/ro/r.html", HYP,
          (_seed, _read_only("ro"))),
    # ---- eval: gate bars and baselines
    Fault("gate-bar-nan", ("eval", "--gate", "{d}/gate.toml"), "min_chrf must be a finite number, not nan",
          {**NAN_GATE, "gate.toml": _gate("min_chrf = nan")}, (_seed,)),
    Fault("gate-bar-inf", ("eval", "--gate", "{d}/gate.toml"), "min_chrf must be a finite number, not inf",
          {**NAN_GATE, "gate.toml": _gate("min_chrf = inf")}, (_seed,)),
    Fault("gate-drop-bar-nan", ("eval", "--gate", "{d}/gate.toml"), "max_drop_chrf must be a finite number",
          {**NAN_GATE, "base.json": _baseline("50.0"), "gate.toml": _gate("max_drop_chrf = nan", "base.json")}, (_seed,)),
    Fault("baseline-score-nan", ("eval", "--gate", "{d}/gate.toml"), "score chrf must be a finite number, not nan",
          {**NAN_GATE, "base.json": _baseline("NaN"), "gate.toml": _gate("max_drop_chrf = 1", "base.json")}, (_seed,)),
    Fault("baseline-score-infinity", ("eval", "--gate", "{d}/gate.toml"), "score chrf must be a finite number, not -inf",
          {**NAN_GATE, "base.json": _baseline("-Infinity"), "gate.toml": _gate("max_drop_chrf = 1", "base.json")}, (_seed,)),
    Fault("baseline-nested-deep", ("eval", "--gate", "{d}/gate.toml"), "nested too deeply",
          {**NAN_GATE, "base.json": "[" * 100_000 + "]" * 100_000, "gate.toml": _gate("max_drop_chrf = 1", "base.json")},
          (_seed,)),
    Fault("gate-not-toml", ("eval", "--gate", "{d}/gate.toml"), "not valid TOML", {"gate.toml": "[[check]\n"}),
    Fault("gate-fails", ("eval", "--gate", "{d}/gate.toml"), "quality gate failed",
          {"hyp.en": WORSE_EN, "gate.toml": _gate("min_chrf = 99")}, (_seed,), exit=1),
    Fault("eval-hyp-wrong-line-count", EVAL, "lines but corpus seed has", {"hyp.en": "one line\n"}, (_seed,)),
    Fault("eval-hyp-folder-missing-article", ("eval", "--corpus", "{d}/seed", "--hyp", "{d}/hyps", "--metrics", "chrf"),
          "has no file for article", {"hyps/other.txt": "x\n"}, (_seed,)),
    Fault("eval-unknown-metric", (*EVAL[:-1], "meteor"), "unknown metric 'meteor'", HYP, (_seed,)),
    Fault("eval-hyp-and-model", (*EVAL, "--model", "{model}"), "give exactly one of --hyp and --model", HYP, (_seed,)),
    Fault("eval-corpus-missing", ("eval", "--corpus", "{d}/none", "--hyp", "{d}/hyp.en"), "no corpus", HYP),
    # ---- corpus
    Fault("corpus-import-onto-its-source", ("corpus", "import", "seed", "--from-dir", "{d}/pub", "-o", "{d}/pub", "--force"),
          "-o {d}/pub is --from-dir {d}/pub; refusing to replace an input", setup=(_published_seed,)),
    Fault("corpus-import-into-a-parent-of-its-source", ("corpus", "import", "seed", "--from-dir", "{d}/pub", "-o", "{d}",
                                                        "--force"),
          "-o {d} contains --from-dir {d}/pub", setup=(_published_seed,)),
    Fault("corpus-import-read-only", ("corpus", "import", "seed", "--from-dir", "{d}/pub", "-o", "{d}/ro/seed"),
          "cannot write corpus folder {d}/ro/seed", setup=(_published_seed, _read_only("ro"))),
    Fault("corpus-import-not-empty", ("corpus", "import", "seed", "--from-dir", "{d}/pub", "-o", "{d}/old"),
          "already exists and is not empty", {"old/keep.txt": "keep\n"}, (_published_seed,)),
    Fault("corpus-import-onto-a-file", ("corpus", "import", "seed", "--from-dir", "{d}/pub", "-o", "{d}/file"),
          "is a file, not a corpus folder", {"file": "keep\n"}, (_published_seed,)),
    Fault("corpus-import-misaligned", ("corpus", "import", "seed", "--from-dir", "{d}/pub", "-o", "{d}/new"),
          "segments", {"pub/en.txt": "One.\n\nTwo.\n", "pub/ko.txt": "하나.\n", "pub/README.md": "seed\n"}),
    Fault("corpus-import-missing-dir", ("corpus", "import", "seed", "--from-dir", "{d}/none"), "is not a folder"),
    Fault("corpus-import-unknown-kind", ("corpus", "import", "nope", "--from-dir", "{d}"), "unknown corpus kind 'nope'"),
    Fault("corpus-show-stray-file", ("corpus", "show", "{d}/seed"), "is not an article listed in manifest.toml",
          {"seed/articles/stray.ko.txt": "x\n"}, (_seed,)),
    Fault("corpus-show-unknown-article", ("corpus", "show", "{d}/seed", "--article", "nope"), "nope", setup=(_seed,)),
    Fault("corpus-list-broken-manifest", ("corpus", "list"), "manifest.toml", {"corpora/broken/manifest.toml": "name = \n"},
          cwd="."),
    # ---- models convert
    Fault("convert-onto-itself", ("models", "convert", "{d}/src-model", "{d}/src-model", "--force"),
          "OUT {d}/src-model is SRC {d}/src-model; refusing to replace an input", setup=(_src_model,)),
    Fault("convert-into-a-parent", ("models", "convert", "{d}/src-model", "{d}", "--force"),
          "OUT {d} contains SRC {d}/src-model", setup=(_src_model,)),
    Fault("convert-through-a-symlink", ("models", "convert", "{d}/src-model", "{d}/link", "--force"),
          "OUT {d}/link is SRC {d}/src-model", setup=(_src_model, _link("link", "src-model"))),
    Fault("convert-pickle-payload", ("models", "convert", "{d}/bad-model", "{d}/ct2"), "is a pickle that would call posix.system",
          setup=(_pickle_model,)),
    Fault("convert-truncated-safetensors", ("models", "convert", "{d}/bad-model", "{d}/ct2"), "model.safetensors is damaged",
          setup=(_truncated_data,)),
    Fault("convert-read-only-target", ("models", "convert", "{d}/src-model", "{d}/ro/ct2"), "cannot write OUT {d}/ro/ct2",
          setup=(_src_model, _read_only("ro"))),
    Fault("convert-unknown-quantization", ("models", "convert", "{d}/src-model", "{d}/ct2", "--quantization", "int3"),
          "unknown quantization 'int3'", setup=(_src_model,)),
    Fault("convert-onto-a-file", ("models", "convert", "{d}/src-model", "{d}/file"), "exists and is not a folder",
          {"file": "keep\n"}, (_src_model,)),
]


def _snapshot(folder: Path) -> dict[str, tuple[str, bytes]]:
    """Every path under ``folder``: symlinks by target, files by content, folders as such."""
    out: dict[str, tuple[str, bytes]] = {}
    for path in sorted(folder.rglob("*")):
        rel = str(path.relative_to(folder))
        if path.is_symlink():
            out[rel] = ("link", os.readlink(path).encode())
        elif path.is_file():
            out[rel] = ("file", path.read_bytes())
        else:
            out[rel] = ("folder", b"")
    return out


def test_the_battery_has_at_least_sixty_kinds_of_fault():
    assert len(FAULTS) >= 60 and len({f.id for f in FAULTS}) == len(FAULTS)
    commands = {" ".join(a for a in f.argv[:2] if not a.startswith("{")) for f in FAULTS}
    for command in ("translate", "eval", "glossary add", "glossary set", "glossary remove", "glossary match",
                    "glossary lint", "glossary export", "glossary import", "glossary apply", "glossary suggest",
                    "corpus import", "corpus list", "corpus show", "models convert"):  # fmt: skip
        assert any(c.startswith(command) for c in commands), command


@pytest.mark.parametrize("fault", FAULTS, ids=[f.id for f in FAULTS])
def test_fault_is_one_error_line_and_touches_nothing(fault: Fault, tmp_path: Path, tiny_marian_ko_en: Path):
    d = tmp_path / "case"
    d.mkdir()
    mounts = Mounts()
    try:
        for name, content in fault.files.items():
            (d / name).parent.mkdir(parents=True, exist_ok=True)
            (d / name).write_text(content(d) if callable(content) else content, encoding="utf-8")
        for step in fault.setup:
            if step.__code__.co_argcount == 3:
                step(d, tiny_marian_ko_en, mounts)
            else:
                step(d, tiny_marian_ko_en)
        before = _snapshot(d)
        argv = [a.replace("{d}", str(d)).replace("{model}", str(tiny_marian_ko_en)) for a in fault.argv]
        proc = subprocess.run(
            [sys.executable, "-m", "bilingual", *argv], capture_output=True, text=True, timeout=300, check=False,
            cwd=d / fault.cwd if fault.cwd else REPO, env={**os.environ, "HF_HUB_OFFLINE": "1"},
        )  # fmt: skip
        after = _snapshot(d)
    finally:
        mounts.release()
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert "Traceback" not in proc.stderr, proc.stderr
    assert len(lines) == 1 and lines[0].startswith("error: "), proc.stderr
    assert fault.message.replace("{d}", str(d)) in lines[0], lines[0]
    assert proc.returncode == fault.exit, proc.stderr
    changed = sorted(name for name in before if after.get(name) != before[name])
    assert not changed, f"inputs changed: {changed}"
    new = sorted(name for name in after if name not in before and not name.endswith(fault.new_files_ok or ("\0",)))
    assert not new, f"new files: {new}"
    assert not (d / "PWNED").exists()
