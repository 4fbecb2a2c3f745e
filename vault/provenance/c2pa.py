"""C2PA Content Credentials, read offline (DESIGN §9).

Always through a `c2pa.Context` with remote manifest fetching and OCSP off and no network
host allowed: an offline vault must never reach out, and a remote-only manifest becomes its
own "not fetched" result. `check_c2pa` runs inside the sandboxed metadata worker (a manifest
is hostile input for a native parser); `might_hold_c2pa` is the cheap test that decides
whether a file goes there at all, so photos without manifests cost next to nothing.
"""

from __future__ import annotations

import importlib.metadata
import json
import struct
from collections.abc import Iterable
from typing import Any

from vault.evidence.filetype import Source, open_source
from vault.provenance.record import Provenance, clipped
from vault.provenance.trust import TrustList

# A manifest store is a JUMBF box labelled "c2pa"; a remote manifest is announced in XMP as
# dcterms:provenance. A file holding neither has nothing for the validator to read.
MARKERS = (b"c2pa", b"provenance")
_OVERLAP = max(len(m) for m in MARKERS) - 1

REMOTE = "ev.remoteManifest.notFetched"  # a remote-only manifest; nothing fetched offline
UNREADABLE = "ev.manifest.unreadable"  # the validator refused the manifest (algorithm, format)
_STATES = {"Trusted": "trusted", "Valid": "valid", "Invalid": "invalid"}
_SETTINGS: dict[str, Any] = {
    "version": 1,
    "verify": {"verify_trust": True, "remote_manifest_fetch": False, "ocsp_fetch": False},
    "core": {"allowed_network_hosts": []},  # [] blocks every host
}


class MarkerScan:
    """Watches bytes as an import streams them and remembers whether any C2PA marker went by;
    `read` wraps a file's read so the scan costs no second pass over the file. The media data
    of an MP4 or MOV (nearly all of a video's bytes) is passed over: see `_MediaData`."""

    def __init__(self, read: Any) -> None:
        self._read = read
        self._tail = b""
        self._offset = 0
        self._media = _MediaData()
        self.found = False

    def read(self, n: int = -1) -> bytes:
        chunk: bytes = self._read(n)
        if not self.found and chunk:
            self.found = any(
                self._holds(piece) for piece in self._media.outside(self._offset, chunk)
            )
        self._offset += len(chunk)
        return chunk

    def _holds(self, piece: bytes) -> bool:
        # The piece and the seam with the previous one, without copying a whole chunk.
        seam = self._tail + piece[:_OVERLAP]
        self._tail = (
            (self._tail + piece)[-_OVERLAP:] if len(piece) < _OVERLAP else piece[-_OVERLAP:]
        )
        return any(m in seam or m in piece for m in MARKERS)


class _MediaData:
    """Where the top-level `mdat` boxes of an ISO BMFF file (MP4, MOV, 3GP, HEIF) hold their
    media data, read from the box headers as the bytes stream by. C2PA stores a BMFF file's
    manifest in a top-level `uuid` box, never inside `mdat`, so the media data needs no scan.
    Anything else, or a box structure that stops making sense, is scanned whole."""

    def __init__(self) -> None:
        self._next: int | None = 0  # where the next top-level box starts; None: scan all
        self._header = b""  # that box's header bytes seen so far
        self._skip = (0, 0)  # the media data [start, end) last found

    def outside(self, start: int, chunk: bytes) -> list[bytes]:
        """The pieces of `chunk` (at `start` in the stream) that are not media data."""
        end = start + len(chunk)
        skips = [self._skip, *self._walk(start, chunk)]
        pieces, at = [], start
        for lo, hi in skips:
            lo, hi = max(lo, start), min(hi, end)
            if lo < hi:
                if at < lo:
                    pieces.append(chunk[at - start : lo - start])
                at = max(at, hi)
        if at == start:
            return [chunk]
        return [*pieces, chunk[at - start :]] if at < end else pieces

    def _walk(self, start: int, chunk: bytes) -> list[tuple[int, int]]:
        found: list[tuple[int, int]] = []
        end = start + len(chunk)
        while self._next is not None and self._next + len(self._header) < end:
            at = self._next + len(self._header) - start
            need = (16 if self._header[:4] == b"\0\0\0\1" else 8) - len(self._header)
            self._header += chunk[at : at + need]
            if len(self._header) < 8 or (
                self._header[:4] == b"\0\0\0\1" and len(self._header) < 16
            ):
                continue  # the rest of the header is in this chunk (loop again) or the next
            size, kind = struct.unpack(">I4s", self._header[:8])
            head = 8
            if size == 1:
                size, head = struct.unpack(">Q", self._header[8:16])[0], 16
            elif size == 0:  # the last box, to the end of the file
                size = 1 << 62
            if (self._next == 0 and kind != b"ftyp") or size < head:
                self._next = None  # not BMFF, or a box structure that makes no sense
                break
            if kind == b"mdat":
                self._skip = (self._next + head, self._next + size)
                found.append(self._skip)
            self._next, self._header = self._next + size, b""
        return found


