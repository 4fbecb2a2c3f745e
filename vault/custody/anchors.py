"""RFC 3161 time-stamps of the custody head (DESIGN §8): asking a TSA the user configured,
refusing any response that does not prove what was asked, and saying what stored anchors prove.

The message imprint is SHA-256 with hashedMessage = the head's raw `entry_hash`. Because
entry_hash = SHA-256(prev || content_hash), the request is built by `rfc3161-client` over the
64 bytes prev || content_hash: the library hashes them into exactly the entry_hash, so no
ASN.1 is written by hand and `openssl ts -verify -digest <entry_hash hex>` checks the token.

The full TimeStampResp (DER) is stored in the case's content-addressed blob store; the
`anchor.timestamp` entry's digest is its SHA-256, so the entry finds it and covers it.
"""

from __future__ import annotations

import functools
import hashlib
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from cryptography import x509

from vault.case.handle import Case
from vault.custody.entry import Entry, Finding, read_entries
from vault.custody.logchain import by_seq, notable
from vault.custody.tsa import Tsa
from vault.errors import VaultError
from vault.evidence.blobstore import blob_chunks, store_bytes
from vault.i18n import _, ngettext

if TYPE_CHECKING:  # loaded where a token is made or checked: a case without one never needs it
    import rfc3161_client as rfc3161

ACTION = "anchor.timestamp"
CLOCK_SKEW = timedelta(minutes=5)
TIMEOUT_S = 20
MAX_RESPONSE = 1 << 20  # a TimeStampResp is a few KiB; more is not an answer
Post = Callable[[str, bytes], bytes]


class TsaUnreachable(VaultError):
    """The service could not be reached: offline, or it did not answer. Nothing changed.
    `reason` is the network's own word (a report says it in a sentence of its own)."""

    exit_code = 1

    def __init__(self, message: str, reason: object = "") -> None:
        super().__init__(message)
        self.reason = reason


class TokenRefused(VaultError):
    """The service answered, but the answer does not prove what was asked. Nothing stored."""

    exit_code = 1


@dataclass(frozen=True)
class Token:
    """The facts a verified response states, as `anchor.timestamp` records them."""

    der: bytes
    gen_time: datetime
    tsa: str
    serial: str
    policy: str
    nonce: str


