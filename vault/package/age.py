"""Streaming age v1 encryption for `.zip.age` packages (https://age-encryption.org/v1).

X25519 recipients and identities go through pyrage's streaming `encrypt_io`/`decrypt_io`.
pyrage's passphrase API takes and returns whole byte strings, which would hold a 1 GiB
package in memory twice, so the passphrase (scrypt) recipient is written and read here, in
64 KiB STREAM chunks, with the `cryptography` primitives age itself specifies. Debian's
`age -d` and pyrage's `passphrase.decrypt` read what this writes (tests check both).
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import hmac
import io
import os
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

import pyrage
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from vault.errors import InvalidInput, VaultError
from vault.i18n import _
from vault.package.ziparchive import BadArchive

if TYPE_CHECKING:
    from _typeshed import ReadableBuffer, WriteableBuffer

MAGIC = b"age-encryption.org/v1"
CHUNK = 64 * 1024
TAG = 16
WORK_FACTOR = 18  # scrypt N = 2^18: about a second here, and 256 MiB of memory
MAX_WORK_FACTOR = WORK_FACTOR  # age's own default too; more would need > 256 MiB to open
SCRYPT_LABEL = b"age-encryption.org/v1/scrypt"


class DecryptFailed(VaultError):
    exit_code = 2

    def default_message(self) -> str:
        return _("The package could not be decrypted: the passphrase or key is not right.")


def _b64(raw: bytes) -> bytes:
    return base64.b64encode(raw).rstrip(b"=")


def _unb64(text: bytes) -> bytes:
    return base64.b64decode(text + b"=" * (-len(text) % 4), validate=True)


def _hkdf(key: bytes, salt: bytes, info: bytes) -> bytes:
    return HKDF(hashes.SHA256(), 32, salt, info).derive(key)


def _scrypt(passphrase: str, salt: bytes, log_n: int) -> bytes:
    n = 1 << log_n
    return hashlib.scrypt(passphrase.encode("utf-8"), salt=SCRYPT_LABEL + salt, n=n, r=8, p=1,
                          maxmem=128 * 8 * n + (32 << 20), dklen=32)  # fmt: skip


def _nonce(counter: int, last: bool) -> bytes:
    return counter.to_bytes(11, "big") + (b"\x01" if last else b"\x00")


class PassphraseWriter(io.RawIOBase):
    """A write-only stream that age-encrypts to `out` under a passphrase; `close()` seals it."""

    def __init__(self, out: BinaryIO, passphrase: str, work_factor: int = WORK_FACTOR) -> None:
        super().__init__()
        file_key, salt, nonce = os.urandom(16), os.urandom(16), os.urandom(16)
        wrapped = ChaCha20Poly1305(_scrypt(passphrase, salt, work_factor)).encrypt(
            bytes(12), file_key, None
        )
        header = b"%s\n-> scrypt %s %d\n%s\n---" % (MAGIC, _b64(salt), work_factor, _b64(wrapped))
        mac = hmac.new(_hkdf(file_key, b"", b"header"), header, "sha256").digest()
        out.write(header + b" " + _b64(mac) + b"\n" + nonce)
        self._out, self._aead = out, ChaCha20Poly1305(_hkdf(file_key, nonce, b"payload"))
        self._buffer, self._counter = bytearray(), 0

    def writable(self) -> bool:
        return True

    def write(self, data: ReadableBuffer, /) -> int:
        with memoryview(data) as view:
            self._buffer += view
            size = view.nbytes
        # A chunk is sealed only once more data follows: the last one carries a flag.
        while len(self._buffer) > CHUNK:
            self._seal(bytes(self._buffer[:CHUNK]), last=False)
            del self._buffer[:CHUNK]
        return size

    def _seal(self, plain: bytes, last: bool) -> None:
        self._out.write(self._aead.encrypt(_nonce(self._counter, last), plain, None))
        self._counter += 1

    def close(self) -> None:
        if not self.closed:
            self._seal(bytes(self._buffer), last=True)
            self._buffer.clear()
        super().close()


class PassphraseReader(io.RawIOBase):
    """A read-only stream of the plaintext of an age file encrypted under a passphrase."""

    def __init__(self, src: BinaryIO, passphrase: str) -> None:
        super().__init__()
        file_key = _open_header(src, passphrase)
        nonce = src.read(16)
        if len(nonce) != 16:
            raise DecryptFailed(_("The encrypted package is truncated."))
        self._src, self._aead = src, ChaCha20Poly1305(_hkdf(file_key, nonce, b"payload"))
        self._next = src.read(CHUNK + TAG)
        self._plain, self._counter, self._done = b"", 0, False

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: WriteableBuffer, /) -> int:
        while not self._plain and not self._done:
            self._open_chunk()
        with memoryview(buffer) as view, view.cast("B") as out:
            n = min(out.nbytes, len(self._plain))
            out[:n] = self._plain[:n]
        self._plain = self._plain[n:]
        return n

    def _open_chunk(self) -> None:
        sealed, self._next = self._next, self._src.read(CHUNK + TAG)
        last = not self._next
        try:
            self._plain = self._aead.decrypt(_nonce(self._counter, last), sealed, None)
        except InvalidTag:
            raise BadArchive(
                _("The encrypted package is damaged or truncated (chunk {n}).").format(
                    n=self._counter
                )
            ) from None
        self._counter += 1
        self._done = last


# scrypt results derived ahead by `key_derived_first`, for the read that follows.
_EARLY: dict[tuple[str, bytes, int], bytes] = {}


@contextmanager
def key_derived_first(path: Path, passphrase: str | None) -> Iterator[None]:
    """Run an encrypted package's scrypt now, while the process is still small, and keep
    the result for reading it inside this block. scrypt at work factor 18 needs 256 MiB
    by itself: run after the verifier's imports, the peak passed 300 MB (issue 9). A
    file that is not a passphrase-encrypted package is left for the read to refuse."""
    try:
        if passphrase is not None:
            with contextlib.suppress(OSError, DecryptFailed), open(path, "rb") as src:
                salt, log_n, _wrapped, _mac, _lines = _stanza(src)
                _EARLY[(passphrase, salt, log_n)] = _scrypt(passphrase, salt, log_n)
        yield
    finally:
        _EARLY.clear()


def _stanza(src: BinaryIO) -> tuple[bytes, int, bytes, bytes, list[bytes]]:
    """The header's scrypt stanza: salt, work factor, wrapped key, MAC, and its lines."""
    lines = [src.readline(200) for _i in range(4)]
    if lines[0].rstrip(b"\n") != MAGIC or not lines[1].startswith(b"-> "):
        raise DecryptFailed(_("This is not an age-encrypted file."))
    stanza = lines[1].split()
    if len(stanza) < 2:
        raise DecryptFailed(_("The header of the encrypted package is damaged."))
    if stanza[1] != b"scrypt" or len(stanza) != 4 or not lines[3].startswith(b"--- "):
        raise DecryptFailed(_("This package is encrypted to a key, not a passphrase."))
    try:
        salt, log_n, wrapped = _unb64(stanza[2]), int(stanza[3]), _unb64(lines[2].strip())
        mac = _unb64(lines[3][4:].strip())
    except ValueError:
        raise DecryptFailed(_("The header of the encrypted package is damaged.")) from None
    if not 1 <= log_n <= MAX_WORK_FACTOR:
        raise DecryptFailed(_("The encrypted package asks for too much memory to open."))
    return salt, log_n, wrapped, mac, lines


