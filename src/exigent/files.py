"""The content-addressed file store (SHA-256 names) and checks that bytes match their type."""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from collections.abc import Callable
from email import message_from_bytes, policy
from pathlib import Path
from typing import Annotated, BinaryIO

import filetype
from fastapi import Depends, Request

from exigent.errors import BadInput, PayloadTooLarge

CHUNK = 1024 * 1024
# What a case file may be. Anything else is refused: an executable has no place in a case.
ACCEPTED_MEDIA_TYPES = frozenset(
    {
        "application/pdf",
        "image/png",
        "image/jpeg",
        "image/gif",
        "image/tiff",
        "image/webp",
        "video/mp4",
        "audio/mpeg",
        "text/plain",
        "text/csv",
        "message/rfc822",
        "application/zip",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    }
)
# What the browser may show of a stored file, by what its bytes are: the types the viewer
# displays. A sender's claimed type is never used to serve a file.
VIEWABLE_MEDIA_TYPES = frozenset(
    {
        "application/pdf",
        "image/png",
        "image/jpeg",
        "image/gif",
        "image/webp",
        "video/mp4",
        "video/webm",
        "audio/mpeg",
        "audio/ogg",
        "text/plain",
    }
)
# Markup a browser could render as a page (HTML, SVG, XML). Served as text/plain with nosniff
# it would stay text, but an older or careless client could still sniff it into a page, so
# such a file is only ever downloaded.
_MARKUP = re.compile(
    rb"<(?:!--|!doctype|\?xml|(?:html|head|body|script|style|iframe|frame|object|embed|svg"
    rb"|math|link|meta|base|form|img|title|table|div|font|h1|a|b|p|br)[\s/>])",
    re.IGNORECASE,
)
_ZIP_BASED = {
    "application/zip",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


class FileStore:
    def __init__(self, root: Path) -> None:
        self.root = root

    def path_for(self, sha256: str) -> Path:
        return self.root / sha256[:2] / sha256[2:4] / sha256

    def has(self, sha256: str) -> bool:
        return self.path_for(sha256).is_file()

    def put_stream(
        self, stream: BinaryIO, *, max_bytes: int, check: Callable[[Path], None] | None = None
    ) -> tuple[str, int, Path]:
        """Copy a stream in, refusing it past `max_bytes` or when `check` objects to the bytes;
        nothing reaches the store unless it passed both. Return (sha256, size, path)."""
        self.root.mkdir(parents=True, exist_ok=True)
        digest, size = hashlib.sha256(), 0
        fd, tmp_name = tempfile.mkstemp(dir=self.root, prefix=".incoming-")
        try:
            with os.fdopen(fd, "wb") as tmp:
                while chunk := stream.read(CHUNK):
                    size += len(chunk)
                    if size > max_bytes:
                        raise PayloadTooLarge(
                            f"file: larger than the {max_bytes // (1024 * 1024)} MB limit",
                            field="file",
                        )
                    digest.update(chunk)
                    tmp.write(chunk)
                tmp.flush()
                os.fsync(tmp.fileno())
            if check is not None:
                check(Path(tmp_name))
            sha = digest.hexdigest()
            final = self.path_for(sha)
            final.parent.mkdir(parents=True, exist_ok=True)
            os.replace(tmp_name, final)
            return sha, size, final
        except BaseException:
            Path(tmp_name).unlink(missing_ok=True)
            raise

    def open(self, sha256: str) -> BinaryIO:
        return self.path_for(sha256).open("rb")


def _sniff_text(head: bytes) -> bool:
    if b"\x00" in head:
        return False
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        # A multi-byte character cut at the end of the sample is still text.
        return exc.start >= len(head) - 3
    return True


def check_media_type(path: Path, claimed: str) -> None:
    """Refuse a file whose bytes are not what its media type says (BadInput names the field)."""
    claimed = claimed.split(";")[0].strip().lower()
    if claimed not in ACCEPTED_MEDIA_TYPES:
        raise BadInput(f"media_type: {claimed or '(none)'} is not an accepted document type")
    with path.open("rb") as handle:
        head = handle.read(8192)
    if claimed in ("text/plain", "text/csv"):
        if not _sniff_text(head):
            raise BadInput(f"file: content is binary, not {claimed}")
        return
    if claimed == "message/rfc822":
        message = message_from_bytes(head, policy=policy.default)
        if not _sniff_text(head) or not (message["From"] or message["Received"]):
            raise BadInput("file: content is not an email message (no From or Received header)")
        return
    kind = filetype.guess(head)
    actual = kind.mime if kind else None
    if claimed in _ZIP_BASED and actual in _ZIP_BASED | {"application/zip"}:
        return
    if actual != claimed:
        raise BadInput(f"file: content is {actual or 'unrecognised'}, not {claimed}")


def viewable_media_type(path: Path) -> str | None:
    """The type the bytes of a stored file are, when the viewer may show it; else None."""
    with path.open("rb") as handle:
        head = handle.read(8192)
    kind = filetype.guess(head)
    if kind is not None:
        return kind.mime if kind.mime in VIEWABLE_MEDIA_TYPES else None
    if _sniff_text(head) and not _MARKUP.search(head):
        return "text/plain"
    return None


async def app_file_store(request: Request) -> FileStore:
    """The running application's file store (set on `app.state` by `create_app`)."""
    store: FileStore = request.app.state.file_store
    return store


FileStoreDep = Annotated[FileStore, Depends(app_file_store)]
