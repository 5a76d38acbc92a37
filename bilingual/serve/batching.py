"""Cross-request batching: the segments of concurrent requests share engine batches.

Each request runs the ordinary :class:`~bilingual.translation.pipeline.Translator`
in a worker thread, over a :class:`BatchedEngine`. Its ``translate_batch`` hands
the request's segments (with their token counts) to the direction's
:class:`Batcher`, an asyncio task on the server's event loop, and blocks until
they are translated.

The batcher keeps one pool of waiting segments (a text asked for by several
requests at once is translated once). Whenever the engine thread is free it
picks the next batch from the pool: it starts from the longest waiting segment
of the oldest request, and adds the waiting segments closest to it in length,
from the oldest requests (about ``WINDOW`` batches' worth), up to the CLI's
budget (at most ``batch_size`` segments and ``batch_size * TOKENS_PER_SLOT``
padded tokens). So every batch moves the oldest
request forward (its wait is bounded by its own size, not by the load), batches
hold segments of similar length (little padding), and segments that arrive
while a batch runs join the next one: the engine never waits for a whole group
of requests to finish. With fewer than ``batch_size`` segments waiting, it waits
for more until the oldest one has waited ``wait_ms``. A request is answered as
soon as all of its segments are done.

With ``cross_request=False`` it takes one request at a time: the oldest
request's segments only, longest first (one-request-at-a-time serving, for
comparison).

The number of segments waiting is bounded (``max_waiting``): past it
:meth:`Batcher.submit` raises :class:`Overloaded`, which the app answers with
429 and ``Retry-After``.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace

from bilingual.engines.base import Engine, GenerationOptions, Translation
from bilingual.translation.pipeline import TOKENS_PER_SLOT

# A request's Translator hands all its segments over in one call; the batcher
# cuts them into engine batches of the configured size.
WHOLE_REQUEST = 1 << 20

_LOG = logging.getLogger("bilingual.serve")
# Batches are cut from the waiting segments of the oldest requests, about this many batches' worth: enough
# for segments of similar length to meet, few enough that older requests finish first.
WINDOW = 8


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
    seq: int
    results: dict[str, Translation] = field(default_factory=dict)
    left: int = 0  # distinct texts not translated yet
    shared: int = 1  # most jobs that shared one of its batches


@dataclass(eq=False)
class _Entry:
    """One distinct waiting text and the jobs that wait for it."""

    text: str
    count: int
    owners: list[_Job]


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
        self._pools: dict[tuple[int, int, int], dict[str, _Entry]] = {}
        self._jobs: deque[tuple[float, _Job]] = deque()  # (arrival, job), oldest first
        self._seq = 0
        self._wakeup: asyncio.Event | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._task: asyncio.Task | None = None
        self._closed = False
        self._executor = ThreadPoolExecutor(1, thread_name_prefix=f"engine-{engine.source_lang}-{engine.target_lang}")

    # life ---------------------------------------------------------------------

    def start(self) -> None:
        """Start the batching task on the running event loop."""
        self._loop = asyncio.get_running_loop()
        self._wakeup = asyncio.Event()
        self._task = self._loop.create_task(self._run(), name="batcher")

    async def stop(self) -> None:
        """Stop taking jobs, fail the ones still waiting, and let the engine thread finish."""
        self._closed = True
        if self._task is not None:
            self._task.cancel()
            try:
                await self._task
            except asyncio.CancelledError:
                pass
        for _, job in list(self._jobs):
            self._resolve(job, Overloaded("the server is shutting down"))
        self._jobs.clear()
        self._pools.clear()
        self._executor.shutdown(wait=True)

    # submitting ---------------------------------------------------------------

    async def submit(self, texts: list[str], counts: list[int], options: GenerationOptions) -> tuple[list[Translation], int]:
        """Translate ``texts`` (token ``counts``) together with other jobs: (one result per text, the most
        jobs that shared one of its batches). Overloaded when too many segments wait already."""
        if self._wakeup is None or self._loop is None:
            raise RuntimeError("the batcher is not started")
        if self._closed:
            raise Overloaded("the server is shutting down")
        if self.stats.waiting + len(texts) > self.max_waiting and self.stats.waiting:
            raise Overloaded(f"{self.stats.waiting} segments are waiting")
        self._seq += 1
        job = _Job(list(texts), list(counts), options, self._loop.create_future(), self._seq)
        self.stats.jobs += 1
        if not texts:
            return [], 1
        self.stats.waiting += len(texts)
        pool = self._pools.setdefault(_key(options), {})
        for text, n in zip(job.texts, job.counts):
            entry = pool.get(text)
            if entry is None:
                pool[text] = _Entry(text, max(int(n), 1), [job])
                job.left += 1
            elif job not in entry.owners:
                entry.owners.append(job)
                job.left += 1
        self._jobs.append((self._loop.time(), job))
        self._wakeup.set()
        await job.future
        return [job.results[text] for text in job.texts], job.shared

    def submit_from_thread(self, texts: list[str], counts: list[int], options: GenerationOptions) -> tuple[list[Translation], int]:
        """:meth:`submit` from a worker thread (blocks until done)."""
        if self._loop is None:
            raise RuntimeError("the batcher is not started")
        return asyncio.run_coroutine_threadsafe(self.submit(texts, counts, options), self._loop).result()

    # the task -------------------------------------------------------------------

    def _oldest(self) -> tuple[float, _Job] | None:
        while self._jobs and self._jobs[0][1].future.done():
            self._jobs.popleft()
        return self._jobs[0] if self._jobs else None

    def _waiting_in(self, key: tuple[int, int, int]) -> int:
        return len(self._pools.get(key, ()))

    async def _run(self) -> None:
        assert self._wakeup is not None and self._loop is not None
        while True:
            oldest = self._oldest()
            if oldest is None:
                self._wakeup.clear()
                await self._wakeup.wait()
                continue
            arrival, job = oldest
            if self.cross_request and self._waiting_in(_key(job.options)) < self.batch_size:
                remaining = arrival + self.wait_s - self._loop.time()
                if remaining > 0:  # a bounded wait for other requests' segments
                    self._wakeup.clear()
                    try:
                        await asyncio.wait_for(self._wakeup.wait(), remaining)
                    except TimeoutError:
                        pass
                    continue
            if not any(job in entry.owners for entry in self._pools.get(_key(job.options), {}).values()):
                self._resolve(job, RuntimeError("the batcher lost this request's segments"))  # never left hanging
                continue
            batch = self._pick(job)
            try:
                await self._run_batch(batch, job.options)
            except asyncio.CancelledError:
                for entry in batch:
                    for owner in entry.owners:
                        self._resolve(owner, Overloaded("the server is shutting down"))
                raise
            except Exception as exc:  # a fault of the batcher itself: fail the jobs it holds, never hang them
                _LOG.exception("the batcher failed a batch")
                for entry in batch:
                    for owner in entry.owners:
                        self._resolve(owner, exc)
                self._drop_resolved()

    def _pick(self, job: _Job) -> list[_Entry]:
        """The next batch, taken out of the pool: ``job``'s longest waiting segment and its neighbours in length."""
        key = _key(job.options)
        pool = self._pools[key]
        budget = self.batch_size * TOKENS_PER_SLOT
        if self.cross_request:
            ordered = sorted(self._window(pool, key), key=lambda e: (e.count, min(o.seq for o in e.owners)))
        else:
            ordered = sorted((e for e in pool.values() if job in e.owners), key=lambda e: e.count)
        anchor = max(range(len(ordered)), key=lambda i: (ordered[i].count if job in ordered[i].owners else -1, -i))
        lo = hi = anchor
        longest = ordered[anchor].count
        while hi - lo + 1 < self.batch_size:
            below = ordered[lo - 1].count if lo > 0 else None
            above = ordered[hi + 1].count if hi + 1 < len(ordered) else None
            if below is None and above is None:
                break
            target = ordered[anchor].count
            take_below = above is None or (below is not None and target - below <= above - target)
            n = below if take_below else above
            assert n is not None
            if max(longest, n) * (hi - lo + 2) > budget:
                break
            longest = max(longest, n)
            if take_below:
                lo -= 1
            else:
                hi += 1
        batch = ordered[lo : hi + 1]
        for entry in batch:
            del pool[entry.text]
        if not pool:
            del self._pools[key]
        return batch

    def _window(self, pool: dict[str, _Entry], key: tuple[int, int, int]) -> list[_Entry]:
        """The waiting segments of the oldest jobs, job by job, until there are ``WINDOW`` batches' worth:
        batches are cut from these, so that older requests finish first."""
        by_job: dict[int, list[_Entry]] = {}
        for entry in pool.values():
            for owner in entry.owners:
                by_job.setdefault(id(owner), []).append(entry)
        window: dict[int, _Entry] = {}
        for _, job in self._jobs:
            if len(window) >= WINDOW * self.batch_size:
                break
            if _key(job.options) == key:
                window.update((id(e), e) for e in by_job.get(id(job), ()))
        return list(window.values())

    async def _run_batch(self, batch: list[_Entry], job_options: GenerationOptions) -> None:
        assert self._loop is not None
        texts = [entry.text for entry in batch]
        members = {id(o): o for entry in batch for o in entry.owners}
        options = replace(job_options, batch_size=self.batch_size)
        start = self._loop.time()
        try:
            results = await self._loop.run_in_executor(self._executor, self.engine.translate_batch, texts, options)
        except Exception as exc:  # the engine failed: every job with a segment here fails with it
            for owner in members.values():
                self._resolve(owner, exc)
            self._drop_resolved()
            return
        finally:
            self.stats.engine_seconds += self._loop.time() - start
        self.stats.batches += 1
        self.stats.segments += len(texts)
        if len(members) > 1:
            self.stats.shared_batches += 1
        self.stats.largest_share = max(self.stats.largest_share, len(members))
        for entry, result in zip(batch, results):
            for owner in entry.owners:
                owner.results[entry.text] = result
                owner.shared = max(owner.shared, len(members))
                owner.left -= 1
        for owner in members.values():
            if owner.left <= 0:
                self._resolve(owner)

    def _drop_resolved(self) -> None:
        """Forget waiting segments whose jobs have all failed."""
        for key in list(self._pools):
            pool = self._pools[key]
            for text in list(pool):
                entry = pool[text]
                entry.owners = [o for o in entry.owners if not o.future.done()]
                if not entry.owners:
                    del pool[text]
            if not pool:
                del self._pools[key]

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
