"""``bilingual batch --ray``: Ray Data over an actor pool, on a local Ray cluster started for this module.

Every run here is compared byte for byte with the single-process run of the same settings.
"""

from __future__ import annotations

import json
import os
import signal
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bilingual.archive.journal import Done, journal_path, read_journal
from bilingual.archive.ray_runner import ArchiveActor, EngineSpec, RayOptions, in_chunk_order, read_chunks, run_archive_on_ray
from bilingual.archive.records import Columns
from bilingual.archive.run import run_settings, translate_archive
from bilingual.engines.base import GenerationOptions
from bilingual.errors import InputError, OutputError

OPTIONS = GenerationOptions(beams=2, max_length=24)


@pytest.fixture(scope="module")
def ray_cluster():
    """A local Ray with 2 CPUs for the whole module, shut down after."""
    try:
        import ray
    except ModuleNotFoundError:
        pytest.skip("ray is not installed (pip install -e '.[ray]')")
    from ray import cloudpickle

    cloudpickle.register_pickle_by_value(sys.modules[__name__])  # the test's actor classes travel to the workers
    try:
        ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    except Exception as exc:  # noqa: BLE001 - any failure to start is a reason to skip, named
        pytest.skip(f"a local Ray cannot start here: {exc}")
    yield ray
    ray.shutdown()
    cloudpickle.unregister_pickle_by_value(sys.modules[__name__])


@pytest.fixture(scope="module")
def tiny_ct2(tmp_path_factory, tiny_marian_ko_en: Path) -> Path:
    from bilingual.engines.ctranslate2.convert import convert

    return convert(tiny_marian_ko_en, tmp_path_factory.mktemp("ray-ct2") / "ct2", "int8")


def _articles(n: int) -> list[dict]:
    """n Korean articles of 0 to 3 paragraphs (so they finish in different batches), with other keys."""
    rows = []
    for i in range(n):
        body = "\n\n".join(f"서울시는 요금을 {i * 10 + k}원 올린다고 밝혔다. 시민들은 반대했다." for k in range(i % 4))
        rows.append({"id": f"a{i}", "title": f"서울시 버스 요금 인상 {i}", "body": body or None, "score": i + 0.5})
    return rows


def _write_jsonl(path: Path, rows: list[dict]) -> Path:
    text = "".join('{"id": "%s",  "title": %s, "body": %s, "score": %r}\n' % (r["id"], json.dumps(r["title"]), json.dumps(r["body"], ensure_ascii=False), r["score"]) for r in rows)  # fmt: skip
    data = text.encode("utf-8")
    if path.name.endswith(".zst"):
        import zstandard

        data = zstandard.ZstdCompressor().compress(data)
    path.write_bytes(data)
    return path


def _glossary(folder: Path) -> Path:
    path = folder / "terms.tsv"
    path.write_text("서울시\tSeoul Metropolitan Government\n시민들\tcitizens\n", encoding="utf-8")
    return path


def _spec(model: Path, glossary: Path) -> EngineSpec:
    from bilingual.glossary import load_glossaries

    return EngineSpec.of(str(model), source_lang="ko", target_lang="en", options=OPTIONS, glossary=load_glossaries([glossary]))


def _settings(src: Path, out: Path, model: Path, window: int, order: str, glossary: Path) -> dict:
    return run_settings(src, output_format="jsonl.zst" if out.name.endswith(".zst") else "jsonl", model=str(model),
                        source_lang="ko", target_lang="en", options=OPTIONS, window=window, order=order,
                        glossaries=[glossary])  # fmt: skip


def _single(src: Path, out: Path, model: Path, window: int, order: str, glossary: Path):
    return translate_archive(src, out, model=str(model), source_lang="ko", target_lang="en", options=OPTIONS,
                             window=window, order=order, glossaries=[glossary])  # fmt: skip


def _journal_records(out: Path) -> list[int]:
    state = read_journal(journal_path(out))
    assert state is not None and state.complete is not None
    return [e["record"] for e in state.entries]


