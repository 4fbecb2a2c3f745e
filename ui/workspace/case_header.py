"""The case header: title, a status badge (custody verified when and by whom), and who is
acting now with their key's fingerprint prefix."""

from __future__ import annotations

from PySide6.QtGui import QFont
from PySide6.QtWidgets import QHBoxLayout, QWidget

from ui.widgets.text import display_text, local_and_utc, plain_label
from vault.case.view import LastVerification
from vault.i18n import _

BADGE_OK = "background: #d8f3dc; color: #1b4332; border-radius: 4px; padding: 3px 8px"
BADGE_BAD = "background: #ffd6d6; color: #7a0010; border-radius: 4px; padding: 3px 8px"
BADGE_NONE = "background: #eeeeee; color: #333333; border-radius: 4px; padding: 3px 8px"


def fingerprint_prefix(fp: str) -> str:
    return f"{fp[:4]}…{fp[-4:]}" if len(fp) > 8 else fp


def badge_text(last: LastVerification | None, names: dict[str, str]) -> tuple[str, str]:
    """(text, style) of the status badge."""
    if last is None:
        return _("Custody not verified yet"), BADGE_NONE
    local, _utc = local_and_utc(last.at)
    who = display_text(names.get(last.actor, last.actor[:8]))
    if last.passed:
        return _("Verified {when} by {who} ✓").format(when=local, who=who), BADGE_OK
    return _("Verification FAILED {when} ({who}) ✗").format(when=local, who=who), BADGE_BAD


class CaseHeader(QWidget):
    def __init__(self) -> None:
        super().__init__()
        self.title = plain_label(_("Case title"), elide=True, evidence=True)
        font = QFont(self.title.font())
        font.setPointSize(font.pointSize() + 4)
        font.setBold(True)
        self.title.setFont(font)
        self.badge = plain_label(_("Custody status"), wrap=False)
        self.investigator = plain_label(_("Current investigator"), wrap=False, evidence=True)
        layout = QHBoxLayout(self)
        layout.addWidget(self.title, 1)
        layout.addWidget(self.badge)
        layout.addWidget(self.investigator)

    def show_case(self, title: str, number: str, name: str, fingerprint: str) -> None:
        text = display_text(title)
        if number:
            text += f"  ({display_text(number)})"
        self.title.setText(text)
        self.investigator.setText(f"{display_text(name)} · {fingerprint_prefix(fingerprint)}")
        self.investigator.setToolTip(_("Your key's fingerprint: {fp}").format(fp=fingerprint))

    def show_verification(self, last: LastVerification | None, names: dict[str, str]) -> None:
        text, style = badge_text(last, names)
        self.badge.setText(text)
        self.badge.setStyleSheet(style)
