"""The registry of periodic sweeps: the clock enqueues each registered sweep every minute
(or every N minutes), with a job id per tick so two clocks never run one tick twice.

A sweep is an idempotent job that claims due rows (crm/jobs/claims.py) and handles them:
reminders, deadlines, pool returns, scheduled sends. An area registers its sweeps in its
own jobs module with `@sweep(...)`; nothing else changes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Sweep:
    name: str
    func: Callable
    every_minutes: int = 1
    queue: str = "default"


SWEEPS: dict[str, Sweep] = {}


def sweep(name: str, *, every_minutes: int = 1, queue: str = "default") -> Callable:
    """Register a job function (taking the tick) as a periodic sweep."""

    def register(func: Callable) -> Callable:
        SWEEPS[name] = Sweep(name, func, every_minutes, queue)
        return func

    return register


def due(tick_minute: int) -> list[Sweep]:
    """The sweeps to run at this minute (minutes since the epoch)."""
    return [s for s in SWEEPS.values() if tick_minute % s.every_minutes == 0]
