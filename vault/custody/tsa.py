"""The user's time-stamping authorities (DESIGN §8): name, URL and the CA certificates the
user trusts for each. Nothing is configured by default; the list lives in the user's
configuration folder, never in a case, because trust is the reader's choice."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding

from vault.configstore import config_file, read_records, write_records
from vault.errors import InvalidInput, NotFound
from vault.i18n import _

_NAME = re.compile(r"^[\w.-]{1,64}$")


@dataclass(frozen=True)
class Tsa:
    """One configured RFC 3161 service and the CA certificates (PEM) trusted for it."""

    name: str
    url: str
    ca_pem: str

    def roots(self) -> list[x509.Certificate]:
        return x509.load_pem_x509_certificates(self.ca_pem.encode("ascii"))

    def to_json(self) -> dict[str, object]:
        roots = self.roots()
        return {
            "name": self.name,
            "url": self.url,
            "ca": [c.subject.rfc4514_string() for c in roots],
            "ca_not_after": [c.not_valid_after_utc.isoformat() for c in roots],
        }


_FILE = "tsa.json"


def tsa_file() -> Path:
    return config_file(_FILE)


def list_tsas() -> list[Tsa]:
    """The configured services in the order they were added; [] when none."""
    return read_records(
        _FILE,
        "tsas",
        lambda t: Tsa(t["name"], t["url"], t["ca_pem"]),
        _("The list of time-stamping services ({path}) is damaged."),
    )


def _save(tsas: list[Tsa]) -> None:
    write_records(_FILE, "tsas", ({"name": t.name, "url": t.url, "ca_pem": t.ca_pem} for t in tsas))


def read_ca_file(path: Path) -> str:
    """The PEM certificates in `path`, checked to parse; a clear error otherwise."""
    try:
        text = path.read_text(encoding="ascii")
        certs = x509.load_pem_x509_certificates(text.encode("ascii"))
    except OSError as err:
        message = _("Cannot read the certificate file: {e}").format(e=err.strerror)
        raise InvalidInput(message) from None
    except ValueError:
        raise InvalidInput(_("{path} holds no PEM certificate.").format(path=path.name)) from None
    return "".join(c.public_bytes(Encoding.PEM).decode("ascii") for c in certs)


def add_tsa(name: str, url: str, ca_pem: str) -> Tsa:
    """Add a service; the name must be new, the URL http(s) and the CA parse as PEM."""
    if not _NAME.match(name):
        raise InvalidInput(
            _("A service name is 1 to 64 letters, digits, dots, dashes or underscores.")
        )
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InvalidInput(_("The service address must be an http:// or https:// URL."))
    try:
        if not x509.load_pem_x509_certificates(ca_pem.encode("ascii")):
            raise ValueError
    except (ValueError, UnicodeEncodeError):
        raise InvalidInput(_("The CA certificates are not valid PEM.")) from None
    tsas = list_tsas()
    if any(t.name == name for t in tsas):
        raise InvalidInput(_("A time-stamping service named {name} exists.").format(name=name))
    tsa = Tsa(name, url, ca_pem)
    _save([*tsas, tsa])
    return tsa


def remove_tsa(name: str) -> None:
    tsas = list_tsas()
    if not any(t.name == name for t in tsas):
        raise NotFound(_("No time-stamping service named {name}.").format(name=name))
    _save([t for t in tsas if t.name != name])


def find_tsa(name_or_url: str | None) -> Tsa:
    """The service by name or URL; with None, the first configured one."""
    tsas = list_tsas()
    if not tsas:
        raise InvalidInput(
            _("No time-stamping service is configured. Add one: tsa add NAME URL --ca FILE.pem")
        )
    if name_or_url is None:
        return tsas[0]
    for tsa in tsas:
        if name_or_url in (tsa.name, tsa.url):
            return tsa
    raise NotFound(_("No time-stamping service named {name}.").format(name=name_or_url))


def report_tsa(name_or_url: str | None = None, *, timestamp: bool = True) -> Tsa | None:
    """The service that time-stamps a report's signature (PAdES B-T): the one named, else
    the first configured; None (B-B) when `timestamp` is off or, unnamed, none is configured.
    The CLI's `report [--tsa X | --no-timestamp]` and the app's report dialog both ask here."""
    if not timestamp or (name_or_url is None and not list_tsas()):
        return None
    return find_tsa(name_or_url)


def trusted_roots() -> list[x509.Certificate]:
    """Every CA certificate the user trusts for any configured service."""
    roots: list[x509.Certificate] = []
    for tsa in list_tsas():
        roots += [c for c in tsa.roots() if c not in roots]
    return roots