# --------------------------------------------------------------------------------------
# without a cluster
# --------------------------------------------------------------------------------------
def test_chunks_hold_whole_windows_and_skip_the_windows_already_written(tmp_path: Path):
    src = _write_jsonl(tmp_path / "in.jsonl", _articles(11))
    done = Done()
    for index in (0, 1, 2, 4):  # window 0 whole, window 1 in part
        done.add(index)
    chunks = list(read_chunks(src, columns=Columns(), window=3, windows_per_chunk=2, done=done))
    assert [[(k, [r.index for r in rs]) for k, rs in c.windows] for c in chunks] == [
        [(1, [3, 4, 5]), (2, [6, 7, 8])],
        [(3, [9, 10])],
    ]
    assert [(c.number, c.final, c.total) for c in chunks] == [(0, False, 0), (1, True, 11)]
    everything = Done()
    for index in range(11):
        everything.add(index)
    assert [(c.windows, c.final, c.total) for c in read_chunks(src, columns=Columns(), window=3, windows_per_chunk=2, done=everything)] == [([], True, 11)]


def test_chunks_are_put_in_order_once_and_a_missing_last_chunk_is_an_error():
    from bilingual.archive.ray_runner import ChunkResult

    results = [ChunkResult(1), ChunkResult(0), ChunkResult(1), ChunkResult(2, final=True)]
    assert [r.number for r in in_chunk_order(results)] == [0, 1, 2]
    with pytest.raises(OutputError, match="Ray returned chunks 0 to 0 but not chunk 1; run again with --resume"):
        list(in_chunk_order([ChunkResult(0), ChunkResult(2, final=True)]))


def test_ray_options_are_checked_before_anything_starts():
    with pytest.raises(InputError, match="--ray-batch-size must be a positive multiple of --window 4 .got 6."):
        RayOptions(batch_size=6).check(4)
    with pytest.raises(InputError, match="--ray-actors must be at least 1"):
        RayOptions(actors=0).check(4)
    assert RayOptions(batch_size=12).windows_per_chunk(4) == 3 and RayOptions().windows_per_chunk(4) == 1