def _open_header(src: BinaryIO, passphrase: str) -> bytes:
    """Check the header and its MAC; return the file key."""
    salt, log_n, wrapped, mac, lines = _stanza(src)
    derived = _EARLY.get((passphrase, salt, log_n)) or _scrypt(passphrase, salt, log_n)
    try:
        file_key = ChaCha20Poly1305(derived).decrypt(bytes(12), wrapped, None)
    except InvalidTag:
        raise DecryptFailed() from None
    header = b"".join(lines[:3]) + b"---"
    if not hmac.compare_digest(
        hmac.new(_hkdf(file_key, b"", b"header"), header, "sha256").digest(), mac
    ):
        raise DecryptFailed(_("The header of the encrypted package was changed."))
    return file_key


class _Worker(threading.Thread):
    """Runs pyrage's blocking call on its end of a pipe; keeps what it raised for close()."""

    def __init__(self, work: Callable[[BinaryIO], None], theirs: BinaryIO) -> None:
        super().__init__(daemon=True)
        self._work, self._theirs = work, theirs
        self.errors: list[BaseException] = []

    def run(self) -> None:
        try:
            self._work(self._theirs)
        except BaseException as err:  # noqa: BLE001 - reported by the caller's close()
            self.errors.append(err)
        finally:
            self._theirs.close()