def might_hold_c2pa(data: bytes) -> bool:
    """True when the bytes hold a C2PA marker (a false positive only costs a validator run)."""
    return any(m in data for m in MARKERS)


def tool_name(*, sdk: bool = True) -> str:
    """The validator and its version (with the bundled c2pa-rs version where loaded)."""
    name = f"c2pa-python {importlib.metadata.version('c2pa-python')}"
    if not sdk:
        return name  # the app process does not load the native library just for a name
    import c2pa

    return f"{name} (c2pa-rs {c2pa.sdk_version()})"


def settings(lists: list[TrustList]) -> dict[str, Any]:
    """The validator's settings: offline always, anchored on `lists` (none: no anchors)."""
    result: dict[str, Any] = json.loads(json.dumps(_SETTINGS))
    anchors = _bundle(t.anchors for t in lists)
    if anchors:
        result["trust"] = {"trust_anchors": anchors}
        allowed = _bundle(t.allowed for t in lists)
        if allowed:
            result["trust"]["allowed_list"] = allowed
    return result


def _bundle(pems: Iterable[str]) -> str:
    """PEM texts as one bundle. Each ends on a line break: the interim list's file has
    none, and glued to the next list it hid that list's first certificate."""
    return "".join(p if p.endswith("\n") else p + "\n" for p in pems if p.strip())


_CONTEXTS: dict[tuple[str, ...], Any] = {}  # per worker: parsing ~130 certificates costs


def _context(lists: list[TrustList]) -> Any:
    from c2pa import Context

    key = tuple(t.to_record()["sha256"] + t.to_record().get("allowed_sha256", "") for t in lists)
    if key not in _CONTEXTS:
        if len(_CONTEXTS) > 16:  # the lists changed many times in one worker's life
            _CONTEXTS.clear()
        _CONTEXTS[key] = Context.from_dict(settings(lists))
    return _CONTEXTS[key]


def _read(source: Source, mime: str, lists: list[TrustList]) -> Any:
    from c2pa import Reader

    with open_source(source) as stream:
        return Reader.try_create(mime, stream, context=_context(lists))


def check_c2pa(source: Source, mime: str, lists: list[TrustList]) -> Provenance | None:
    """The manifest's reading with every list as anchors, or None without a manifest.
    Runs in the metadata worker; a validator that raises gives an "unverifiable" result."""
    from c2pa import C2paError, Reader

    if mime not in Reader.get_supported_mime_types():
        return None  # a type that cannot carry a manifest: a marker there was chance
    try:
        reader = _read(source, mime, lists)
    except C2paError as err:
        return _refused(str(err), lists)
    if reader is None:
        return None
    with reader:
        result = _reading(reader)
    result.trust = _trust(source, mime, lists, result.state)
    return result