def rfc3339(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def http_post(url: str, body: bytes) -> bytes:
    """POST a time-stamp query. Proxies from the environment are not used: the only
    address contacted is the one the user configured."""
    import urllib.error
    import urllib.request

    request = urllib.request.Request(
        url, data=body, headers={"Content-Type": "application/timestamp-query"}
    )
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(request, timeout=TIMEOUT_S) as reply:
            data: bytes = reply.read(MAX_RESPONSE + 1)
    except urllib.error.HTTPError as err:
        raise TokenRefused(
            _("The time-stamping service answered HTTP {code}.").format(code=err.code)
        ) from None
    except (urllib.error.URLError, OSError) as err:
        reason = getattr(err, "reason", err)
        raise TsaUnreachable(_(
            "The time-stamping service could not be reached ({reason}). Nothing was stored;"
            " the custody head waits, and the next time-stamp anchors everything before it."
        ).format(reason=reason), reason) from None  # fmt: skip
    if len(data) > MAX_RESPONSE:
        raise TokenRefused(_("The time-stamping service sent far too much data."))
    return data


def check_response(
    der: bytes, head: bytes, nonce: int | None, roots: list[x509.Certificate], named: bool = True
) -> Token:
    """Every check of §8 on a response: parsed, granted, signed by a time-stamping
    certificate that chains to `roots`, over `head`, answering our nonce. Raises TokenRefused.
    `named` False leaves `tsa` empty (verification has it from the entry; saves a parse)."""
    import rfc3161_client as rfc3161

    try:
        response = rfc3161.decode_timestamp_response(der)
    except ValueError:  # the parser's ASN.1 errors for any malformed DER
        raise TokenRefused(_("the answer is not an RFC 3161 time-stamp response")) from None
    if response.status != rfc3161.PKIStatus.GRANTED:
        said = "; ".join(response.status_string) or str(response.status)
        raise TokenRefused(_("the service refused to time-stamp: {said}").format(said=said))
    info = response.tst_info
    if info.message_imprint.message != head:
        raise TokenRefused(_("the token is over another hash than the custody head"))
    if nonce is not None and info.nonce != nonce:
        raise TokenRefused(_("the token does not answer our request (wrong nonce)"))
    try:
        _verifier(tuple(roots)).verify(response, head)
    except (rfc3161.VerificationError, ValueError) as err:
        raise TokenRefused(_("the token does not verify: {reason}").format(
            reason=_reason(str(err)))) from None  # fmt: skip
    tsa = _signer(response).subject.rfc4514_string() if named else ""
    return Token(der, info.gen_time, tsa, format(info.serial_number, "x"),
                 info.policy.dotted_string, format(info.nonce or 0, "x"))  # fmt: skip


@functools.lru_cache(maxsize=8)
def _verifier(roots: tuple[x509.Certificate, ...]) -> rfc3161.Verifier:
    """One verifier per set of roots: building it is a good part of checking a token."""
    import rfc3161_client as rfc3161

    builder = rfc3161.VerifierBuilder()
    for root in roots:
        builder = builder.add_root_certificate(root)
    return builder.build()


def _reason(message: str) -> str:
    """The readable part of a verifier error (OpenSSL's error stack is for developers)."""
    marker = "Verify error: "
    if marker in message:
        return message.split(marker, 1)[1].split('"', 1)[0]
    return message


def _signer(response: rfc3161.TimeStampResponse) -> x509.Certificate:
    certs = [x509.load_der_x509_certificate(c) for c in response.signed_data.certificates]
    sid = next(iter(response.signed_data.signer_infos))
    for cert in certs:
        if cert.issuer == sid.issuer and cert.serial_number == sid.serial_number:
            return cert
    raise TokenRefused(_("the token does not carry its signer's certificate"))


def head_entry(case: Case) -> Entry:
    rows = list(read_entries(case.conn, "WHERE seq = (SELECT MAX(seq) FROM custody)"))
    return rows[0]


def timestamp_case(case: Case, tsa: Tsa, post: Post = http_post) -> Entry:
    """Ask `tsa` for a token over the current head; store it and log `anchor.timestamp`.
    Offline or refused: raises, and the case is not changed."""
    import rfc3161_client as rfc3161

    head = head_entry(case)
    request = (
        rfc3161.TimestampRequestBuilder()
        .data(head.prev + head.content_hash)  # hashes to entry_hash: the imprint is the head
        .hash_algorithm(rfc3161.HashAlgorithm.SHA256)
        .nonce(nonce=True)
        .cert_request(cert_request=True)
        .build()
    )
    der = post(tsa.url, request.as_bytes())
    try:
        token = check_response(der, head.entry_hash, request.nonce, tsa.roots())
    except TokenRefused as err:
        raise TokenRefused(_(
            "The time-stamp from {name} was refused: {reason}. Nothing was stored."
        ).format(name=tsa.name, reason=err)) from None  # fmt: skip
    with case.act(ACTION) as act:
        blob = store_bytes(act.conn, token.der)
        ca_blob = store_bytes(act.conn, tsa.ca_pem.encode("ascii"))
        return act.log(digest=blob.sha256, details={
            "head_seq": head.seq, "head": head.entry_hash.hex(), "tsa": token.tsa,
            "url": tsa.url, "gen_time": rfc3339(token.gen_time), "serial": token.serial,
            "policy": token.policy, "nonce": token.nonce, "tsa_name": tsa.name,
            "ca_sha256": ca_blob.sha256,
        })  # fmt: skip


def read_blob(case: Case, sha256: str) -> bytes | None:
    """A stored blob's bytes by its SHA-256, or None when the case holds none."""
    row = case.conn.execute("SELECT id FROM blobs WHERE sha256 = ?", (sha256,)).fetchone()
    return b"".join(blob_chunks(case.conn, row[0])) if row else None


def anchor_blobs(case: Case, entries: list[Entry]) -> dict[str, bytes]:
    """Every stored token and kept CA the chain's anchors name, read now (on the case's
    thread), so that checking them can run beside the chain's signature checks."""
    wanted = set()
    for entry in entries:
        if entry.action == ACTION:
            wanted.add(str((entry.content or {}).get("digest")))
            wanted.add(str(entry.details.get("ca_sha256", "")))
    found = {digest: read_blob(case, digest) for digest in sorted(wanted)}
    return {digest: data for digest, data in found.items() if data is not None}


@dataclass
class AnchorCheck:
    """One anchor as verified: what it proves, and whether its TSA is trusted here."""

    seq: int
    head_seq: int
    gen_time: str
    tsa: str
    url: str
    valid: bool
    trusted: bool
    reason: str = ""

    def to_json(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass
class AnchorSummary:
    """What the anchors of one chain prove, and what still rests on the local clock."""

    anchors: list[AnchorCheck] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    length: int = 0

    @property
    def best(self) -> AnchorCheck | None:
        """The valid anchor reaching furthest into the chain (trusted preferred)."""
        valid = [a for a in self.anchors if a.valid]
        return max(valid, key=lambda a: (a.head_seq, a.trusted), default=None)

    @property
    def unanchored(self) -> int:
        """Entries after the furthest anchored head: their times rest on the local clock."""
        best = self.best
        return self.length - (best.head_seq + 1 if best else 0)

    def lines(self) -> list[str]:
        """The plain-words statement of what is proven, one line per anchor, then the tail."""
        out = []
        for a in self.anchors:
            if not a.valid:
                out.append(_("anchor at seq {seq}: NOT VALID: {reason}").format(
                    seq=a.seq, reason=a.reason))  # fmt: skip
                continue
            trust = _("trusted") if a.trusted else _("TSA NOT TRUSTED on this computer")
            out.append(_("entries 0–{head} existed before {time}, per {tsa} ({trust})").format(
                head=a.head_seq, time=a.gen_time.replace("T", " ").replace("Z", " UTC"),
                tsa=a.tsa, trust=trust))  # fmt: skip
        if not self.best:
            out.append(ngettext(
                "no trusted time: the one entry rests on the recording computer's clock",
                "no trusted time: all {n} entries rest on the recording computer's clock",
                self.length,
            ).format(n=self.length))  # fmt: skip
        elif self.unanchored:
            out.append(ngettext(
                "{n} entry since rests on the local clock",
                "{n} entries since rest on the local clock",
                self.unanchored,
            ).format(n=self.unanchored))  # fmt: skip
        return out

    def to_json(self) -> dict[str, Any]:
        best = self.best
        return {
            "entries": self.length,
            "anchored_through": best.head_seq if best else None,
            "unanchored": self.unanchored,
            "anchors": [a.to_json() for a in self.anchors],
            "findings": [{"seq": f.seq, "level": f.level, "reason": f.reason}
                         for f in self.findings],
        }  # fmt: skip


def verify_anchors(
    entries: Sequence[Entry],
    load: Callable[[str], bytes | None],
    roots: list[x509.Certificate],
) -> AnchorSummary:
    """Check every `anchor.timestamp` of a chain. `load(sha256)` gives stored bytes (the
    response, or the CA kept with it); `roots` are the CAs this computer's user trusts."""
    summary = AnchorSummary(length=len(entries))
    anchors = [e for e in notable(entries) if e.action == ACTION]
    if not anchors:
        return summary  # nothing to check, nor any clock to hold to a token
    at_seq = by_seq(entries)
    kept_cas: dict[str, list[x509.Certificate]] = {}  # one parse per kept CA, not per token
    for entry in anchors:
        check = _check_anchor(entry, at_seq, load, roots, kept_cas)
        summary.anchors.append(check)
        if not check.valid:
            summary.findings.append(Finding(entry.seq, check.reason))
        elif not check.trusted:
            summary.findings.append(Finding(entry.seq, _(
                "valid time-stamp, but its TSA ({tsa}) is not trusted on this computer"
            ).format(tsa=check.tsa), "warning"))  # fmt: skip
    summary.findings += _clock_ahead(entries, [a for a in summary.anchors if a.valid])
    return summary


def missing_reason() -> str:
    """The reason given for an anchor whose stored response is not there."""
    return _("the time-stamp response is missing")


def _check_anchor(
    entry: Entry,
    by_seq: Callable[[int], Entry | None],
    load: Callable[[str], bytes | None],
    roots: list[x509.Certificate],
    kept_cas: dict[str, list[x509.Certificate]],
) -> AnchorCheck:
    d = entry.details
    check = AnchorCheck(entry.seq, _int(d.get("head_seq")), str(d.get("gen_time", "")),
                        str(d.get("tsa", "")), str(d.get("url", "")), False, False)  # fmt: skip
    head = by_seq(check.head_seq)
    digest = (entry.content or {}).get("digest")
    der = load(digest) if isinstance(digest, str) else None
    if head is None or check.head_seq >= entry.seq or d.get("head") != head.entry_hash.hex():
        check.reason = _("the time-stamp names a head that is not this chain's entry")
    elif der is None:
        check.reason = missing_reason()
    elif hashlib.sha256(der).hexdigest() != digest:
        check.reason = _("the stored time-stamp response was changed")
    else:
        _check_token(check, der, head.entry_hash, d, _kept_roots(d, load, kept_cas), roots)
    return check


def _kept_roots(
    details: dict[str, Any],
    load: Callable[[str], bytes | None],
    kept_cas: dict[str, list[x509.Certificate]],
) -> list[x509.Certificate]:
    """The CA kept with a token (DESIGN §8), parsed once per run."""
    digest = str(details.get("ca_sha256", ""))
    if digest not in kept_cas:
        kept = load(digest) or b""
        try:
            kept_cas[digest] = x509.load_pem_x509_certificates(kept) if kept else []
        except ValueError:
            kept_cas[digest] = []
    return kept_cas[digest]


def _check_token(
    check: AnchorCheck,
    der: bytes,
    head: bytes,
    details: dict[str, Any],
    kept_roots: list[x509.Certificate],
    roots: list[x509.Certificate],
) -> None:
    """Trusted if it verifies against this user's roots; else, if it verifies against the
    CA kept with it, a valid token whose TSA is not trusted here; else not valid."""
    reason = ""
    for candidate, trusted in ((roots, True), (kept_roots, False)):
        if not candidate:
            continue
        try:
            token = check_response(der, head, None, candidate, named=False)
        except TokenRefused as err:
            reason = reason or str(err)
            continue
        if rfc3339(token.gen_time) != check.gen_time or token.serial != details.get("serial"):
            check.reason = _("the time-stamp entry does not match its token")
            return
        check.valid, check.trusted = True, trusted
        return
    check.reason = reason or _("no CA certificate to check the time-stamp against")


def _clock_ahead(entries: Sequence[Entry], anchors: list[AnchorCheck]) -> list[Finding]:
    """Entries a token proves earlier than their own `at`: the recording clock ran ahead.
    Each entry is held to the earliest time any anchor covering it proves (one pass).
    `at` is fixed-width RFC 3339 UTC, so comparing the text compares the times."""
    limits: dict[int, tuple[str, str]] = {}  # head seq -> (latest `at` allowed, token time)
    for a in anchors:
        moment = datetime.strptime(a.gen_time, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
        pair = ((moment + CLOCK_SKEW).strftime("%Y-%m-%dT%H:%M:%S.%fZ"), a.gen_time)
        limits[a.head_seq] = min(pair, limits.get(a.head_seq, pair))
    found: list[Finding] = []
    limit: tuple[str, str] | None = None
    for entry in reversed(entries):
        if entry.seq in limits:
            limit = min(limits[entry.seq], limit or limits[entry.seq])
        recorded = (entry.content or {}).get("at") if limit else None
        # the cheap comparison first: the pattern is checked only on the rare entry ahead
        if limit and isinstance(recorded, str) and recorded > limit[0] and _AT.match(recorded):
            found.append(Finding(entry.seq, _(
                "recorded at {at}, after the time-stamp of {time} proves it existed:"
                " the recording clock ran ahead"
            ).format(at=recorded, time=limit[1]), "warning"))  # fmt: skip
    return found[::-1]


_AT = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$")


def _int(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else -1


def case_anchors(case: Case, roots: list[x509.Certificate] | None = None) -> AnchorSummary:
    """Verify the anchors of a case's own chain against the user's trusted TSA roots."""
    from vault.custody.tsa import trusted_roots

    entries = list(read_entries(case.conn))
    return verify_anchors(entries, lambda h: read_blob(case, h), roots or trusted_roots())
