"""Exigent's app as `exigent serve` runs it, with a /health alias for the benchmark harness."""

from __future__ import annotations

from fastapi import FastAPI

from exigent.app import create_served_app


def create_app() -> FastAPI:
    app = create_served_app()  # the deadline worker stays off: EXIGENT_EMBEDDED_WORKER=false

    @app.get("/health")
    def health() -> dict[str, str]:
        return {"status": "ok"}

    return app
