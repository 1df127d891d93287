"""Demo media: small images drawn here (no third-party content), attached to a few cases."""

from __future__ import annotations

import io
import math
import random
import struct
import zlib
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from exigent.auth.models import User
from exigent.cases.documents import attach_document
from exigent.cases.models import Document, Request
from exigent.cases.schemas import EmergencyNature
from exigent.db import utcnow
from exigent.files import FileStore
from exigent.wellbeing.models import ExposureEvent
from exigent.wellbeing.service import shift_day

MEDIA_CASES = 3


def png(width: int, height: int, hue: float) -> bytes:
    """An abstract picture (a gradient sky, a sun, hills): stands in for evidence photos."""
    rows = []
    sun_x, sun_y, sun_r = width * 0.7, height * 0.3, height * 0.14
    for y in range(height):
        row = bytearray([0])  # filter type 0 for each scanline
        for x in range(width):
            t = y / height
            r, g, b = (
                int(40 + 150 * t + 60 * math.sin(hue)),
                int(70 + 100 * t),
                int(160 - 60 * t + 40 * math.cos(hue)),
            )
            if (x - sun_x) ** 2 + (y - sun_y) ** 2 < sun_r**2:
                r, g, b = 250, 200, 90
            hill = height * (0.72 + 0.08 * math.sin(x / width * 6.3 + hue))
            if y > hill:
                r, g, b = int(40 + 40 * math.sin(hue)), 110 + (x * 7 + y * 3) % 30, 60
            row += bytes((max(0, min(255, r)), max(0, min(255, g)), max(0, min(255, b))))
        rows.append(bytes(row))

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"".join(rows), 9))
        + chunk(b"IEND", b"")
    )


def attach_demo_media(session: Session, *, user: User, store: FileStore) -> list[Document]:
    """Attach two drawn images to each of the most urgent open emergencies."""
    cases = session.execute(
        select(Request.id)
        .where(
            Request.kind == "emergency",
            Request.status.in_(["received", "triaged", "verifying", "under_review"]),
        )
        .order_by(Request.decide_due_at)
        .limit(MEDIA_CASES)
    ).scalars()
    attached = []
    for number, case_id in enumerate(list(cases)):
        for index in range(2):
            data = png(320, 200, hue=number * 1.7 + index)
            document = attach_document(
                session,
                user=user,
                request_id=case_id,
                filename=f"screenshot-{index + 1}.png",
                media_type="image/png",
                stream=io.BytesIO(data),
                store=store,
                max_bytes=len(data) + 1,
            )
            attached.append(document)
    return attached


def seed_exposure(
    session: Session, rng: random.Random, people: list[User], documents: list[Document]
) -> None:
    """A week of past reveals by the team, so the exposure pages have a story to tell."""
    if not documents:
        return
    now = utcnow()
    harms = list(EmergencyNature)
    for person in people:
        for _ in range(rng.randint(6, 18)):
            document = rng.choice(documents)
            revealed = now - timedelta(days=rng.randint(1, 6), minutes=rng.randint(0, 600))
            seconds = rng.randint(5, 240)
            session.add(
                ExposureEvent(
                    user_id=person.id,
                    request_id=document.request_id,
                    document_id=document.id,
                    harm_category=str(rng.choice(harms)),
                    revealed_at=revealed,
                    hidden_at=revealed + timedelta(seconds=seconds),
                    seconds=seconds,
                    shift_on=shift_day(person, revealed),
                )
            )
    _severe(session, people[0], documents[0], now)
    session.flush()


def _severe(session: Session, person: User, document: Document, now: datetime) -> None:
    """Twelve minutes on one item yesterday: a severe exposure, so the roster keeps this
    person off emergency work for a recovery block (their page and any take or swap say so)."""
    revealed = now - timedelta(days=1)
    seconds = 12 * 60
    session.add(
        ExposureEvent(
            user_id=person.id,
            request_id=document.request_id,
            document_id=document.id,
            harm_category=str(EmergencyNature.child_safety),
            revealed_at=revealed,
            hidden_at=revealed + timedelta(seconds=seconds),
            seconds=seconds,
            shift_on=shift_day(person, revealed),
        )
    )