def _refused(message: str, lists: list[TrustList]) -> Provenance:
    remote = "remote manifest" in message.lower()
    code = REMOTE if remote else UNREADABLE
    result = Provenance("c2pa", "unverifiable", [code], tool=tool_name())
    result.message = clipped(message)
    if remote and "url " in message:
        result.claims["remote_url"] = clipped(message.rsplit("url ", 1)[1].strip())
    result.trust = {"chained_to": None, "checked": [t.to_record() for t in lists]}
    return result


def _reading(reader: Any) -> Provenance:
    manifest_store = json.loads(reader.json())
    active = (manifest_store.get("manifests") or {}).get(manifest_store.get("active_manifest"))
    manifest = active if isinstance(active, dict) else {}
    results = (reader.get_validation_results() or {}).get("activeManifest") or {}
    codes = [str(c.get("code")) for key in ("failure", "informational")
             for c in results.get(key) or [] if isinstance(c, dict)]  # fmt: skip
    signature = manifest.get("signature_info") or {}
    state = _STATES.get(str(reader.get_validation_state()), "unverifiable")
    return Provenance(
        "c2pa", state, codes,
        signer=_text(signature.get("common_name")),
        issuer=_text(signature.get("issuer")),
        claim_generator=_generator(manifest),
        signed_at=_text(signature.get("time")),
        claims=capture_claims(manifest),
        tool=tool_name(),
    )  # fmt: skip


def _text(value: Any) -> str | None:
    return None if value is None else clipped(value)


def _generator(manifest: dict[str, Any]) -> str | None:
    if manifest.get("claim_generator"):
        return clipped(manifest["claim_generator"])
    info = manifest.get("claim_generator_info") or []
    names = [f"{i.get('name', '')} {i.get('version') or ''}".strip()
             for i in info if isinstance(i, dict)]  # fmt: skip
    return clipped("; ".join(names)) if names else None


_EXIF_CLAIMS = {
    "time": ("exif:DateTimeOriginal",),
    "latitude": ("exif:GPSLatitude",),
    "longitude": ("exif:GPSLongitude",),
    "altitude": ("exif:GPSAltitude",),
    "device": ("tiff:Make", "tiff:Model", "exifEX:BodySerialNumber"),
}


def capture_claims(manifest: dict[str, Any]) -> dict[str, str]:
    """What the active manifest says about the capture, every value a string: title, the
    actions taken, the author, and from its EXIF assertion time, place and device."""
    claims: dict[str, str] = {}
    if manifest.get("title"):
        claims["title"] = clipped(manifest["title"])
    for assertion in manifest.get("assertions") or []:
        if not isinstance(assertion, dict) or not isinstance(assertion.get("data"), dict):
            continue
        label, data = str(assertion.get("label", "")), assertion["data"]
        if label.startswith("c2pa.actions"):
            names = [str(a.get("action")) for a in data.get("actions") or [] if isinstance(a, dict)]
            claims["actions"] = clipped(", ".join(names))
        elif label == "stds.schema-org.CreativeWork":
            authors = [str(a.get("name")) for a in data.get("author") or [] if isinstance(a, dict)]
            if authors:
                claims["author"] = clipped(", ".join(authors))
        elif label == "stds.exif":
            for claim, keys in _EXIF_CLAIMS.items():
                values = [str(data[k]) for k in keys if data.get(k) not in (None, "")]
                if values:
                    claims[claim] = clipped(" ".join(values))
    return claims


def _trust(source: Source, mime: str, lists: list[TrustList], state: str) -> dict[str, Any]:
    """Which list the signer chained to: for a trusted reading, the first list that trusts
    it alone (C2PA asks apps to tell interim-list signers apart from official ones)."""
    checked = [t.to_record() for t in lists]
    chained = None
    if state == "trusted":
        # Trusted by all of them and by none of the others alone: the last one (one read less).
        earlier = (t for t in lists[:-1] if _state_with(source, mime, t) == "trusted")
        chained = next(earlier, lists[-1])
    return {"chained_to": chained.to_record() if chained else None, "checked": checked}


def _state_with(source: Source, mime: str, trust_list: TrustList) -> str:
    reader = _read(source, mime, [trust_list])
    with reader:
        return _STATES.get(str(reader.get_validation_state()), "unverifiable")