# --------------------------------------------------------------------------------------
# on the local cluster
# --------------------------------------------------------------------------------------
class DiesOnItsFirstChunk(ArchiveActor):
    """An actor whose process exits (no exception, no cleanup) on the first chunk any actor of the pool
    gets: the marker file says that it happened."""

    marker = ""  # set by the test before the class is shipped to the workers

    def __call__(self, batch):
        try:
            fd = os.open(self.marker, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
        except FileExistsError:
            return super().__call__(batch)
        os.write(fd, str(os.getpid()).encode())
        os.close(fd)
        os._exit(1)


class StopAfter(Exception):
    """Stands for the driver being killed after some articles were written."""


def test_ctranslate2_on_ray_survives_a_dead_actor_and_a_stopped_run_with_the_single_process_bytes(
    ray_cluster, tmp_path: Path, tiny_ct2: Path, monkeypatch
):  # fmt: skip
    src = _write_jsonl(tmp_path / "in.jsonl.zst", _articles(14))
    glossary = _glossary(tmp_path)
    single = _single(src, tmp_path / "single.jsonl.zst", tiny_ct2, window=2, order="finished", glossary=glossary)
    expected = (tmp_path / "single.jsonl.zst").read_bytes()
    out = tmp_path / "ray.jsonl.zst"
    marker = tmp_path / "died"

    def stop(item, result):
        if result.translated == 5:
            raise StopAfter

    monkeypatch.setattr(DiesOnItsFirstChunk, "marker", str(marker))
    run = dict(settings=_settings(src, out, tiny_ct2, 2, "finished", glossary), window=2, order="finished",
               ray_options=RayOptions(actors=2, batch_size=4), actor=DiesOnItsFirstChunk)  # fmt: skip
    spec = _spec(tiny_ct2, glossary)
    with pytest.raises(StopAfter):
        run_archive_on_ray(src, out, spec, on_article=stop, **run)
    assert marker.is_file()  # an actor died on its first chunk; Ray restarted it and sent the chunk again
    assert not out.exists()
    resumed = run_archive_on_ray(src, out, spec, resume=True, **run)
    assert resumed.kept == 5 and resumed.translated == 9 and resumed.articles == 14
    assert out.read_bytes() == expected
    order = _journal_records(tmp_path / "single.jsonl.zst")
    assert _journal_records(out) == order and sorted(order) == list(range(14))  # every article once, in the same order
    # the actors enforced the glossary as the single process did (its term events came back with the articles)
    assert sum(single.terms.values()) > 0 and sum(resumed.terms.values()) > 0


def _cli(*args: str):
    from bilingual.cli.app import app

    return CliRunner().invoke(app, list(args))


def _main(*args: str) -> tuple[int, list[str]]:
    """The console script's main() in this process (where Ray is already started): exit status, stderr lines."""
    import contextlib
    import io

    from bilingual.cli.app import main

    err = io.StringIO()
    saved = sys.argv, {n: signal.getsignal(n) for n in (signal.SIGTERM, signal.SIGHUP)}
    sys.argv = ["bilingual", *args]
    try:
        with contextlib.redirect_stderr(err):
            main()
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    finally:
        sys.argv = saved[0]
        for signum, handler in saved[1].items():  # main() installs its own
            signal.signal(signum, handler)
    return code, err.getvalue().strip().splitlines()


def test_batch_ray_with_a_tiny_transformers_model_on_parquet(ray_cluster, tmp_path: Path, tiny_marian_ko_en: Path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    src = tmp_path / "in.parquet"
    pq.write_table(pa.Table.from_pylist(_articles(7)), src, row_group_size=3)
    common = ["-m", str(tiny_marian_ko_en), "--from", "ko", "--beams", "1", "--max-length", "16", "--window", "2", "-q"]
    single = _cli("batch", str(src), "-o", str(tmp_path / "single.parquet"), *common)
    assert single.exit_code == 0, single.output
    on_ray = _cli("batch", str(src), "-o", str(tmp_path / "ray.parquet"), *common, "--ray", "--ray-actors", "1", "--ray-batch-size", "4")
    assert on_ray.exit_code == 0, on_ray.output
    assert (tmp_path / "ray.parquet").read_bytes() == (tmp_path / "single.parquet").read_bytes()
    assert pq.read_table(tmp_path / "ray.parquet").column("id").to_pylist() == [f"a{i}" for i in range(7)]


def test_batch_ray_options_are_refused_before_ray_starts(tmp_path: Path):
    src = _write_jsonl(tmp_path / "in.jsonl", _articles(3))
    out = str(tmp_path / "o.jsonl")
    assert _main("batch", str(src), "-o", out, "-m", "fake", "--ray-actors", "2") == (2, ["error: --ray-actors needs --ray"])
    assert _main("batch", str(src), "-o", out, "-m", "fake", "--ray", "--window", "2", "--ray-batch-size", "3") == (
        2, ["error: --ray-batch-size must be a positive multiple of --window 2 (got 3)"],
    )  # fmt: skip


def test_a_bad_record_read_on_ray_is_one_error_line(ray_cluster, tmp_path: Path, tiny_ct2: Path):
    bad = tmp_path / "bad.jsonl"
    bad.write_bytes(_write_jsonl(tmp_path / "in.jsonl", _articles(3)).read_bytes() + b'{"id": "x", "title": 5}\n')
    code, lines = _main("batch", str(bad), "-o", str(tmp_path / "o.jsonl"), "-m", str(tiny_ct2), "--from", "ko", "--ray", "--window", "1", "-q")
    assert code == 2 and len(lines) == 1 and lines[0].startswith(f"error: {bad}: line 4"), lines
