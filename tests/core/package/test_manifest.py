"""A package's manifests are written a thousand lines at a time (issue 17), in path order,
each path encoded as BagIt requires."""

from __future__ import annotations

import random

from vault.package.bagit import manifest_chunks


def test_a_big_manifest_comes_in_pieces_in_path_order() -> None:
    paths = [f"data/originals/{n:05}/photo {n}.jpg" for n in range(2345)]
    paths += ["data/odd/100%\nsure\r.txt"]
    random.Random(7).shuffle(paths)
    chunks = list(manifest_chunks(paths, lambda p: f"<{len(p)}>"))
    lines = b"".join(chunks).decode().splitlines()
    assert len(chunks) == 3 and all(c.count(b"\n") <= 1000 for c in chunks)
    assert lines[0] == "<23>  data/odd/100%25%0Asure%0D.txt"
    assert lines[1:] == [f"<{len(p)}>  {p}" for p in sorted(paths) if "%" not in p]
