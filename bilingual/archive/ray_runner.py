"""``bilingual batch --ray``: the archive translated by Ray Data, on one machine or a cluster.

The run is the single-process run of :mod:`bilingual.archive.run` with the
translation moved to a pool of Ray actors:

1. One Ray read task reads the input with :func:`~bilingual.archive.records.read_records`
   (the same reader, so the same records), takes them ``window`` at a time
   exactly as the single-process run does, drops the windows a resumed run has
   already written whole, and packs the others into *chunks* of
   ``batch_size / window`` windows. Each chunk is one row of the dataset, so
   Ray never splits a window. The task runs on the driver's node and needs no
   CPU of its own; the input must be readable there.
2. ``map_batches`` sends each chunk to one actor of an actor pool
   (``ActorPoolStrategy``). Each actor loads the engine once from an
   :class:`EngineSpec` (the model path and the glossary's data, never live
   objects) and translates the chunk's windows one by one with
   :func:`~bilingual.archive.stream.translate_window`: the same
   :class:`~bilingual.translation.pipeline.Translator`, the same batches and
   the same order within each window as the single-process run.
3. The driver takes the chunks back in chunk order (a chunk that arrives
   early waits), writes every article through
   :class:`~bilingual.archive.journal.ArchiveWriter` (the same journal, the
   same ``--resume``) and checks that every chunk came once and every article
   of the input is in the output.

An actor that dies (a crash, a lost node) is restarted by Ray and its chunks
are sent again (``max_restarts``, ``max_task_retries``); a chunk that arrives
twice is written once, and an article already written is never written again,
so a retried task neither loses nor duplicates articles. The output is byte
for byte the single-process run's with the same settings (the journal's
settings do not mention Ray: a Ray run can be resumed without Ray and back).
"""

from __future__ import annotations

import contextlib
import logging
import os
import pickle
import warnings
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from bilingual.archive.journal import Done
from bilingual.archive.records import Columns, Record, archive_format, read_records
from bilingual.archive.stream import Order, Translated, check_stream_options, translate_window, windows
from bilingual.engines.base import GenerationOptions
from bilingual.errors import BilingualError, EngineError, InputError, OutputError

if TYPE_CHECKING:
    import pyarrow

    from bilingual.archive.run import ArchiveResult
    from bilingual.glossary.terms import Glossary
    from bilingual.translation.pipeline import Translator

__all__ = [
    "INSTALL_RAY",
    "ArchiveActor",
    "Chunk",
    "ChunkResult",
    "EngineSpec",
    "RayOptions",
    "read_chunks",
    "run_archive_on_ray",
]

INSTALL_RAY = "pip install -e '.[ray]' (from the checkout)"
# An actor that dies is restarted without limit (a lost node, a preempted pod);
# a chunk is sent again at most this many times before the run stops.
TASK_RETRIES = 3
# Chunks handed to one actor at a time. One: a chunk takes seconds, so the actor waits
# milliseconds between two; with more queued, finished chunks came back in bursts in our runs
# (Ray 2.60), later than they were done.
TASKS_IN_FLIGHT_PER_ACTOR = 1

OnArticle = Callable[[Translated, "ArchiveResult"], None]


