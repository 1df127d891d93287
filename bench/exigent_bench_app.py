"""Exigent's app with a /health alias for the benchmark harness."""

from __future__ import annotations

from fastapi import FastAPI

from exigent.app import create_app as create_exigent


def create_app() -> FastAPI:
    app = create_exigent(run_worker=False)

    @app.get("/health")
    def health() -> dict[str, str]:
        return {"status": "ok"}

    return app
