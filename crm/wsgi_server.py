"""Gunicorn embedded, so `crm serve` needs no separate command line."""

from __future__ import annotations

from flask import Flask
from gunicorn.app.base import BaseApplication


class _Server(BaseApplication):
    def __init__(self, app: Flask, options: dict):
        self.application = app
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            if key in self.cfg.settings:  # newer settings are skipped on older gunicorn
                self.cfg.set(key, value)

    def load(self) -> Flask:
        return self.application


def serve(app: Flask, host: str, port: int, workers: int) -> None:
    _Server(app, {"bind": f"{host}:{port}", "workers": workers, "timeout": 60,
                  "accesslog": "-" if app.config["CRM"]["LOG_ACCESS"] else None,
                  "graceful_timeout": 10,
                  "limit_request_line": 8190,
                  # One shared control socket per home directory would clash between
                  # instances; the CRM does not use it.
                  "control_socket_disable": True}).run()
