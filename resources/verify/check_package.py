# check_package.py: checks an Evidence Vault package with the Python standard library only.
# Run it inside the unpacked package folder: python3 ../check_package.py SIGNATURES_FOLDER
# It only reads the package; it writes each entry's signed hash and signature to the given
# folder for openssl to check. Exit 0: every check passed; 1: refused, every reason printed.
import base64
import hashlib
import json
import os
import re
import sys

FIELDS = ["seq", "prev", "content_hash", "entry_hash", "actor", "sig", "content"]
UNSIGNED = re.compile(
    r"bag-info\.txt|(tag)?manifest-\w+\.txt|data/custody\.jsonl|signed-files-sha256\.txt"
)
DERIVED = ["Payload-Oxum", "Vault-Custody-Head", "Vault-Custody-Length"]
HEX64 = re.compile(r"[0-9a-f]{64}")
SAFE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}")  # a case id as a file name
problems = []


def unique(pairs):  # a repeated key is a refusal: two readers could see two documents
    if len({k for k, _ in pairs}) != len(pairs):
        raise ValueError("a key is repeated")
    return dict(pairs)


def need(condition, reason):  # not `assert`: python3 -O would skip it
    if not condition:
        raise ValueError(reason)


def no_fraction(text):
    raise ValueError("a number with a fraction or a constant: " + text)


def load(text):
    return json.loads(
        text, object_pairs_hook=unique, parse_float=no_fraction, parse_constant=no_fraction
    )


def canon(value):
    """RFC 8785 canonical JSON for JSON without fractions: json.dumps escapes strings as
    RFC 8785 does, but object keys must be sorted by UTF-16 code units, not code points."""
    if isinstance(value, dict):
        keys = sorted(value, key=lambda k: k.encode("utf-16-be"))
        return "{" + ",".join(canon(k) + ":" + canon(value[k]) for k in keys) + "}"
    if isinstance(value, list):
        return "[" + ",".join(canon(v) for v in value) + "]"
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 2**53:
        raise ValueError("an integer beyond 2^53")
    return json.dumps(value, ensure_ascii=False)


