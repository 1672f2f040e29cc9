"""Run a stage's pure function over thread shards, in this process or in worker processes.

A shard is a run of whole threads (every step that needs a parent or sibling stays inside
it), so results do not depend on how the corpus is cut or on the number of workers: the
caller concatenates shard results in shard order and gets what one process would give.

Workers are forked after the stage has loaded its models and read its inputs, so they
share them copy-on-write and only shard indices and results cross process boundaries.
"""

from __future__ import annotations

import contextlib
import gc
import itertools
import logging
import multiprocessing as mp
import os
from collections import deque
from collections.abc import Callable, Hashable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, TypeVar

from tqdm import tqdm

from pipeline.core.errors import PipelineError
from pipeline.core.stream import shards

T = TypeVar("T")
R = TypeVar("R")
log = logging.getLogger(__name__)

ENGINES = ("local", "ray")
ENGINE = "local"


def set_engine(engine: str) -> None:
    """Where `ordered_map` runs shards from now on: "local" (this machine's cores) or "ray"."""
    global ENGINE
    if engine not in ENGINES:
        raise ValueError(f"unknown engine {engine!r}; known: {', '.join(ENGINES)}")
    ENGINE = engine


def engine() -> str:
    """The engine `ordered_map` runs shards on now ("local" or "ray")."""
    return ENGINE


def available_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


_WARNED: set[int] = set()


def resolve_workers(workers: int | None) -> int:
    """--workers N: N processes; 0 or None: one per available core. On this machine (the
    local engine) at most one per core: the stages are CPU-bound, so more processes only
    share the cores, each with its own copy of the models (`--workers 100000` forked
    thousands and ran the machine out of memory). A Ray cluster takes any number."""
    cores = available_cores()
    if workers is None or workers <= 0:
        return cores
    if ENGINE == "local" and workers > cores:
        if workers not in _WARNED:
            _WARNED.add(workers)
            log.warning(
                "--workers %d: this machine has %d core(s) for this run; using %d worker process(es)",
                workers,
                cores,
                cores,
            )
        return cores
    return workers


def shards_by_key(items: Sequence[T], key: Callable[[T], Hashable], target_size: int) -> list[list[T]]:
    """Items cut into shards of about `target_size`, never splitting a key (a thread) across
    two shards; keys in order of first appearance, items in their order within a key."""
    groups: dict[Hashable, list[T]] = {}
    for item in items:
        groups.setdefault(key(item), []).append(item)
    return [[x for group in shard for x in group] for shard in shards(groups.values(), target_size)]


