"""The framework floor: a minimal FastAPI endpoint that inserts one row and answers."""

from __future__ import annotations

import os
from typing import Any

from fastapi import FastAPI
from sqlalchemy import JSON, Column, Integer, MetaData, String, Table, insert

from exigent.db import make_engine

metadata = MetaData()
rows = Table(
    "floor_rows",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("ref", String(200)),
    Column("body", JSON),
)


def create_app() -> FastAPI:
    engine = make_engine(os.environ["EXIGENT_DATABASE_URL"])
    metadata.create_all(engine)
    app = FastAPI()

    @app.get("/health")
    def health() -> dict[str, str]:
        return {"status": "ok"}

    @app.post("/api/v1/requests", status_code=201)
    def create(body: dict[str, Any]) -> dict[str, Any]:
        with engine.begin() as connection:
            new_id = connection.execute(
                insert(rows).values(ref=str(body.get("id")), body=body).returning(rows.c.id)
            ).scalar_one()
        return {"id": new_id}

    return app