def text(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


def put(path, data):
    with open(path, "wb") as f:
        f.write(data)


def sha256_file(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def read_chain(path):
    """Every line: its form, content_hash, link, seq, case and an introduced actor."""
    entries, keys, prev, case = [], {}, "0" * 64, None
    lines = [x for x in text(path).split("\n") if x.strip()]
    for n, line in enumerate(lines):
        where = f"{path} line {n + 1}: "
        try:
            e = load(line)
            c = e.get("content")
            need(set(e) <= set(FIELDS) and set(FIELDS[:6]) <= set(e), "unknown or missing fields")
            need(e["seq"] == n, "seq out of order")
            need(e["prev"] == prev, "does not link to the entry before it")
            need(HEX64.fullmatch(e["actor"]) and HEX64.fullmatch(e["content_hash"]), "bad hex")
            if c is not None:
                digest = hashlib.sha256(canon(c).encode("utf-8")).hexdigest()
                need(digest == e["content_hash"], "content does not match its content_hash")
                same = c["seq"] == n and c["actor"] == e["actor"]
                need(same, "content names another seq or actor")
                case = case or c["case"]
                need(c["case"] == case, "belongs to another case")
                introduces = c["action"] == "identity.add" and e["actor"] in keys
                if (c["action"] == "case.create" and n == 0) or introduces:
                    key = c["details"]["public_key"]
                    keys.setdefault(hashlib.sha256(bytes.fromhex(key)).hexdigest(), key)
            link = hashlib.sha256(bytes.fromhex(prev + e["content_hash"])).hexdigest()
            need(link == e["entry_hash"], "entry_hash does not match")
            need(e["actor"] in keys, "signed by a key the log never introduced")
            prev = e["entry_hash"]
            entries.append(e)
        except (ValueError, KeyError, TypeError, AttributeError, RecursionError) as err:
            problems.append(where + (str(err) or type(err).__name__))
            return entries, keys, case
    return entries, keys, case


def content(e):  # a withheld entry has no content, or (another tool's form) null
    return e.get("content") or {}


def details(e):
    return content(e).get("details", {})


def action(e):
    return content(e).get("action")


def subject(e):
    return content(e).get("subject")


def check_keys(chains, sigs):
    """Each actor's key file holds the key its chain introduced; queue each signature."""
    with open(os.path.join(sigs, "signatures.txt"), "w") as jobs:
        for n, (case_id, (entries, keys, _)) in enumerate(chains.items()):
            label = case_id if SAFE_NAME.fullmatch(str(case_id)) else f"~{n}"  # a file name
            for e in entries:
                pem = text(f"data/keys/{e['actor']}.pem")
                der = base64.b64decode("".join(x for x in pem.splitlines() if "-----" not in x))
                if der[-32:].hex() != keys[e["actor"]]:
                    problems.append(f"the key file of {e['actor']} is not the introduced key")
                name = f"{label}-{e['seq']}"
                put(os.path.join(sigs, name + ".msg"), bytes.fromhex(e["entry_hash"]))
                put(os.path.join(sigs, name + ".sig"), bytes.fromhex(e["sig"]))
                jobs.write(f"{name} data/keys/{e['actor']}.pem\n")


def check_signed_files(own, info):
    """The export entry signs every file, the log before it, the withheld seqs, bag-info."""
    last, d = own[-1], details(own[-1])
    if "files_sha256" not in d:
        print("WARNING: an older package form: only the files the log records are signed")
        return
    if sha256_file("signed-files-sha256.txt") != d["files_sha256"]:
        problems.append("signed-files-sha256.txt is not the file list the export entry signed")
        return
    listed = text("signed-files-sha256.txt").split("\n")[:-1]  # not splitlines: U+2028
    signed = dict(reversed(x.split("  ", 1)) for x in listed)
    present = set()
    for root, _, names in os.walk("."):
        for name in names:
            path = os.path.relpath(os.path.join(root, name), ".").replace(os.sep, "/")
            if not UNSIGNED.fullmatch(path):
                present.add(path)
                if signed.get(path) != sha256_file(path):
                    problems.append(f"{path} is not a file the export entry signed")
    problems.extend(f"{p} is signed but missing" for p in sorted(set(signed) - present))
    with open("data/custody.jsonl", "rb") as f:
        raw = f.read()
    cut = raw[:-1].rfind(b"\n") + 1
    if hashlib.sha256(raw[:cut]).hexdigest() != d["custody_before"]:
        problems.append("data/custody.jsonl before the export entry is not what it signed")
    ordered = {k: last[k] for k in FIELDS if k in last}
    line = json.dumps(ordered, ensure_ascii=False, separators=(",", ":")).encode("utf-8") + b"\n"
    if raw[cut:] != line:
        problems.append("the export entry's line in data/custody.jsonl was rewritten")
    if [e["seq"] for e in own if e.get("content") is None] != d["withheld"]:
        problems.append("the withheld entries are not the ones the export entry signed")
    for label, values in info.items():
        if not (label in DERIVED and len(values) == 1) and values != [d["bag_info"].get(label)]:
            problems.append(f"bag-info.txt field {label} is not the signed value")
    problems.extend(
        f"bag-info.txt lacks {x}" for x in set(d["bag_info"]) | set(DERIVED) if x not in info
    )


def check_bag_info(own, info, doc):
    last, payload = own[-1], []
    for root, _, names in os.walk("data"):
        payload += [os.path.getsize(os.path.join(root, name)) for name in names]
    said = {
        "External-Identifier": details(last).get("package"),
        "Vault-Custody-Head": last["entry_hash"],
        "Vault-Custody-Length": str(len(own)),
        "Vault-Sender": last["actor"],
        "Payload-Oxum": f"{sum(payload)}.{len(payload)}",
    }
    for label, value in said.items():
        if info.get(label, [value if label == "Payload-Oxum" else ""])[:1] != [value]:
            problems.append(f"bag-info.txt {label} disagrees with the package")
    if doc.get("package") != details(last).get("package"):
        problems.append("case.json names another package")


# An item enters a case by import, or as a working copy derived from another item; both
# entries record its name, size and SHA-256.
ENTERING = ("item.import", "item.derive")


def entered(e, item_id):
    """The SHA-256 an entry records for an item it brings in, or None."""
    if action(e) in ENTERING and subject(e) == item_id:
        return e["content"]["digest"]
    if action(e) == "package.import":
        for i in details(e).get("items", []):
            if i.get("id") == item_id:
                return i.get("sha256")
    return None


def trace(item_id, digest, case_id, entries, chains, depth):
    """Why the item is not proven back to its first item.import, or None. A package.import
    is followed into its sender's chain only up to the source_head it names."""
    if depth > len(chains):
        return "lineage loops"
    for e in entries:
        recorded = entered(e, item_id)
        if recorded is None:
            continue
        if recorded != digest:
            return f"seq {e['seq']} of case {case_id} records another SHA-256"
        if action(e) in ENTERING:
            return None
        source, head = details(e).get("source_case"), details(e).get("source_head")
        upstream = chains.get(source, ([],))[0]
        ends = [n for n, x in enumerate(upstream) if x["entry_hash"] == head]
        if not ends:
            return f"the lineage of case {source} does not reach the head seq {e['seq']} names"
        return trace(item_id, digest, source, upstream[: ends[0] + 1], chains, depth + 1)
    return f"no entry of case {case_id} brought it in"


def check_case_json(doc, chains, own_id):
    """case.json says only what the signed log records."""
    everything = [e for entries, _, _ in chains.values() for e in entries if content(e)]
    own, keys = chains[own_id][0], chains[own_id][1]
    created = details(own[0])
    case = doc["case"]
    if [case["id"], case["title"], case["number"], case["organization"]] != [
        own_id,
        created["title"],
        created["number"],
        created["organization"],
    ]:
        problems.append("case.json names the case differently from case.create")
    people = {
        hashlib.sha256(bytes.fromhex(details(e)["public_key"])).hexdigest(): details(e)
        for e in own
        if action(e) in ("case.create", "identity.add")
    }
    for who in doc["identities"]:
        signed = people.get(who["fingerprint"], {})
        if keys.get(who["fingerprint"]) != who["public_key"] or any(
            who.get(f) != signed[f] for f in ("name", "role") if f in signed
        ):
            problems.append(f"case.json identity {who['name']!r} is not the signed one")
    if details(own[-1]).get("items") != [i["id"] for i in doc["items"]]:
        problems.append("the items are not the ones the export entry lists")
    described, claimed = {}, set()
    for e in everything:
        if action(e) == "item.describe":
            described[subject(e)] = details(e)  # chains are read first hands first
    for item in doc["items"]:
        path, claimed = item["path"], claimed | {item["path"]}
        ok = path.startswith(f"data/originals/{item['id']}/") and os.path.isfile(path)
        digest = sha256_file(path) if ok else None
        names = [
            details(e).get("original_name")
            for e in everything
            if action(e) in ENTERING and subject(e) == item["id"]
        ]
        why = "its SHA-256 differs" if digest is None or item["sha256"] != digest else None
        why = why or trace(item["id"], digest, own_id, chains[own_id][0], chains, 0)
        if why:
            problems.append(f"{path} is not the file its custody records: {why}")
        elif item["original_name"] not in names or item["size"] != os.path.getsize(path):
            problems.append(f"case.json gives {path} a name or size its item.import does not")
        if item.get("description", {}) != described.get(item["id"], {}):
            problems.append(f"the description of {path} is not the latest signed one")
    for root, _, names in os.walk("data/originals"):
        for name in names:
            path = os.path.join(root, name).replace(os.sep, "/")
            if path not in claimed:
                problems.append(f"{path} is not an item of this package")
    written = {subject(e): e for e in everything if action(e) in ("note.add", "note.amend")}
    digests = {
        subject(e): e["content"]["digest"] for e in own if action(e) in ("note.add", "note.amend")
    }
    for e in own:
        if action(e) == "package.import":
            digests.update((n["id"], n["sha256"]) for n in details(e).get("notes", []))
    for note in doc["notes"]:
        digest = hashlib.sha256(note["text"].encode("utf-8")).hexdigest()
        entry = written.get(note["id"], {})
        if note["sha256"] != digest or digests.get(note["id"]) != digest:
            problems.append(f"note {note['id']} does not match its signed digest")
        if [note.get("about"), note.get("supersedes")] != [
            details(entry).get("about"),
            details(entry).get("supersedes"),
        ]:
            problems.append(f"note {note['id']} is not on the item its signed entry records")
    shipped = {n["id"] for n in doc["notes"]}
    problems.extend(
        f"the log discloses note {n} but case.json lacks it" for n in written if n not in shipped
    )


def sources_first(order, sources):
    """The first hands first: every chain before the chains that received from it (a case
    that received from the first hands directly, and then from a later holder who had
    them too, reads the first hands, then that holder); in a loop, the first as it comes."""
    placed, done, pending = [], set(), list(order)
    while pending:
        ready = (n for n, k in enumerate(pending) if all(s in done or s == k for s in sources[k]))
        placed.append(pending.pop(next(ready, 0)))
        done.add(placed[-1])
    return placed


def main():
    sigs = sys.argv[1]
    own, keys, own_id = read_chain("data/custody.jsonl")
    chains, queue, linked = {own_id: (own, keys, own_id)}, [own_id], [own_id]
    names = os.listdir("data/lineage") if os.path.isdir("data/lineage") else []
    sources = {}  # case -> the cases its package.import entries link to (case and head)
    while queue:
        case_id = queue.pop(0)
        sources[case_id] = []
        for e in chains[case_id][0]:
            source = details(e).get("source_case") if action(e) == "package.import" else None
            if f"{source}.jsonl" in names and source not in chains:  # never another path
                chains[source] = read_chain(f"data/lineage/{source}.jsonl")
            heads = [x["entry_hash"] for x in chains.get(source, ([],))[0]]
            if source and details(e).get("source_head") in heads:
                sources[case_id].append(source)
                if source not in linked:
                    linked.append(source)
                    queue.append(source)
    for name in sorted(names):  # a log nobody links to proves nothing: refused
        if name[: -len(".jsonl")] == own_id or name[: -len(".jsonl")] not in linked:
            problems.append(f"data/lineage/{name}: no package.import of this package links to it")
    chains = {k: chains[k] for k in sources_first(linked[::-1], sources)}
    if not problems and (not own or action(own[-1]) != "package.export"):
        problems.append("data/custody.jsonl does not end with this package's export entry")
    if problems:
        return
    info = {}
    for line in text("bag-info.txt").splitlines():
        label, _, value = line.partition(":")
        info.setdefault(label.strip(), []).append(value.strip())
    doc = load(text("data/case.json"))
    check_keys(chains, sigs)
    check_signed_files(own, info)
    check_bag_info(own, info, doc)
    check_case_json(doc, chains, own_id)
    print("sender's key fingerprint (compare it with the one read out to you):", own[-1]["actor"])


if __name__ == "__main__":
    try:
        main()
    except (
        ValueError,
        KeyError,
        TypeError,
        AttributeError,
        OSError,
        IndexError,
        RecursionError,
    ) as err:
        problems.append(f"the package is malformed: {type(err).__name__} {err}")
    for problem in problems:
        print("REFUSED:", problem)
    sys.exit(1 if problems else 0)
