"""`derive`: a working copy of an item (DESIGN §10, §12): a redaction of a photo, or a still
frame of a video (`--frame-at MS`)."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from vault.cli.main import _case_arg, command, open_case, print_json, say
from vault.errors import InvalidInput
from vault.evidence.fields import REDACTION_METHODS
from vault.i18n import _

if TYPE_CHECKING:
    from vault.evidence.redact import Region


def _derive_args(p: argparse.ArgumentParser) -> None:
    _case_arg(p)
    p.add_argument("item", help=_("the id of the item to copy"))
    what = p.add_mutually_exclusive_group(required=True)
    what.add_argument("--redact", nargs="+", metavar="X,Y,W,H", type=_region,
                      help=_("regions to hide, in pixels of the image as displayed"))  # fmt: skip
    frame = _("save the video's frame at this time (milliseconds) as a picture")
    what.add_argument("--frame-at", type=int, metavar="MS", help=frame)
    p.add_argument("--method", choices=REDACTION_METHODS, default="pixelate",
                   help=_("how to hide them (fill leaves nothing of what was there)"))  # fmt: skip
    keep = _("keep the original's EXIF (GPS, serial numbers) in the copy")
    p.add_argument("--keep-metadata", action="store_true", help=keep)
    p.add_argument("--json", action="store_true")


def _region(text: str) -> Region:
    from vault.evidence.redact import parse_region

    try:
        return parse_region(text)
    except InvalidInput as err:
        raise argparse.ArgumentTypeError(str(err)) from None


@command("derive", _derive_args, _("make a redacted working copy of an item"))
def derive(args: argparse.Namespace) -> int:
    from vault.evidence.media import clock
    from vault.evidence.redact import redact_item
    from vault.evidence.stills import save_frame

    with open_case(args) as case:
        if args.frame_at is not None:
            copy = save_frame(case, args.item, args.frame_at)
        else:
            copy = redact_item(case, args.item, args.redact, method=args.method,
                               keep_metadata=args.keep_metadata)  # fmt: skip
    if args.json:
        print_json({"id": copy.id, "sha256": copy.sha256, "parent": copy.parent,
                    "parent_sha256": copy.parent_sha256, "operation": copy.operation,
                    "seq": copy.seq})  # fmt: skip
        return 0
    say(f"{copy.sha256}  {copy.id}  {copy.original_name}")
    say(_("Copy of {parent} (SHA-256 {sha}), logged as seq {seq}.").format(
        parent=copy.parent, sha=copy.parent_sha256, seq=copy.seq))  # fmt: skip
    if copy.operation.get("op") == "frame":
        say(_("Frame at {time}; the picture carries none of the video's metadata.").format(
            time=clock(copy.operation["at_ms"])))  # fmt: skip
        return 0
    dropped = copy.operation.get("dropped") or []
    say(_("Metadata dropped: {what}").format(what=", ".join(dropped) or _("none")))
    return 0
