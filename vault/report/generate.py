"""Court-ready PDF reports (DESIGN §7), for the whole case or chosen items, in English or
Ukrainian. The CLI and the desktop dialog both call `generate_report`.

The PDF is laid out into a temporary file beside the destination (never whole in memory:
exhibits are made as layout reaches them, pages compressed as they are finished), signed in
place there, hashed, and renamed in the same transaction that appends its `report.generate`
entry, so a cancelled or failed report leaves nothing under the chosen name and every
report on disk is in the log.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from reportlab.platypus import Flowable

from vault import __version__
from vault.case.certificate import report_key
from vault.case.handle import Case
from vault.custody.entry import Finding, utc_now
from vault.custody.tsa import Tsa
from vault.errors import Cancelled, FileExists, InvalidInput, VaultError
from vault.i18n import LANGUAGES, _
from vault.private import create_file
from vault.progress import Cancel, Progress
from vault.report.data import ReportFacts, gather
from vault.report.exhibits import exhibit
from vault.report.formatting import Words
from vault.report.layout import ReportDoc, Story, polling, register_fonts
from vault.report.sections import (
    Moment,
    appendix,
    certification,
    cover,
    custody_log,
    head_hex,
    limitations,
    signed_info,
    summary,
    verification,
)
from vault.report.signature import sign_pdf

STEPS = 1000  # progress is reported as (done, STEPS) across every stage


@dataclass(frozen=True)
class ReportResult:
    """What was written and logged; `verified` is the verification computed for it."""

    report_id: str
    path: Path
    sha256: str
    pages: int
    verified: bool
    seq: int  # the report.generate entry
    findings: list[Finding] = field(default_factory=list)
    signature: str = ""  # "PAdES-B-B" or "PAdES-B-T"
    certificate: str = ""  # SHA-256 of the signing certificate's DER


class _Stages:
    """One progress bar over verification, story building and layout; cancel polled often."""

    def __init__(self, progress: Progress | None, cancelled: Cancel | None) -> None:
        self._progress, self._cancelled = progress, cancelled

    def check(self) -> None:
        if self._cancelled and self._cancelled():
            raise Cancelled()

    def span(self, start: float, end: float) -> Callable[[float], None]:
        def report(fraction: float) -> None:
            if self._progress:
                self._progress(int(STEPS * (start + (end - start) * min(fraction, 1.0))), STEPS)

        return report


def generate_report(
    case: Case,
    out_path: Path | str,
    *,
    language: str = "en",
    item_ids: list[str] | None = None,
    progress: Progress | None = None,
    cancelled: Cancel | None = None,
    tsa: Tsa | None = None,
) -> ReportResult:
    """Verify the case now, write the signed report PDF to `out_path` and log
    `report.generate` with the signed file's SHA-256.

    `item_ids` None reports every item. The PDF is signed PAdES with the investigator's
    report certificate (self-issued and recorded by `identity.certificate` at first use);
    B-T with a time-stamp token from `tsa` when given (a network request the user asked
    for), else B-B. `progress(done, total)` and `cancelled()` are called from this thread;
    a cancel raises `Cancelled` and leaves no file and no entry (a certificate issued on
    the way stays recorded: it is the investigator's, not the report's)."""
    if language not in LANGUAGES:
        raise InvalidInput(_("Reports can be made in English (en) or Ukrainian (uk)."))
    out = Path(out_path)
    if not out.parent.is_dir():
        raise InvalidInput(_("The folder {folder} does not exist.").format(folder=out.parent))
    if out.exists():
        raise FileExists()
    stages = _Stages(progress, cancelled)
    key = report_key(case)  # before the facts: a first certificate is an entry of the log
    verify_span = stages.span(0.0, 0.4)
    facts = gather(
        case,
        str(uuid.uuid4()),
        item_ids,
        lambda done, total: verify_span(done / max(total, 1)),
        cancelled,
        key,
    )
    w = Words(language)
    temp = out.with_name(f".{out.name}.{facts.report_id}.part")
    try:
        reason = w("Evidence report {id}").format(id=facts.report_id)
        pages = _write(
            temp, facts, w, stages, lambda pdf: sign_pdf(pdf, key, tsa=tsa, reason=reason)
        )
        digest = _sha256(temp)
        details = {
            "language": language,
            "items": facts.item_ids,
            "report": facts.report_id,
            "pages": pages,
            "head": head_hex(facts),
            "verification": "passed" if facts.verification.ok else "failed",
            "certificate": key.sha256,
            "signature": "PAdES-B-T" if tsa is not None else "PAdES-B-B",
        }
        seq = _publish(case, out, temp, digest, details)
    except OSError as err:
        raise _cannot_write(err) from err
    finally:
        temp.unlink(missing_ok=True)
    stages.span(0, 1)(1.0)
    return ReportResult(
        facts.report_id,
        out,
        digest,
        pages,
        facts.verification.ok,
        seq,
        list(facts.verification.findings),
        str(details["signature"]),
        key.sha256,
    )


def _write(
    temp: Path, facts: ReportFacts, w: Words, stages: _Stages, sign: Callable[[BinaryIO], None]
) -> int:
    """Lay the report out into `temp` (owner only: it holds evidence in clear), then sign
    it there; the number of pages. Finished pages wait in a temporary file beside it (owner
    only too), deleted when closed, even if the process is killed (nameless on Linux)."""
    with create_file(temp) as f, tempfile.TemporaryFile(dir=temp.parent) as spool:
        pages = _render(facts, Moment(*utc_now()), w, stages, f, spool)
    stages.check()
    with open(temp, "r+b") as f:  # the signature is appended in place
        sign(f)
        f.flush()
        os.fsync(f.fileno())
    return pages


def _sha256(path: Path) -> str:
    with open(path, "rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


def _render(
    facts: ReportFacts, made: Moment, w: Words, stages: _Stages, out: BinaryIO, spool: BinaryIO
) -> int:
    register_fonts()
    info = signed_info(facts, w)
    title = info.title
    doc = ReportDoc(
        out,
        header=f"{w('Evidence report')} · {title[:90]}",
        ids=" · ".join(
            (
                w("Case {case}").format(case=facts.case.id),
                w("Report {report}").format(report=facts.report_id),
            )
        ),
        page_label=w("Page {page} of {total}"),
        title=f"{w('Evidence report')}: {title}",
        author=facts.case.signer.identity.name,
        subject=w("Case {number}, custody head {head}").format(
            number=info.number, head=head_hex(facts)
        ),
        creator=f"Evidence Vault {__version__}",
        keywords=facts.report_id,
        spool=spool,
    )
    doc.setProgressCallBack(polling(stages.check))
    doc.build(Story(_story(facts, made, w, stages)))
    doc.finish()
    return doc.pages


def _story(facts: ReportFacts, made: Moment, w: Words, stages: _Stages) -> Iterator[Flowable]:
    """The report's flowables in order, each exhibit made only when layout reaches it (read
    from the case then, and freed once drawn): memory stays flat in the number of items."""
    yield from cover(facts, made, w)
    yield from summary(facts, w)
    exhibit_span, total = stages.span(0.4, 0.9), max(len(facts.item_ids), 1)
    for ex in facts.exhibits():
        stages.check()
        yield from exhibit(ex, facts, w)
        exhibit_span(ex.number / total)
    closing = stages.span(0.9, 0.99)
    parts = (custody_log, verification, limitations, certification, appendix)
    for n, part in enumerate(parts, start=1):
        yield from part(facts, w)
        closing(n / len(parts))


def _publish(case: Case, out: Path, temp: Path, digest: str, details: dict[str, Any]) -> int:
    """Give the finished `temp` its name inside the transaction that logs the report."""
    renamed = False
    try:
        with case.act("report.generate", digest=digest, details=details) as act:
            entry = act.log()
            os.link(temp, out)  # unlike a rename, never replaces a file already there
            renamed = True
        return entry.seq
    except BaseException as err:
        if renamed:  # the log entry did not commit, so the file must not stay either
            out.unlink(missing_ok=True)
        if isinstance(err, FileExistsError):
            raise FileExists() from None
        raise


def _cannot_write(err: OSError) -> VaultError:
    return VaultError(_("Cannot write the report: {e}").format(e=err.strerror or err))
