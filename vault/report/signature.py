"""PAdES signatures on reports (DESIGN §7) with pyHanko: B-B with the investigator's ECDSA
P-256 certificate (vault/case/certificate.py), B-T when the user names a time-stamping
service for the report. The request for a time-stamp token is the only network call, made
because the user asked for it, through the same client as the log's anchors (no proxies).
"""

from __future__ import annotations

import asyncio
import logging
from typing import BinaryIO

from asn1crypto import keys as asn1_keys
from asn1crypto import tsp
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import serialization
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields, signers, timestamps
from pyhanko_certvalidator.registry import SimpleCertificateStore

from vault.case.certificate import ReportKey
from vault.custody.anchors import TsaUnreachable, http_post
from vault.custody.tsa import Tsa
from vault.errors import VaultError
from vault.i18n import _

FIELD = "EVSig1"
logging.getLogger("pyhanko").setLevel(logging.ERROR)  # its warnings are not the user's business


class _CaseTimeStamper(timestamps.TimeStamper):
    """pyHanko's RFC 3161 client, posting through the app's own HTTP client."""

    def __init__(self, tsa: Tsa) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._url = tsa.url
        self._name = tsa.name

    async def async_request_tsa_response(self, req: tsp.TimeStampReq) -> tsp.TimeStampResp:
        try:
            body = await asyncio.to_thread(http_post, self._url, req.dump())
        except TsaUnreachable as err:  # its words are about the log's head, not a report
            raise TsaUnreachable(_(
                "The time-stamping service {name} could not be reached ({reason}), so the "
                "report was not made. Try again when it can be reached, or sign without a "
                "time-stamp (PAdES B-B)."
            ).format(name=self._name, reason=err.reason), err.reason) from None  # fmt: skip
        return tsp.TimeStampResp.load(body)


def _asn1(key: ReportKey) -> signers.SimpleSigner:
    der = key.certificate.public_bytes(serialization.Encoding.DER)
    pkcs8 = key.private_key.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    chain = [
        asn1_x509.Certificate.load(c.public_bytes(serialization.Encoding.DER)) for c in key.chain
    ]
    return signers.SimpleSigner(
        signing_cert=asn1_x509.Certificate.load(der),
        signing_key=asn1_keys.PrivateKeyInfo.load(pkcs8),
        cert_registry=SimpleCertificateStore.from_certs(chain),  # type: ignore[no-untyped-call]
    )


def sign_pdf(pdf: BinaryIO, key: ReportKey, *, tsa: Tsa | None = None, reason: str = "") -> None:
    """Append a PAdES signature to the PDF in `pdf` (a file open for reading and writing) as
    an incremental update: the signed bytes are the report as made. B-T with a token from
    `tsa`, else B-B. pyHanko reads and hashes the file in chunks, so a big report is never
    whole in memory."""
    meta = signers.PdfSignatureMetadata(
        field_name=FIELD,
        subfilter=fields.SigSeedSubFilter.PADES,
        md_algorithm="sha256",
        reason=reason or None,
    )
    stamper = _CaseTimeStamper(tsa) if tsa is not None else None
    try:
        signers.PdfSigner(meta, signer=_asn1(key), timestamper=stamper).sign_pdf(
            IncrementalPdfFileWriter(pdf), in_place=True
        )
    except (VaultError, OSError):
        raise
    except Exception as err:  # pyHanko raises its own and aiohttp/asn1crypto errors
        raise VaultError(_("The report could not be signed: {e}").format(e=err)) from err