def shard_size(n_items: int, workers: int, max_size: int) -> int:
    """Items per shard: at most `max_size`, and small enough that every worker gets about
    four shards (so a small corpus still uses all workers and none waits on a big last one)."""
    if workers <= 1:
        return max_size
    return max(1, min(max_size, -(-n_items // (workers * 4))))


def map_shards(fn: Callable[[T], R], shards: Sequence[T], workers: int, desc: str) -> list[R]:
    """`[fn(s) for s in shards]` in shard order, as `ordered_map` runs them (forked workers,
    or Ray tasks under `set_engine("ray")`)."""
    return [result for _, result in ordered_map(fn, shards, workers, desc, total=len(shards))]


_FN: Callable[[Any], Any] | None = None


def _run(item: Any) -> Any:
    return _FN(item)  # type: ignore[misc]


def ordered_map(
    fn: Callable[[T], R],
    items: Iterable[T],
    workers: int,
    desc: str,
    total: int | None = None,
    gpu: bool = False,
) -> Iterator[tuple[T, R]]:
    """(item, fn(item)) in the order of `items`, on `workers` forked processes (or as Ray
    tasks under `set_engine("ray")`), reading `items` only a few shards ahead of the
    slowest worker (so memory stays bounded). `gpu`: `fn` runs a torch model, and a Ray
    task takes one of the cluster's GPUs where it has some (the local engine ignores it)."""
    global _FN
    bar = tqdm(desc=desc, unit="shard", total=total, disable=None, leave=False)
    items = iter(items)
    first = list(itertools.islice(items, 2))
    items = itertools.chain(first, items)
    try:
        if ENGINE == "ray":
            from pipeline.executors.ray import ray_ordered_map

            for done in ray_ordered_map(fn, items, workers, gpu=gpu):
                yield done
                bar.update()
            return
        if workers <= 1 or len(first) < 2 or "fork" not in mp.get_all_start_methods():
            for item in items:
                yield item, fn(item)
                bar.update()
            return
        # fn (with the models it closes over) reaches the workers through fork, not pickling.
        _FN = fn
        pool = ProcessPoolExecutor(workers, mp_context=mp.get_context("fork"))
        pending: deque = deque()
        with _closing(pool):
            for item in items:
                pending.append((item, _submit(pool, _run, item)))
                if len(pending) >= 2 * workers:
                    done, result = pending.popleft()
                    yield done, _result(result)
                    bar.update()
            while pending:
                done, result = pending.popleft()
                yield done, _result(result)
                bar.update()
    finally:
        _FN = None
        bar.close()


@contextlib.contextmanager
def alongside(jobs: Sequence[Callable[[], Any]], workers: int) -> Iterator[None]:
    """Run independent `jobs` in up to `workers` forked processes while the with-block runs
    in this one; leaving the block waits for them and raises the first job's error. With
    one worker (or no fork) the jobs run in this process, in order, before the block."""
    if workers <= 1 or len(jobs) == 0 or "fork" not in mp.get_all_start_methods():
        for job in jobs:
            job()
        yield
        return
    # Jobs travel pickled: they are small (a function and its arguments: paths, or one
    # thread's posts for a figure). What this
    # process holds stays out of the workers' garbage collections, which would otherwise
    # write to (and so copy) every page of it.
    gc.freeze()
    try:
        pool = ProcessPoolExecutor(min(workers, len(jobs)), mp_context=mp.get_context("fork"))
        with _closing(pool):
            pending = [_submit(pool, _call, job) for job in jobs]
            yield
            for future in pending:
                _result(future)
    finally:
        gc.unfreeze()


def _call(job: Callable[[], Any]) -> Any:
    return job()


def _result(future: Future) -> Any:
    """A worker's result; a clear error where the worker died (killed for lack of memory,
    for instance) instead of a wait that never ends."""
    try:
        return future.result()
    except BrokenProcessPool as exc:
        raise _died() from exc


def _submit(pool: ProcessPoolExecutor, fn: Callable[[Any], Any], item: Any) -> Future:
    """`fn(item)` handed to a worker; the same clear error where one died before (the pool
    refuses new work then: a shard that failed while this one was read)."""
    try:
        return pool.submit(fn, item)
    except BrokenProcessPool as exc:
        raise _died() from exc


def _died() -> PipelineError:
    return PipelineError(
        "a worker process died while working on a shard (out of memory? a large thread "
        "takes several GB; try fewer workers with -j, or a smaller [scale] shard_posts)"
    )


@contextlib.contextmanager
def _closing(pool: ProcessPoolExecutor) -> Iterator[None]:
    """Shut `pool` down when the block ends, however it ends, without killing a worker in
    the middle of a shard: a worker stopped while a shard larger than a pipe's buffer was
    being written to it can leave the stage waiting forever (multiprocessing.Pool's
    `terminate()` did so once when a graph stage met a bad record). `shutdown(wait=True)`
    lets the work already handed out finish (`ordered_map` keeps at most two shards per
    worker in flight), its results and errors dropped, and the workers exit. Only an
    interrupt (Ctrl-C, whose signal the workers get too) cancels what has not started and
    leaves at once. A worker that dies (out of memory) breaks the pool: every pending
    shard then fails at once instead of waiting (`_result`)."""
    try:
        yield
    except (Exception, GeneratorExit):
        pool.shutdown(wait=True)
        raise
    except BaseException:
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown(wait=True)
