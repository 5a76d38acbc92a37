"""The cross-request batcher with a fake engine: jobs share batches, results go back to their job, a full queue is refused."""

from __future__ import annotations

import asyncio

import pytest

from bilingual.engines.base import GenerationOptions
from bilingual.serve.batching import Batcher, Overloaded
from bilingual.testing.fake_engine import FakeEngine


def run(coro):
    return asyncio.run(coro)


def test_concurrent_jobs_share_batches_and_get_their_own_results():
    async def main():
        engine = FakeEngine()
        batcher = Batcher(engine, batch_size=8, wait_ms=20)
        batcher.start()
        jobs = [batcher.submit([f"문장 {i} 가", f"문장 {i} 나"], [3, 3], GenerationOptions()) for i in range(4)]
        answers = await asyncio.gather(*jobs)
        await batcher.stop()
        return engine, batcher, answers

    engine, batcher, answers = run(main())
    for i, (results, shared) in enumerate(answers):
        assert [r.text for r in results] == [f"[en] 문장 {i} 가", f"[en] 문장 {i} 나"]
        assert shared == 4
    assert len(engine.batches) == 1 and batcher.stats.shared_batches == 1 and batcher.stats.waiting == 0


def test_one_at_a_time_never_shares():
    async def main():
        engine = FakeEngine()
        batcher = Batcher(engine, batch_size=8, wait_ms=20, cross_request=False)
        batcher.start()
        await asyncio.gather(*(batcher.submit([f"문장 {i}"], [2], GenerationOptions()) for i in range(3)))
        await batcher.stop()
        return engine, batcher

    engine, batcher = run(main())
    assert len(engine.batches) == 3 and batcher.stats.shared_batches == 0


def test_a_full_queue_is_refused():
    async def main():
        batcher = Batcher(FakeEngine(), batch_size=4, wait_ms=50, max_waiting=3)
        batcher.start()
        first = asyncio.ensure_future(batcher.submit(["가", "나", "다"], [1, 1, 1], GenerationOptions()))
        await asyncio.sleep(0)
        with pytest.raises(Overloaded):
            await batcher.submit(["라"], [1], GenerationOptions())
        await first
        await batcher.stop()

    run(main())
