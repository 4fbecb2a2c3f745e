"""A still of a video saved as a derived item (DESIGN §10, operation `{"op": "frame",
"at_ms": ...}`): the frame is decoded whole and upright in the sandboxed worker from the
case file's chunks, stored as a PNG without the video's metadata, and recorded by the one
`item.derive` path (vault/evidence/derive.py)."""

from __future__ import annotations

from contextlib import ExitStack

from vault.case.handle import Case
from vault.errors import InvalidInput, VaultError
from vault.evidence.blobreader import BlobReader
from vault.evidence.blobstore import hash_blob
from vault.evidence.derive import DerivedItem, derive_item
from vault.evidence.frames import FrameRequest
from vault.evidence.items import get_item
from vault.evidence.media import clock
from vault.evidence.probe import MetadataProbe
from vault.i18n import _


def save_frame(
    case: Case, item_id: str, at_ms: int, *, probe: MetadataProbe | None = None
) -> DerivedItem:
    """Store the frame of video `item_id` shown at `at_ms` (the first frame at or after it)
    as a new item derived from the video; `at_ms` in the entry is that frame's own time."""
    item = get_item(case.conn, item_id)
    duration = item.metadata.get("duration_ms")
    if not item.mime.startswith("video/") or not item.metadata.get("video_codec"):
        raise InvalidInput(_("Only a video has frames to save."))
    if at_ms < 0 or (isinstance(duration, int) and at_ms > duration):
        raise InvalidInput(_("The time {time} is outside the video.").format(time=clock(at_ms)))
    # The still must come from the recorded original, not from bytes changed since.
    if hash_blob(case.conn, item.blob_id)[0] != item.sha256:
        raise VaultError(_("The stored bytes of this video no longer match its recorded "
                           "SHA-256; no frame was saved. Verify the case."))  # fmt: skip
    rotation = item.metadata.get("rotation")
    request = FrameRequest(item.size, rotation if isinstance(rotation, int) else None,
                           at_ms=at_ms, still=True)  # fmt: skip
    with ExitStack() as stack:
        worker = probe or stack.enter_context(MetadataProbe())
        found = worker.frames(BlobReader(case.conn, item.blob_id), request)
        if found.still is None:
            raise VaultError(_("No frame could be decoded at {time}: {reason}").format(
                time=clock(at_ms), reason=found.problem or "?"))  # fmt: skip
        shown_ms, png = found.still
        stem = item.original_name.rsplit(".", 1)[0] or "video"
        name = f"{stem} frame {clock(shown_ms).replace(':', '-')}.png"
        return derive_item(case, item.id, png, name=name,
                           operation={"op": "frame", "at_ms": shown_ms}, probe=worker)  # fmt: skip
