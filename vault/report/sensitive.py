"""A sensitive exhibit's picture (issue 15 §4): its latest redacted copy, or a placeholder;
the report says which. Kept apart from the exhibit layout, which only asks for the picture."""

from __future__ import annotations

from vault.evidence.items import checked_thumbnail, signed_record
from vault.evidence.sensitive import is_sensitive
from vault.report.data import Exhibit, ReportFacts
from vault.report.formatting import N_, Words

SHOWN_COPY = N_("Marked sensitive: the picture shown is its redacted copy {name} ({id}).")
NOT_PRINTED = N_("Marked sensitive: its picture is not printed, and it has no redacted copy.")
# Not "marked": a description of it is not as signed, so its mark cannot be read.
DOUBTED_COPY = N_("Treated as sensitive, since a description of it is not as signed (see the "
                  "verification statement): the picture shown is its redacted copy {name} "
                  "({id}).")  # fmt: skip
DOUBTED_NOT_PRINTED = N_("Treated as sensitive, since a description of it is not as signed "
                         "(see the verification statement): its picture is not printed, and "
                         "it has no redacted copy.")  # fmt: skip


def exhibit_picture(
    ex: Exhibit, facts: ReportFacts, w: Words
) -> tuple[bytes | None, str, str | None]:
    """(the thumbnail to print, or None; the item it is of; what the report must say about
    it, or None)."""
    marked = is_sensitive(ex.description)
    if not (marked or ex.doubted):
        return ex.thumbnail, ex.item.id, None
    conn = facts.case.conn
    copy = facts.redactions.get(ex.item.id)
    if copy is not None:
        thumb, withheld = checked_thumbnail(conn, copy.id, signed_record(conn, copy.id))
        if thumb and not withheld:
            said = w(SHOWN_COPY if marked else DOUBTED_COPY)
            return thumb, copy.id, said.format(name=copy.original_name, id=copy.id)
    return None, ex.item.id, w(NOT_PRINTED if marked else DOUBTED_NOT_PRINTED)