def _piped(work: Callable[[BinaryIO], None], write_side: bool) -> tuple[io.BufferedIOBase, _Worker]:
    """Run pyrage's blocking stream call on one end of a pipe, give the caller the other."""
    r, w = os.pipe()
    reader, writer = os.fdopen(r, "rb"), os.fdopen(w, "wb")
    theirs, ours = (reader, writer) if write_side else (writer, reader)
    thread = _Worker(work, theirs)
    thread.start()
    return ours, thread


class _PipeEnd(io.RawIOBase):
    """Our end of a pipe whose other end a pyrage thread serves; errors surface on close."""

    def __init__(self, end: io.BufferedIOBase, thread: _Worker, readable: bool) -> None:
        super().__init__()
        self._end, self._thread, self._readable = end, thread, readable

    def readable(self) -> bool:
        return self._readable

    def writable(self) -> bool:
        return not self._readable

    def readinto(self, buffer: WriteableBuffer, /) -> int:
        n = self._end.readinto(buffer)
        if n == 0:
            self._raise_errors()
        return n

    def write(self, data: ReadableBuffer, /) -> int:
        return self._end.write(data)

    def _raise_errors(self) -> None:
        self._thread.join()
        for err in self._thread.errors:
            raise DecryptFailed(str(err)) if self._readable else err

    def close(self) -> None:
        if not self.closed:
            self._end.close()
            self._raise_errors()
        super().close()


def recipient_writer(out: BinaryIO, recipients: list[str]) -> io.RawIOBase:
    """A write-only stream that pyrage encrypts to X25519 `recipients` (age1...) into `out`."""
    try:
        keys = [pyrage.x25519.Recipient.from_str(r.strip()) for r in recipients]
    except pyrage.RecipientError:
        raise InvalidInput(_("That is not an age recipient key (age1...).")) from None
    end, thread = _piped(lambda plain: pyrage.encrypt_io(plain, out, keys), write_side=True)
    return _PipeEnd(end, thread, readable=False)


def decrypting_reader(src: BinaryIO, secret: str) -> BinaryIO:
    """The plaintext of an age file: `secret` is a passphrase, or age identities (an
    AGE-SECRET-KEY-1... line, or an identity file as age-keygen writes it)."""
    keys = identity_lines(secret)
    if not keys:
        return io.BufferedReader(PassphraseReader(src, secret), CHUNK)
    try:
        identities = [pyrage.x25519.Identity.from_str(key) for key in keys]
    except pyrage.IdentityError:
        raise DecryptFailed() from None
    end, thread = _piped(lambda plain: pyrage.decrypt_io(src, plain, identities), write_side=False)
    return io.BufferedReader(_PipeEnd(end, thread, readable=True), CHUNK)


MAX_KEY_FILE = 64 * 1024  # an identity file holds a few lines; anything longer is not one


def read_identity_file(path: Path) -> str:
    """The age identities (AGE-SECRET-KEY-1... lines) of a key file as age-keygen writes
    it, one a line, to give as an encrypted package's secret; kept in memory only."""
    try:
        with open(path, "rb") as f:
            data = f.read(MAX_KEY_FILE + 1)
    except OSError as err:
        raise InvalidInput(_("Cannot read the key file: {e}").format(e=err.strerror)) from None
    keys = identity_lines(data.decode("utf-8", "replace")) if len(data) <= MAX_KEY_FILE else []
    if not keys:
        raise InvalidInput(_("That file holds no age key (a line AGE-SECRET-KEY-1…)."))
    return "\n".join(keys)


def identity_lines(secret: str) -> list[str]:
    """The AGE-SECRET-KEY-1... lines of an identity file (its # comments and blank lines
    left out, as `age -i` reads it); none when `secret` is not one (a passphrase)."""
    lines = [line.strip() for line in secret.splitlines()]
    keys = [line for line in lines if line and not line.startswith("#")]
    return keys if keys and all(k.startswith("AGE-SECRET-KEY-") for k in keys) else []


def encrypting_writer(out: BinaryIO, passphrase: str | None, recipients: list[str]) -> io.RawIOBase:
    """The stream a package is zipped into: age under a passphrase or to recipients."""
    if passphrase:
        return PassphraseWriter(out, passphrase)
    return recipient_writer(out, recipients)
