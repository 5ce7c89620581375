"""The one rate limiter: what counts is recorded in the database (failed sign-ins, audit
rows), and Redis makes the check atomic across web processes.

Counting the recorded rows and writing the new one later lets parallel requests all see
room for one more (an eleventh password guess got through, more with more processes). So
`admit` first INCRements an in-flight counter for the bucket in Redis, then counts the
recorded rows, and lets the request through only if recorded + in flight stays within the
limit; the counter is decremented after the request has written its row (or given up).
Any two requests overlap in the counter or see each other's row, so never more than `limit`
get through. An in-flight count left by a killed process expires after `INFLIGHT_SECONDS`.
Redis unreachable: the recorded count alone decides (as before), so nothing fails.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator

import redis

from crm.redis_conn import get_redis

PREFIX = "crm:inflight:"
INFLIGHT_SECONDS = 60


def _conn() -> redis.Redis:
    return get_redis(timeout=1.0)


def _enter(key: str) -> int | None:
    try:
        pipe = _conn().pipeline()  # MULTI/EXEC: the count and its expiry together
        pipe.incr(key).expire(key, INFLIGHT_SECONDS)
        return int(pipe.execute()[0])
    except redis.RedisError:
        return None


def _leave(key: str) -> None:
    try:
        _conn().decr(key)
    except redis.RedisError:
        pass  # the count expires by itself


@contextlib.contextmanager
def admit(bucket: str, limit: int, recorded: Callable[[], int]) -> Iterator[bool]:
    """`with admit("login:a@b.c", 10, count_failures) as allowed:` — True when the request
    may go on; write its row (and commit) inside the block when it counts."""
    key = PREFIX + bucket
    in_flight = _enter(key)
    try:
        yield recorded() + (in_flight or 1) <= limit
    finally:
        if in_flight is not None:
            _leave(key)


def pause(name: str, seconds: int) -> None:
    """Remember for `seconds` that `name` is over its limit (best effort)."""
    try:
        _conn().set(PREFIX + "paused:" + name, 1, ex=seconds)
    except redis.RedisError:
        pass


def paused(name: str) -> bool:
    try:
        return bool(_conn().exists(PREFIX + "paused:" + name))
    except redis.RedisError:
        return False
