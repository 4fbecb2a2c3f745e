"""A real RFC 3161 time-stamping service on 127.0.0.1 for the anchor tests.

`openssl ts -reply` signs, under a test CA made at start-up (the recipe measured in
NOTES-trust.md §3), behind a small stdlib HTTP server in a thread. `mode` makes it misbehave
the ways a real service or an attacker could: reject, stamp another hash, answer another
request (wrong nonce), sign with a certificate lacking the time-stamping purpose, send junk.
"""

from __future__ import annotations

import http.server
import secrets
import subprocess
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.helpers.network import LOOPBACK_ALLOWED

_EXT = """basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature
{eku}subjectKeyIdentifier=hash
authorityKeyIdentifier=keyid
"""
_CNF = """[ tsa ]
default_tsa = tsa_config1
[ tsa_config1 ]
dir = {dir}
serial = $dir/tsaserial
crypto_device = builtin
signer_cert = $dir/tsa.pem
signer_key = $dir/tsa.key
signer_digest = sha256
default_policy = 1.3.6.1.4.1.99999.1
digests = {digests}
accuracy = secs:1
ordering = yes
tsa_name = yes
ess_cert_id_chain = no
ess_cert_id_alg = sha256
"""


def _openssl(*args: str | Path, cwd: Path) -> None:
    subprocess.run(["openssl", *map(str, args)], cwd=cwd, check=True, capture_output=True,
                   timeout=30)  # fmt: skip


def make_ca(folder: Path, name: str = "ca") -> Path:
    """A self-signed P-256 root CA: folder/<name>.pem and .key."""
    folder.mkdir(parents=True, exist_ok=True)
    _openssl("req", "-x509", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
             "-nodes", "-keyout", f"{name}.key", "-out", f"{name}.pem", "-days", "3650",
             "-subj", f"/CN=EV Test Root {name}",
             "-addext", "basicConstraints=critical,CA:TRUE",
             "-addext", "keyUsage=critical,keyCertSign,cRLSign", cwd=folder)  # fmt: skip
    return folder / f"{name}.pem"


def _issue(folder: Path, name: str, eku: bool) -> None:
    _openssl("req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
             "-keyout", f"{name}.key", "-out", f"{name}.csr", "-subj", f"/CN=EV Test {name}",
             cwd=folder)  # fmt: skip
    ext = _EXT.format(eku="extendedKeyUsage=critical,timeStamping\n" if eku else "")
    (folder / f"{name}.ext").write_text(ext)
    _openssl("x509", "-req", "-in", f"{name}.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
             "-CAcreateserial", "-days", "1825", "-extfile", f"{name}.ext", "-out",
             f"{name}.pem", cwd=folder)  # fmt: skip


class LoopbackTsa:
    """The service; `url`, `ca` (the root PEM to trust), `mode`, `requests` served."""

    def __init__(self, folder: Path) -> None:
        self.dir = folder
        self.ca = make_ca(folder)
        _issue(folder, "tsa", eku=True)
        _issue(folder, "noeku", eku=False)
        (folder / "tsaserial").write_text("01\n")
        for name, digests in (("tsa.cnf", "sha256"), ("reject.cnf", "sha512")):
            (folder / name).write_text(_CNF.format(dir=folder, digests=digests))
        self.mode = "good"
        self.requests = 0
        self._lock = threading.Lock()
        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.address = ("127.0.0.1", self._server.server_address[1])
        self.url = f"http://127.0.0.1:{self.address[1]}/tsa"

    def _handler(self) -> type[http.server.BaseHTTPRequestHandler]:
        service = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                if self.headers.get("Content-Type") != "application/timestamp-query":
                    self.send_error(415)
                    return
                reply = service.answer(body)
                self.send_response(200)
                self.send_header("Content-Type", "application/timestamp-reply")
                self.send_header("Content-Length", str(len(reply)))
                self.end_headers()
                self.wfile.write(reply)

            def log_message(self, *args: object) -> None:
                pass

        return Handler

    def answer(self, query: bytes) -> bytes:
        """Sign as `mode` says; one request at a time (the serial file is shared)."""
        with self._lock:
            self.requests += 1
            if self.mode == "junk":
                return b"this is not a time-stamp response"
            q = self.dir / "q.tsq"
            q.write_bytes(query)
            if self.mode in ("other_hash", "wrong_nonce"):
                digest = secrets.token_hex(32) if self.mode == "other_hash" else self.head_hex
                _openssl("ts", "-query", "-digest", digest, "-sha256", "-cert", "-out", "q.tsq",
                         cwd=self.dir)  # fmt: skip
            config = "reject.cnf" if self.mode == "reject" else "tsa.cnf"
            if self.mode == "noeku":
                return self._signed_without_eku()
            _openssl("ts", "-reply", "-config", config, "-queryfile", "q.tsq", "-out", "r.tsr",
                     cwd=self.dir)  # fmt: skip
            return (self.dir / "r.tsr").read_bytes()

    head_hex = ""  # the head a "wrong_nonce" answer stamps (set by the test)

    def _signed_without_eku(self) -> bytes:
        """The same TSTInfo a good answer holds, re-signed by a certificate from the same CA
        that lacks the time-stamping purpose, wrapped as a granted response."""
        d = self.dir
        _openssl("ts", "-reply", "-config", "tsa.cnf", "-queryfile", "q.tsq", "-token_out",
                 "-out", "tok.der", cwd=d)  # fmt: skip
        _openssl("cms", "-verify", "-noverify", "-inform", "DER", "-in", "tok.der", "-out",
                 "tstinfo.der", cwd=d)  # fmt: skip
        _openssl("cms", "-sign", "-binary", "-nodetach", "-outform", "DER", "-econtent_type",
                 "id-smime-ct-TSTInfo", "-signer", "noeku.pem", "-inkey", "noeku.key", "-in",
                 "tstinfo.der", "-md", "sha256", "-nosmimecap", "-out", "tok2.der",
                 cwd=d)  # fmt: skip
        _openssl("ts", "-reply", "-token_in", "-in", "tok2.der", "-out", "r.tsr", cwd=d)
        return (d / "r.tsr").read_bytes()

    @contextmanager
    def running(self) -> Iterator[LoopbackTsa]:
        """Serve in a thread; only while running may the test connect to this address."""
        thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        thread.start()
        LOOPBACK_ALLOWED.add(self.address)
        try:
            yield self
        finally:
            LOOPBACK_ALLOWED.discard(self.address)
            self._server.shutdown()
            self._server.server_close()
            thread.join(timeout=10)
