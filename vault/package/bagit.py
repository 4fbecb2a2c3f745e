"""BagIt (RFC 8493, and the 0.97 draft) over a scanned package: validity, and the tag files
we write. Validation lists every problem; it never stops at the first."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from vault.i18n import _
from vault.package.read import ScannedBag
from vault.text import text_lines

VERSIONS = ("0.97", "1.0")
_CONTROL = re.compile(r"[\x00-\x1f\x7f\x85\u2028\u2029]")  # and what splitlines() breaks on
_DECLARATION = re.compile(
    r"BagIt-Version: (\d+\.\d+)\r?\n?Tag-File-Character-Encoding: (\S+)\r?\n?"
)


@dataclass
class BagCheck:
    """What validating a bag established: its version, its bag-info, and every problem."""

    version: str = ""
    info: dict[str, list[str]] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    payload: set[str] = field(default_factory=set)  # every payload path the manifests list
    encoding: str = "utf-8"

    @property
    def ok(self) -> bool:
        return not self.problems

    def field(self, name: str) -> str:
        """The first value of a bag-info field, or ''."""
        return (self.info.get(name) or [""])[0]


def validate(bag: ScannedBag) -> BagCheck:
    """Check a scanned bag: declaration, bag-info, manifests, completeness, checksums, oxum."""
    check = BagCheck(problems=list(bag.problems))
    if not _read_declaration(bag, check):
        return check
    if "bag-info.txt" in bag.files:
        check.info = parse_info(_text(bag, "bag-info.txt", check))
    elif check.version == "0.97":
        check.problems.append(_("bag-info.txt is missing"))
    manifests = [n for n in bag.files if re.fullmatch(r"manifest-\w+\.txt", n)]
    if not manifests:
        check.problems.append(_("the bag has no payload manifest"))
    for name in manifests:
        check.payload |= _check_manifest(bag, name, check, payload=True)
    for name in [n for n in bag.files if re.fullmatch(r"tagmanifest-\w+\.txt", n)]:
        _check_manifest(bag, name, check, payload=False)
    _check_completeness(bag, manifests, check)
    _check_fetch(bag, check)
    _check_oxum(bag, check)
    return check


def _read_declaration(bag: ScannedBag, check: BagCheck) -> bool:
    declared = bag.files.get("bagit.txt")
    if declared is None or declared.data is None:
        check.problems.append(_("bagit.txt is missing: this is not a BagIt bag"))
        return False
    match = _DECLARATION.fullmatch(declared.data.decode("utf-8", "replace"))
    if not match or match.group(1) not in VERSIONS:
        check.problems.append(_("bagit.txt does not declare BagIt 0.97 or 1.0 correctly"))
        return False
    check.version, check.encoding = match.group(1), match.group(2)
    try:
        "".encode(check.encoding)
    except (LookupError, ValueError):  # ValueError: a NUL inside the encoding's name
        check.problems.append(_("bagit.txt names an unknown character encoding"))
        return False
    return True


def _text(bag: ScannedBag, name: str, check: BagCheck) -> str:
    data = bag.files[name].data
    if data is None:
        check.problems.append(_("{name} is too large to be a tag file").format(name=name))
        return ""
    try:
        return data.decode(check.encoding).lstrip("\ufeff")
    except UnicodeDecodeError:
        check.problems.append(_("{name} is not in the declared encoding").format(name=name))
        return ""


def parse_info(text: str) -> dict[str, list[str]]:
    """bag-info.txt as name -> values (labels may repeat; indented lines continue a value)."""
    info: dict[str, list[str]] = {}
    last: str | None = None
    for line in text_lines(text):
        if line[:1] in (" ", "\t") and last:  # a value may also start on the next line
            info[last][-1] = " ".join(filter(None, (info[last][-1], line.strip())))
        elif ":" in line:
            label, value = line.split(":", 1)
            last = label.strip()
            info.setdefault(last, []).append(value.strip())
    return info


def _decode_path(raw: str, version: str) -> str:
    path = raw[2:] if raw.startswith("./") else raw
    if version != "0.97":  # RFC 8493 §2.1.3 percent-encodes only CR, LF and '%'
        path = re.sub(r"%(0[aAdD]|25)", lambda m: chr(int(m.group(1), 16)), path)
    return path


def _in_scope(path: str, payload: bool) -> bool:
    parts = path.split("/")
    if path.startswith(("/", "~")) or ".." in parts or "" in parts:
        return False
    return path.startswith("data/") if payload else not path.startswith("data/")


def _check_manifest(bag: ScannedBag, name: str, check: BagCheck, payload: bool) -> set[str]:
    algorithm = name.split("-", 1)[1][:-4]
    listed: dict[str, str] = {}
    for line in filter(None, text_lines(_text(bag, name, check))):
        digest, path = _manifest_line(line, check.version)
        if not _in_scope(path, payload):
            check.problems.append(
                _("{m} lists a path outside the bag: {p!r}").format(m=name, p=path)
            )
        elif path in listed and (check.version != "0.97" or listed[path] != digest.lower()):
            check.problems.append(_("{m} lists {p!r} twice").format(m=name, p=path))
        listed[path] = digest.lower()
    for path, digest in listed.items():
        _check_file(bag, name, algorithm, path, digest, check)
    return set(listed)


def _check_file(bag: ScannedBag, manifest: str, algorithm: str, path: str, digest: str,
                check: BagCheck) -> None:  # fmt: skip
    found = bag.files.get(path)
    if found is None:
        check.problems.append(_("{p!r} is listed in {m} but missing").format(p=path, m=manifest))
    elif algorithm not in found.digests:
        check.problems.append(
            _("{m} cannot be checked here (unknown algorithm)").format(m=manifest)
        )
    elif found.digests[algorithm] != digest:
        check.problems.append(
            _("{p!r} does not match its {a} checksum").format(p=path, a=algorithm)
        )


def _check_completeness(bag: ScannedBag, manifests: list[str], check: BagCheck) -> None:
    listed = {m: _listed(bag, m, check) for m in manifests}  # each manifest parsed once
    for path in sorted(p for p in bag.files if p.startswith("data/")):
        missing = [m for m in manifests if path not in listed[m]]
        if missing:
            check.problems.append(
                _("{p!r} is in the bag but not listed in {m}").format(p=path, m=", ".join(missing))
            )


def _listed(bag: ScannedBag, manifest: str, check: BagCheck) -> set[str]:
    text = bag.files[manifest].data or b""
    lines = text_lines(text.decode(check.encoding, "replace").lstrip("\ufeff"))
    return {_manifest_line(line, check.version)[1] for line in lines}


def _manifest_line(line: str, version: str) -> tuple[str, str]:
    """A manifest line's checksum and path: RFC 8493 §2.1.3 parts them with one or more
    blanks (spaces or tabs)."""
    digest, *path = re.split(r"[ \t]+", line, maxsplit=1)
    return digest, _decode_path(path[0] if path else "", version)


def _check_fetch(bag: ScannedBag, check: BagCheck) -> None:
    if "fetch.txt" not in bag.files:
        return
    for line in filter(None, text_lines(_text(bag, "fetch.txt", check))):
        path = _decode_path(line.split(None, 2)[-1].strip(), check.version)
        if not _in_scope(path, payload=True):
            check.problems.append(_("fetch.txt names a path outside the bag: {p!r}").format(p=path))


def _check_oxum(bag: ScannedBag, check: BagCheck) -> None:
    oxum = check.field("Payload-Oxum")
    if not oxum:
        return
    payload = [f for p, f in bag.files.items() if p.startswith("data/")]
    actual = f"{sum(f.size for f in payload)}.{len(payload)}"
    if oxum != actual:
        check.problems.append(
            _("Payload-Oxum says {said} but the payload is {actual}").format(
                said=oxum, actual=actual
            )
        )


def declaration() -> str:
    return "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n"


def info_value(value: str) -> str:
    """A bag-info value as written: one line, control characters as spaces, no outer blanks
    (a reader strips them)."""
    return _CONTROL.sub(" ", value).strip()


def info_text(fields: Iterable[tuple[str, str]]) -> str:
    """bag-info.txt; values are single lines (control characters become spaces)."""
    return "".join(f"{k}: {info_value(v)}\n" for k, v in fields)


def encode_path(path: str) -> str:
    return path.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def manifest_chunks(paths: Iterable[str], digest: Callable[[str], str]) -> Iterator[bytes]:
    """Lines of '<digest>  <path>' in path order, encoded a thousand at a time: a manifest
    of 20,000 files (4 MB of SHA-512 lines) is never held whole (issue 17)."""
    ordered = sorted(paths)
    for start in range(0, len(ordered), 1000):
        lines = (f"{digest(p)}  {encode_path(p)}\n" for p in ordered[start : start + 1000])
        yield "".join(lines).encode("utf-8")
