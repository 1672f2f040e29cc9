"""The Ray engine: the same shard functions as the local executor, as Ray tasks, so a
corpus can be spread over the cores of several machines (`--engine ray`).

Ray is an optional extra (`pip install -e '.[ray]'`). With `RAY_ADDRESS` set, the tasks
go to that cluster; without it, Ray starts a local instance with `workers` CPUs. The stage
function (with the models it closes over) is put in Ray's object store once, and each
worker process loads it once for all its tasks; shards go out as task arguments and
results come back in shard order, at most two tasks per CPU in flight, so outputs are the
same as with the local executor (tests/test_ray.py).

A shard function that runs a torch model (classify with a transformers-backend model)
asks for one GPU per task where the cluster has GPUs, so Ray spreads the shards over
them; without GPUs its tasks run torch on one CPU each. Unlike forked workers, a Ray task
is a process of its own that unpickles the model, so torch's thread pools are its own.

A stage that writes files from its workers (graph: one GraphML per thread) needs its
output folder on a file system every node sees; segment and classify return their
results to the driver, which writes them.
"""

from __future__ import annotations

import logging
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from typing import Any, TypeVar

log = logging.getLogger(__name__)

T = TypeVar("T")
R = TypeVar("R")


# The stage function a worker process last loaded, by its object id: Ray keeps a worker
# process for many tasks, and a classify function carries its models.
_LOADED: dict[str, Callable[[Any], Any]] = {}


def _apply(box: list, item: Any, get: Callable[[Any], Any] | None = None) -> Any:
    """`fn(item)`, `fn` sent boxed (`[ObjectRef]`) so that Ray does not fetch and unpickle it
    for every task: a worker loads it once and keeps it for the tasks that follow (four
    scikit-learn models, or an encoder that stays on the worker's GPU). `get`: `ray.get`."""
    (ref,) = box
    key = ref.hex()
    if key not in _LOADED:
        if get is None:
            import ray

            get = ray.get
        _LOADED.clear()
        _LOADED[key] = get(ref)
    return _LOADED[key](item)


def ray_ordered_map(fn: Callable[[T], R], items: Iterable[T], workers: int, gpu: bool = False) -> Iterator[tuple[T, R]]:
    """(item, fn(item)) in the order of `items`, as Ray tasks (with `gpu`, one GPU each
    where the cluster has GPUs)."""
    try:
        import ray
    except ImportError:
        from pipeline.core.errors import PipelineError

        raise PipelineError("--engine ray needs Ray: pip install -e '.[ray]'") from None
    if not ray.is_initialized():
        address = os.environ.get("RAY_ADDRESS")
        kwargs = {} if address else {"num_cpus": workers}
        ray.init(address=address, include_dashboard=False, log_to_driver=False, **kwargs)
    resources = ray.cluster_resources()
    cpus = max(1, int(resources.get("CPU", workers)))
    gpus = int(resources.get("GPU", 0)) if gpu else 0
    task = ray.remote(num_gpus=1)(_apply) if gpus else ray.remote(_apply)
    fn_ref = ray.put(fn)
    in_flight = 2 * (gpus or cpus)
    log.info("engine ray: shards as Ray tasks on %d CPUs%s", cpus, f", one of {gpus} GPUs per task" if gpus else "")
    pending: deque = deque()
    for item in items:
        pending.append((item, task.remote([fn_ref], item)))
        if len(pending) >= in_flight:
            done, ref = pending.popleft()
            yield done, ray.get(ref)
    while pending:
        done, ref = pending.popleft()
        yield done, ray.get(ref)
