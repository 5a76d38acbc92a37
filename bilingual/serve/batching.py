"""Cross-request batching: the segments of concurrent requests share engine batches.

Each request runs the ordinary :class:`~bilingual.translation.pipeline.Translator`
in a worker thread, over a :class:`BatchedEngine`. Its ``translate_batch`` hands
the request's segments (with their token counts) to the direction's
:class:`Batcher`, an asyncio task on the server's event loop, and blocks until
they are translated. The batcher takes the first waiting job, then everything
else already waiting, then waits at most ``wait_ms`` for more while it holds
fewer than ``batch_size`` segments; it sorts the distinct segments of all those
jobs by length and cuts them into batches with the CLI's budget (at most
``batch_size`` segments and ``batch_size * TOKENS_PER_SLOT`` padded tokens),
runs each batch in the direction's one engine thread, and resolves each job as
soon as all of its segments are done. With ``cross_request=False`` it takes one
job at a time (one-request-at-a-time serving, for comparison).

The number of segments waiting is bounded (``max_waiting``): past it
:meth:`Batcher.submit` raises :class:`Overloaded`, which the app answers with
429 and ``Retry-After``.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace

from bilingual.engines.base import Engine, GenerationOptions, Translation
from bilingual.translation.pipeline import _batches

# A request's Translator hands all its segments over in one call; the batcher
# cuts them into engine batches of the configured size.
WHOLE_REQUEST = 1 << 20


class Overloaded(Exception):
    """More segments are waiting than the batcher takes."""


@dataclass
class BatchStats:
    """What a batcher has done since it started (for ``/metrics``)."""

    batches: int = 0
    segments: int = 0
    jobs: int = 0
    shared_batches: int = 0  # batches that held segments of more than one job
    largest_share: int = 0  # most jobs in one batch
    waiting: int = 0  # segments waiting now
    engine_seconds: float = 0.0


@dataclass(eq=False)  # compared by identity
class _Job:
    texts: list[str]
    counts: list[int]
    options: GenerationOptions
    future: asyncio.Future
    results: dict[str, Translation] = field(default_factory=dict)
    shared: int = 1  # most jobs that shared one of its batches


def _key(options: GenerationOptions) -> tuple[int, int, int]:
    return (options.beams, options.max_length, options.min_length)


class Batcher:
    """One direction's queue in front of its engine (see the module docstring)."""

    def __init__(
        self,
        engine: Engine,
        *,
        batch_size: int = 16,
        wait_ms: float = 5.0,
        cross_request: bool = True,
        max_waiting: int = 4096,
    ) -> None:
        self.engine = engine
        self.batch_size = batch_size
        self.wait_s = max(0.0, wait_ms) / 1000.0
        self.cross_request = cross_request
        self.max_waiting = max_waiting
        self.stats = BatchStats()
        self._queue: asyncio.Queue[_Job] | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._task: asyncio.Task | None = None
        self._executor = ThreadPoolExecutor(1, thread_name_prefix=f"engine-{engine.source_lang}-{engine.target_lang}")

    # life ---------------------------------------------------------------------

    def start(self) -> None:
        """Start the batching task on the running event loop."""
        self._loop = asyncio.get_running_loop()
        self._queue = asyncio.Queue()
        self._task = self._loop.create_task(self._run(), name="batcher")

    async def stop(self) -> None:
        """Stop taking jobs, fail the ones still waiting, and let the engine thread finish."""
        if self._task is not None:
            self._task.cancel()
            try:
                await self._task
            except asyncio.CancelledError:
                pass
        while self._queue is not None and not self._queue.empty():
            job = self._queue.get_nowait()
            self._resolve(job, Overloaded("the server is shutting down"))
        self._executor.shutdown(wait=True)

    # submitting ---------------------------------------------------------------

    async def submit(self, texts: list[str], counts: list[int], options: GenerationOptions) -> tuple[list[Translation], int]:
        """Translate ``texts`` (token ``counts``) together with other jobs: (one result per text, the most
        jobs that shared one of its batches). Overloaded when too many segments wait already."""
        if self._queue is None or self._loop is None:
            raise RuntimeError("the batcher is not started")
        if self.stats.waiting + len(texts) > self.max_waiting and self.stats.waiting:
            raise Overloaded(f"{self.stats.waiting} segments are waiting")
        job = _Job(list(texts), list(counts), options, self._loop.create_future())
        self.stats.waiting += len(texts)
        self.stats.jobs += 1
        self._queue.put_nowait(job)
        await job.future
        return [job.results[text] for text in job.texts], job.shared

    def submit_from_thread(self, texts: list[str], counts: list[int], options: GenerationOptions) -> tuple[list[Translation], int]:
        """:meth:`submit` from a worker thread (blocks until done)."""
        if self._loop is None:
            raise RuntimeError("the batcher is not started")
        return asyncio.run_coroutine_threadsafe(self.submit(texts, counts, options), self._loop).result()

    # the task -------------------------------------------------------------------

    async def _run(self) -> None:
        assert self._queue is not None and self._loop is not None
        while True:
            jobs = [await self._queue.get()]
            if self.cross_request:
                while not self._queue.empty():
                    jobs.append(self._queue.get_nowait())
                deadline = self._loop.time() + self.wait_s
                while sum(len(j.texts) for j in jobs) < self.batch_size:
                    remaining = deadline - self._loop.time()
                    if remaining <= 0:
                        break
                    try:
                        jobs.append(await asyncio.wait_for(self._queue.get(), remaining))
                    except TimeoutError:
                        break
            try:
                await self._run_jobs(jobs)
            except asyncio.CancelledError:
                for job in jobs:
                    self._resolve(job, Overloaded("the server is shutting down"))
                raise

    async def _run_jobs(self, jobs: list[_Job]) -> None:
        groups: dict[tuple[int, int, int], list[_Job]] = {}
        for job in jobs:
            groups.setdefault(_key(job.options), []).append(job)
        for group in groups.values():
            await self._run_group(group)

    async def _run_group(self, jobs: list[_Job]) -> None:
        assert self._loop is not None
        counts: dict[str, int] = {}
        owners: dict[str, list[_Job]] = {}
        for job in jobs:
            for text, n in zip(job.texts, job.counts):
                counts.setdefault(text, n)
                holders = owners.setdefault(text, [])
                if job not in holders:
                    holders.append(job)
        distinct = list(counts)
        lengths = [counts[t] for t in distinct]
        order = sorted(range(len(distinct)), key=lambda i: lengths[i], reverse=True)
        options = replace(jobs[0].options, batch_size=self.batch_size)
        left = {id(job): len(set(job.texts)) for job in jobs}
        for batch in _batches(order, lengths, self.batch_size):
            texts = [distinct[i] for i in batch]
            members = {id(j): j for t in texts for j in owners[t]}
            start = self._loop.time()
            try:
                results = await self._loop.run_in_executor(self._executor, self.engine.translate_batch, texts, options)
            except Exception as exc:  # the engine failed: every job with a segment here fails with it
                for job in members.values():
                    self._resolve(job, exc)
                continue
            finally:
                self.stats.engine_seconds += self._loop.time() - start
            self.stats.batches += 1
            self.stats.segments += len(texts)
            if len(members) > 1:
                self.stats.shared_batches += 1
            self.stats.largest_share = max(self.stats.largest_share, len(members))
            for text, result in zip(texts, results):
                for job in owners[text]:
                    job.results[text] = result
                    job.shared = max(job.shared, len(members))
                    left[id(job)] -= 1
            for job in members.values():
                if left[id(job)] == 0:
                    self._resolve(job)

    def _resolve(self, job: _Job, error: BaseException | None = None) -> None:
        if job.future.done():
            return
        self.stats.waiting -= len(job.texts)
        if error is None:
            job.future.set_result(None)
        else:
            job.future.set_exception(error)


class BatchedEngine(Engine):
    """The engine a request's Translator sees: counts tokens with the real engine, translates through the batcher.

    ``shared`` (per thread) is the most jobs that shared a batch with the calls this thread made since
    :meth:`reset_shared`."""

    def __init__(self, batcher: Batcher) -> None:
        self.batcher = batcher
        real = batcher.engine
        self.name = real.name
        self.model_id = real.model_id
        self.source_lang = real.source_lang
        self.target_lang = real.target_lang
        self._local = threading.local()

    def max_input_tokens(self) -> int:
        return self.batcher.engine.max_input_tokens()

    def count_tokens(self, texts: list[str]) -> list[int]:
        return self.batcher.engine.count_tokens(texts)

    def _translate(self, texts: list[str], options: GenerationOptions) -> list[Translation]:
        results, shared = self.batcher.submit_from_thread(texts, self.count_tokens(texts), options)
        self._local.shared = max(getattr(self._local, "shared", 1), shared)
        return results

    def reset_shared(self) -> None:
        self._local.shared = 1

    @property
    def shared(self) -> int:
        return getattr(self._local, "shared", 1)