@dataclass(frozen=True)
class RayOptions:
    """Where and how wide a Ray run is.

    ``address``: None starts a local Ray with this machine's CPUs (or joins
    the cluster named by ``RAY_ADDRESS``, as ``ray.init()`` does); ``"auto"``
    joins the cluster this machine is part of; ``"ray://HOST:10001"`` connects
    as a Ray client; ``"HOST:6379"`` joins the cluster whose head is there.
    ``actors``: actors in the pool (default: the cluster's CPUs divided by the
    CPUs one actor takes). ``batch_size``: articles handed to an actor at a
    time, a multiple of the window (default: one window).
    """

    address: str | None = None
    actors: int | None = None
    batch_size: int | None = None

    def check(self, window: int) -> RayOptions:
        """InputError for fewer than one actor, a batch size that is not a multiple of ``window``,
        or no ray library to run with; returns self."""
        import importlib.util

        if self.actors is not None and self.actors < 1:
            raise InputError(f"--ray-actors must be at least 1 (got {self.actors})")
        if self.batch_size is not None and (self.batch_size < 1 or self.batch_size % window):
            raise InputError(f"--ray-batch-size must be a positive multiple of --window {window} (got {self.batch_size})")
        if self.address is not None and not self.address.strip():
            raise InputError("--ray-address must not be empty")
        if importlib.util.find_spec("ray") is None:
            raise InputError(f"--ray needs the ray library: {INSTALL_RAY}")
        return self

    def windows_per_chunk(self, window: int) -> int:
        """Windows in one chunk (one Ray batch)."""
        return max(1, (self.batch_size or window) // window)


@dataclass(frozen=True)
class EngineSpec:
    """What an actor needs to load the engine: the same arguments as
    :func:`~bilingual.translation.files.load_translator`, all plain data.

    ``model`` is a Hub id or a folder path that every node can read (a
    resolved path for a local folder); ``glossary`` is the glossary's data,
    already read and merged on the driver.
    """

    model: str
    source_lang: str
    target_lang: str
    engine: str | None = None
    engine_options: Mapping[str, str] = field(default_factory=dict)
    revision: str | None = None
    device: str = "cpu"
    threads: int = 1
    compute_type: str | None = None
    options: GenerationOptions = GenerationOptions()
    glossary: Glossary | None = None

    @classmethod
    def of(cls, model: str, **kwargs: Any) -> EngineSpec:
        """A spec for ``model``, with a local folder given by its resolved path and the glossary without caches."""
        if os.path.isdir(model):
            model = os.path.realpath(model)
        glossary = kwargs.pop("glossary", None)
        if glossary is not None:
            glossary = replace(glossary, _cache={})
        return cls(model=model, glossary=glossary, **kwargs)

    def load(self) -> Translator:
        """The translator this spec describes (loads the model)."""
        from bilingual.translation.files import load_translator

        return load_translator(
            self.model, source_lang=self.source_lang, target_lang=self.target_lang, glossary=self.glossary,
            engine=self.engine, engine_options=dict(self.engine_options), revision=self.revision, device=self.device,
            threads=self.threads, compute_type=self.compute_type, options=self.options,
        )  # fmt: skip


@dataclass
class Chunk:
    """One row of the dataset: consecutive windows still to translate, each ``(number, records)``.

    The last chunk has ``final`` set and ``total``, the number of records in
    the input; it may have no windows (an empty input, or every window done).
    """

    number: int
    windows: list[tuple[int, list[Record]]] = field(default_factory=list)
    final: bool = False
    total: int = 0


@dataclass
class ChunkResult:
    """A chunk translated: each window's articles in the order they are written."""

    number: int
    windows: list[tuple[int, list[Translated]]] = field(default_factory=list)
    expected: list[list[int]] = field(default_factory=list)  # the input positions of each window
    final: bool = False
    total: int = 0


def _table(number: int, value: object) -> pyarrow.Table:
    import pyarrow as pa

    return pa.table({"chunk": pa.array([number], pa.int64()), "data": pa.array([pickle.dumps(value)], pa.binary())})


def read_chunks(
    input: str | os.PathLike[str], *, columns: Columns, window: int, windows_per_chunk: int, done: Done, format: str | None = None
) -> Iterator[Chunk]:
    """The chunks of a run: the input's windows not written whole yet (see ``done``),
    ``windows_per_chunk`` at a time, the last one marked ``final``."""
    records = read_records(input, columns=columns, format=format)
    total = 0
    number = 0
    current = Chunk(number=0)
    for k, chunk in enumerate(windows(records, window)):
        total += len(chunk)
        if all(r.index in done for r in chunk):
            continue
        if len(current.windows) == windows_per_chunk:
            yield current
            number += 1
            current = Chunk(number=number)
        current.windows.append((k, chunk))
    current.final, current.total = True, total
    yield current


class ArchiveActor:
    """One actor of the pool: loads the engine once, then translates one chunk per call.

    Made from :meth:`bound`, a subclass that holds the spec and the order as
    class attributes: they travel with the class, so Ray restarts a dead actor
    without keeping constructor arguments in its object store. Called by Ray
    Data with a batch (a ``pyarrow.Table``) of chunk rows; returns a table of
    the same rows with each chunk's :class:`ChunkResult`.
    """

    spec: EngineSpec | None = None
    order: str = "input"

    @classmethod
    def bound(cls, spec: EngineSpec, order: str) -> type[ArchiveActor]:
        """A subclass of this class whose actors load ``spec`` and write windows in ``order``."""
        return type(cls.__name__, (cls,), {"spec": spec, "order": order, "__module__": cls.__module__})

    def __init__(self) -> None:
        if self.spec is None:
            raise EngineError(f"{type(self).__name__} has no engine spec; make the actor class with {type(self).__name__}.bound(spec, order)")
        self.translator = self.spec.load()
        self.warm_up()

    def warm_up(self) -> None:
        """Load what the first window would load (the sentence splitters), so that the pool's actors
        do it side by side before Ray hands them chunks; translates nothing."""
        from bilingual.formats.text import parse_text

        self.translator.prepare_documents([parse_text("서울. Seoul.", headline=False)])

    def __call__(self, batch: pyarrow.Table) -> pyarrow.Table:
        import pyarrow as pa

        numbers, data = [], []
        for value in batch.column("data").to_pylist():
            result = self.translate(pickle.loads(value))
            numbers.append(result.number)
            data.append(pickle.dumps(result))
        return pa.table({"chunk": pa.array(numbers, pa.int64()), "data": pa.array(data, pa.binary())})

    def translate(self, chunk: Chunk) -> ChunkResult:
        """Every window of ``chunk`` translated as the single-process run translates it."""
        result = ChunkResult(number=chunk.number, final=chunk.final, total=chunk.total)
        for number, records in chunk.windows:
            items = list(translate_window(records, self.translator, order=self.order, number=number))
            result.windows.append((number, items))
            result.expected.append([r.index for r in records])
        return result


class _ChunkSource:
    """A Ray Data datasource with one read task: :func:`read_chunks`, one chunk per block."""

    def __init__(
        self, input: str, fmt: str, columns: Columns, window: int, windows_per_chunk: int, done: Done, *, local: bool = True
    ) -> None:
        self.args = (input, fmt, columns, window, windows_per_chunk, done)
        self.local = local  # read on the driver's node (a Ray client's reads run on the cluster instead)

    def datasource(self) -> Any:
        from ray.data import Datasource, ReadTask
        from ray.data.block import BlockMetadata

        input, fmt, columns, window, per_chunk, done = self.args
        local = self.local

        def read() -> Iterable[pyarrow.Table]:
            for chunk in read_chunks(input, columns=columns, window=window, windows_per_chunk=per_chunk, done=done, format=fmt):
                yield _table(chunk.number, chunk)

        class ChunkDatasource(Datasource):  # type: ignore[misc]
            def get_read_tasks(self, parallelism: int, per_task_row_limit: int | None = None, data_context: Any = None) -> list[Any]:
                meta = BlockMetadata(num_rows=None, size_bytes=None, exec_stats=None, input_files=(input,))
                return [ReadTask(read, meta)]

            def estimate_inmemory_data_size(self) -> int | None:
                return None

            def get_name(self) -> str:
                return "ReadArchive"

            @property
            def supports_distributed_reads(self) -> bool:
                return not local  # False: Ray Data runs the read task on the driver's node

        return ChunkDatasource()


@contextlib.contextmanager
def ray_session(options: RayOptions, *, quiet: bool = False) -> Iterator[Any]:
    """The ``ray`` module, connected: an existing connection of this process is used as it is;
    otherwise Ray is started (or joined, see :class:`RayOptions`) and shut down at the end."""
    try:
        import ray
    except ModuleNotFoundError:
        raise InputError(f"--ray needs the ray library: {INSTALL_RAY}") from None
    if ray.is_initialized():
        yield ray
        return
    try:
        ray.init(address=options.address, include_dashboard=False, logging_level=logging.ERROR, log_to_driver=not quiet)
    except (ConnectionError, ValueError, RuntimeError) as exc:
        where = options.address or "a local Ray"
        raise EngineError(f"--ray: cannot start or reach {where}: {str(exc).splitlines()[0] if str(exc) else type(exc).__name__}") from None
    try:
        yield ray
    finally:
        ray.shutdown()


def _cluster_actors(ray: Any, spec: EngineSpec) -> int:
    cpus = float(ray.cluster_resources().get("CPU", 1))
    return max(1, int(cpus // max(1, spec.threads)))


def _bilingual_error(exc: BaseException) -> BilingualError | None:
    """The library error a Ray error carries (a bad record in the read task, an engine error in an actor)."""
    from ray.exceptions import RayError

    seen: set[int] = set()
    todo: list[BaseException] = [exc]
    while todo:
        current = todo.pop(0)
        if id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, BilingualError) and not isinstance(current, RayError):
            return current  # not Ray's copy that also derives from the error's class
        todo.extend(e for e in (getattr(current, "cause", None), current.__cause__, current.__context__) if isinstance(e, BaseException))
    return None


def in_chunk_order(results: Iterable[ChunkResult]) -> Iterator[ChunkResult]:
    """``results`` by chunk number from 0, each once (a chunk that came twice, after a retry, is dropped);
    OutputError if a chunk is missing when the results end."""
    waiting: dict[int, ChunkResult] = {}
    following = 0
    final: int | None = None
    for result in results:
        if result.number < following or result.number in waiting:
            continue
        waiting[result.number] = result
        while following in waiting:
            ready = waiting.pop(following)
            following += 1
            if ready.final:
                final = ready.number
            yield ready
    if final is None:
        raise OutputError(f"Ray returned chunks 0 to {following - 1} but not chunk {following}; run again with --resume")


def _dataset_results(ray: Any, source: _ChunkSource, spec: EngineSpec, order: str, actors: int, actor: type[ArchiveActor]) -> Iterator[ChunkResult]:
    import ray.util.client
    from ray.data import ActorPoolStrategy

    source.local = not ray.util.client.ray.is_connected()

    with warnings.catch_warnings():
        # max_restarts and max_task_retries have no named parameter yet in Ray 2.60 (pinned): only the
        # deprecated keyword form limits the retries of a chunk that kills its actor every time
        warnings.simplefilter("ignore", DeprecationWarning)
        dataset = ray.data.read_datasource(source.datasource(), num_cpus=0).map_batches(
            actor.bound(spec, order), batch_size=1, batch_format="pyarrow",
            compute=ActorPoolStrategy(size=actors, max_tasks_in_flight_per_actor=TASKS_IN_FLIGHT_PER_ACTOR),
            num_cpus=spec.threads, num_gpus=1 if spec.device.startswith("cuda") else None,
            max_restarts=-1, max_task_retries=TASK_RETRIES,
        )  # fmt: skip
    # one block (one chunk) at a time, as soon as it is ready (iter_rows would wait for 256 of them)
    for batch in dataset.iter_batches(batch_size=None, batch_format="pyarrow", prefetch_batches=1):
        for value in batch.column("data").to_pylist():
            yield pickle.loads(value)


@contextlib.contextmanager
def _data_context(ray: Any, *, quiet: bool = False) -> Iterator[None]:
    """Ray Data settings for this run, restored after: one chunk per block (so chunks spread over
    the actors), results in chunk order, no progress bars; on stderr only Ray Data's warnings (none
    with ``quiet``): its errors become the run's one error line, and its full log stays in the Ray
    session's ``logs/ray-data`` folder."""
    context = ray.data.DataContext.get_current()
    saved = (context.target_max_block_size, context.execution_options.preserve_order, context.enable_progress_bars)
    context.target_max_block_size = 1  # every chunk row is larger: each becomes a block of its own
    context.execution_options.preserve_order = True
    context.enable_progress_bars = False
    consoles = [h for h in logging.getLogger("ray.data").handlers if isinstance(h, logging.StreamHandler) and not isinstance(h, logging.FileHandler)]
    only_warnings = _LevelFilter(logging.CRITICAL + 1 if quiet else logging.WARNING, logging.ERROR)
    for handler in consoles:
        handler.addFilter(only_warnings)
    try:
        yield
    finally:
        context.target_max_block_size, context.execution_options.preserve_order, context.enable_progress_bars = saved
        for handler in consoles:
            handler.removeFilter(only_warnings)


class _LevelFilter(logging.Filter):
    """Passes the log records from level ``low`` up to, not including, ``high``."""

    def __init__(self, low: int, high: int) -> None:
        super().__init__()
        self.low, self.high = low, high

    def filter(self, record: logging.LogRecord) -> bool:
        # the one warning Ray Data gives because this run turns its progress bars off
        return self.low <= record.levelno < self.high and not record.getMessage().startswith("Progress bars disabled")


def run_archive_on_ray(
    input: str | os.PathLike[str],
    output: str | os.PathLike[str],
    spec: EngineSpec,
    *,
    settings: Mapping[str, Any],
    columns: Columns = Columns(),
    window: int = 64,
    order: Order | str = "input",
    resume: bool = False,
    ray_options: RayOptions = RayOptions(),
    on_article: OnArticle | None = None,
    quiet: bool = False,
    actor: type[ArchiveActor] = ArchiveActor,
) -> ArchiveResult:
    """Translate the archive ``input`` into ``output`` on Ray (see the module text).

    ``settings`` are the journal's (:func:`~bilingual.archive.run.run_settings`);
    ``actor`` is the class each actor of the pool is made from.
    """
    from bilingual.archive.run import open_output

    check_stream_options(window, order)
    ray_options.check(window)
    with open_output(input, output, settings=settings, resume=resume, columns=columns) as (writer, result):
        if result.already_complete:
            return result
        source = _ChunkSource(os.fspath(input), archive_format(input), columns, window, ray_options.windows_per_chunk(window), writer.done)
        total = 0
        with ray_session(ray_options, quiet=quiet) as ray, _data_context(ray, quiet=quiet):
            actors = ray_options.actors or _cluster_actors(ray, spec)
            for chunk in in_chunk_order(_library_errors(_dataset_results(ray, source, spec, order, actors, actor))):
                total = chunk.total
                for (number, items), expected in zip(chunk.windows, chunk.expected, strict=True):
                    _check_window(number, items, expected)
                    for item in items:
                        if writer.write(item.record):
                            result.count(item)
                            if on_article is not None:
                                on_article(item, result)
                    writer.end_window(number)
        if writer.done.count != total:
            raise OutputError(f"{total - writer.done.count} of the input's {total} articles were not written; run again with --resume")
        writer.finish()
    return result


def _library_errors(results: Iterator[ChunkResult]) -> Iterator[ChunkResult]:
    """``results``, with an error of the Ray run turned into the library error it carries
    (or an EngineError naming it)."""
    while True:
        try:
            result = next(results)
        except StopIteration:
            return
        except Exception as exc:  # Ray's errors derive from the error they carry: unwrap them all
            error = _bilingual_error(exc)
            if error is not None:
                raise error from None
            raise EngineError(f"the Ray run failed: {_first_line(exc)}") from None
        yield result


def _check_window(number: int, items: list[Translated], expected: list[int]) -> None:
    got = sorted(item.record.index for item in items)
    if got != sorted(expected):
        raise OutputError(f"window {number} came back from Ray with articles {got[:5]}... instead of {expected[:5]}...")


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[-1] if text else type(exc).__name__
