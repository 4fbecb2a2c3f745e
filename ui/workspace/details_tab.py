"""Details of one item: hashes and file properties, the descriptive fields the user may
record (each Save is a signed `item.describe`), and the metadata: key fields, then every tag."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QFormLayout,
    QGroupBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ui.widgets.fonts import MONO_FAMILY
from ui.widgets.text import display_block, display_text, human_size, local_and_utc, plain_label
from ui.workspace.item_model import UNVERIFIED_MARK, captured_text, copy_of_text, unverified_tip
from ui.workspace.tag_names import GROUPS, field_name, group_and_name, group_title
from vault.evidence.items import Item
from vault.evidence.sensitive import is_sensitive
from vault.i18n import _
from vault.provenance.codes import describe

KEY_FIELDS = (
    "captured_at",
    "captured_offset",
    "gps_lat",
    "gps_lon",
    "gps_alt",
    "make",
    "model",
    "body_serial",
    "software",
    "orientation",
    "width",
    "height",
)


# Values that stay on one line (elided, the whole value as tooltip) and values that are
# evidence data (never translated).
ONE_LINE = {"name", "mime", "id", "source", "captured", "gps", "camera"}
EVIDENCE_FIELDS = ONE_LINE | {"sha256", "warnings"}
# Rows that only some items have (a working copy's parent, its copies, warnings): hidden
# when empty so an ordinary photo's details show no blank titles.
SHOWN_WHEN_SET = ("copy_of", "copies", "warnings")


def section(box: QGroupBox) -> QGroupBox:
    """A section of the pane: its title bold and larger, what it holds as before (each
    child keeps its own font, a monospaced hash included)."""
    size = box.font().pointSize()
    children = box.findChildren(QWidget, options=Qt.FindChildOption.FindDirectChildrenOnly)
    for child in children:  # set explicitly, or they would inherit the title's font
        font = QFont(child.font())
        font.setBold(False)
        font.setPointSize(size)
        child.setFont(font)
    title = QFont(box.font())
    title.setBold(True)
    title.setPointSize(size + 1)
    box.setFont(title)
    return box


def hint(text: str) -> QLabel:
    """A wrapped explanation under a section's title, quieter than the values."""
    label = plain_label(text=text)
    label.setForegroundRole(QPalette.ColorRole.PlaceholderText)
    return label


def camera_name(make: str, model: str) -> str:
    """Make and model, or the model alone when it already names its maker: "Canon" +
    "Canon EOS 40D" is "Canon EOS 40D", "NIKON CORPORATION" + "NIKON D70" is "NIKON D70"."""
    make, model = display_text(make).strip(), display_text(model).strip()
    first = model.split(maxsplit=1)[0].casefold() if model else ""
    if first and first in make.casefold().split():
        return model
    return f"{make} {model}".strip()


class DetailsTab(QScrollArea):
    """Emits `describe_requested(item_id, fields)` when the user saves the descriptive fields."""

    describe_requested = Signal(str, dict)
    recheck_requested = Signal(str)  # the item whose provenance to check again

    def __init__(self) -> None:
        super().__init__()
        self.setWidgetResizable(True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setAccessibleName(_("Item details"))
        self._item: Item | None = None
        self._was_sensitive = False
        self.values: dict[str, QLabel] = {}
        # Set by the workspace: an item's id -> name, and an item -> its working copies.
        self.names: dict[str, str] = {}
        self.copies: dict[str, list[str]] = {}
        self._unverified = False
        self.unverified_note = plain_label(_("Unverified metadata"))
        self.unverified_note.setStyleSheet("background: #fff3cd; color: #664d03; padding: 6px")
        self.title = QLineEdit()
        self.description = QPlainTextEdit()
        self.location = QLineEdit()
        self.captured_by = QLineEdit()
        # A check box's text never wraps: the box says the word, a hint below explains.
        self.sensitive = QCheckBox(_("Sensitive"))
        self.save = QPushButton(_("Save description"))
        self.described_by = plain_label(selectable=True)
        self.tags = QTableWidget(0, 2)
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.addWidget(self.unverified_note)
        boxes = (self._properties(), self._provenance_box(), self._describe_box(), self._tags_box())
        for box in boxes:
            layout.addWidget(section(box))
        self.setWidget(body)
        self.show_item(None)

    def _properties(self) -> QGroupBox:
        box = QGroupBox(_("File"))
        form = self._file_form = QFormLayout(box)
        rows = [
            ("name", _("Name")),
            ("copy_of", _("Copy of")),
            ("copies", _("Working copies")),
            ("sha256", "SHA-256"),
            ("seal", _("Seal")),
            ("size", _("Size")),
            ("mime", _("Type")),
            ("id", _("Item id")),
            ("imported", _("Imported")),
            ("source", _("Source")),
            ("captured", _("Taken")),
            ("gps", "GPS"),
            ("camera", _("Camera")),
            ("warnings", _("Warnings")),
        ]
        for key, title in rows:
            self.values[key] = plain_label(
                title, selectable=True, elide=key in ONE_LINE, evidence=key in EVIDENCE_FIELDS
            )
            form.addRow(title, self.values[key])
        self.values["sha256"].setFont(QFont(MONO_FAMILY))
        return box

    def _provenance_box(self) -> QGroupBox:
        """DESIGN §9: what the capture device's signature says, every code in plain words."""
        self.provenance_box = QGroupBox(_("Provenance"))
        # The validator's report on the file: signer names, claims and its own codes.
        self.provenance = plain_label(_("Provenance"), selectable=True, evidence=True)
        self.provenance.setWordWrap(True)
        self.recheck = QPushButton(_("Check provenance again"))
        self.recheck.setAccessibleName(_("Check this item's provenance again"))
        self.recheck.setToolTip(_("Check again with today's certificate lists (appends a new "
                                  "result, never edits the earlier one)"))  # fmt: skip
        self.recheck.clicked.connect(self.on_recheck_clicked)
        box = QVBoxLayout(self.provenance_box)
        box.addWidget(self.provenance)
        box.addWidget(self.recheck, 0, Qt.AlignmentFlag.AlignLeft)
        return self.provenance_box

    def on_recheck_clicked(self) -> None:
        if self._item is not None:
            self.recheck_requested.emit(self._item.id)

    def show_provenance(self, result: dict[str, Any] | None) -> None:
        """The item's latest provenance result (signer, generator, time, claims, codes);
        the section hides for an item that carries no proof."""
        self.provenance_box.setVisible(result is not None)
        self.provenance.setText(
            "\n".join(display_text(line) for line in describe(result)) if result else ""
        )

    def _describe_box(self) -> QGroupBox:
        box = QGroupBox(_("Description"))
        form = QFormLayout(box)
        form.addRow(hint(_("Signed in the custody log when saved.")))
        for widget, title in (
            (self.title, _("Title")),
            (self.description, _("Description")),
            (self.location, _("Location")),
            (self.captured_by, _("Captured by")),
        ):
            widget.setAccessibleName(title)
            form.addRow(title, widget)
        self.sensitive.setAccessibleName(_("Sensitive"))
        self.sensitive.setToolTip(_("Sensitive: graphic material, blurred until revealed"))
        form.addRow("", self.sensitive)
        form.addRow("", hint(_("Sensitive: graphic material, blurred until revealed")))
        self.description.setMaximumHeight(90)
        self.description.setTabChangesFocus(True)
        self.save.setAccessibleName(_("Save description"))
        self.save.clicked.connect(self.on_save_clicked)
        form.addRow(_("Signed by"), self.described_by)
        form.addRow("", self.save)
        return box

    def _tags_box(self) -> QGroupBox:
        box = QGroupBox(_("Metadata from the file"))
        self.tags.setHorizontalHeaderLabels([_("Tag"), _("Value")])
        self.tags.setAccessibleName(_("Metadata tags"))
        self.tags.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.tags.verticalHeader().setVisible(False)
        self.tags.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.tags.setMinimumHeight(220)
        layout = QVBoxLayout(box)
        layout.addWidget(hint(_("Claimed by the device that made the file, not verified.")))
        layout.addWidget(self.tags)
        return box

    def show_item(
        self, item: Item | None, seal: bool | None = None, unverified: bool = False
    ) -> None:
        """`unverified`: the item's metadata was never signed (an older case file) and no
        verification has checked it yet; it is shown flagged, as claimed, not as evidence."""
        self._item = item
        self._unverified = unverified and item is not None
        self.unverified_note.setText("⚠ " + unverified_tip())
        self.unverified_note.setVisible(self._unverified)
        self.setEnabled(item is not None)
        for label in self.values.values():
            label.clear()
        self.show_provenance(None)
        self.tags.setRowCount(0)
        self.described_by.clear()
        for edit in (self.title, self.description, self.location, self.captured_by):
            edit.clear()
        self.sensitive.setChecked(False)
        self._was_sensitive = False
        if item is not None:
            self._fill_properties(item, seal)

    def show_seal(self, seal: bool | None) -> None:
        """The item's seal, as the list's seal column shows it (one verification behind both)."""
        self.values["seal"].setText(
            {
                None: _("not verified yet"),
                True: "✓ " + _("intact"),
                False: "✗ " + _("a problem was found"),
            }[seal]
        )

    def _fill_properties(self, item: Item, seal: bool | None) -> None:
        meta = item.metadata
        camera = camera_name(str(meta.get("make") or ""), str(meta.get("model") or ""))
        gps = f"{meta['gps_lat']}, {meta['gps_lon']}" if meta.get("gps_lat") else ""
        taken = captured_text(item.metadata.get("captured_at"))
        if taken and meta.get("captured_offset"):
            taken += " " + display_text(meta["captured_offset"])
        values = {
            "name": display_text(item.original_name),
            "copy_of": copy_of_text(item, self.names),
            "copies": "\n".join(display_text(n) for n in self.copies.get(item.id, [])),
            "sha256": f"{item.sha256[:32]}\n{item.sha256[32:]}",
            "size": f"{human_size(item.size)} ({item.size:,} {_('B')})",
            "mime": display_text(item.mime),
            "id": item.id,
            "imported": "\n".join(local_and_utc(item.imported_at)),
            "source": display_text(item.source),
            "captured": taken,
            "gps": display_text(gps),
            "camera": camera,
            "warnings": "\n".join(display_text(w) for w in item.warnings),
        }
        for key in ("captured", "gps", "camera") if self._unverified else ():
            values[key] = UNVERIFIED_MARK + values[key] if values[key] else ""
        for key, value in values.items():
            self.values[key].setText(value)
        for key in SHOWN_WHEN_SET:
            self._file_form.setRowVisible(self.values[key], bool(values[key]))
        self.show_seal(seal)

    def show_extra(
        self, tags: dict[str, str], description: dict[str, Any], signed_by: str = ""
    ) -> None:
        """What needs a read of the case: every tag, and the latest signed description with
        who signed it and when (for a received item, its first holder)."""
        if self._item is None:
            return
        self.described_by.setText(signed_by or "—")
        self._fill_tags(tags)
        self.title.setText(display_text(description.get("title", "")))
        self.description.setPlainText(display_block(description.get("description", "")))
        self.location.setText(display_text(description.get("location", "")))
        self.captured_by.setText(display_text(description.get("captured_by", "")))
        self._was_sensitive = is_sensitive(description)
        self.sensitive.setChecked(self._was_sensitive)

    def _fill_tags(self, tags: dict[str, str]) -> None:
        """The key fields under "Summary", then every tag under its group's heading, each
        named in words; the raw name is the row's tooltip."""
        assert self._item is not None
        meta = self._item.metadata
        rows: list[tuple[str, str, str, object]] = [
            ("", k, field_name(k), meta.get(k)) for k in KEY_FIELDS if meta.get(k) not in (None, "")
        ]
        named = [(*group_and_name(key), key, value) for key, value in tags.items()]
        order = list(GROUPS)
        named.sort(key=lambda r: (order.index(r[0]) if r[0] in order else len(order), r[1]))
        rows += [(group, key, name, value) for group, name, key, value in named]
        self.tags.setRowCount(0)
        group_seen: str | None = None
        for group, key, name, value in rows:
            if group != group_seen:
                self._add_heading(group_title(group))
                group_seen = group
            self._add_tag(key, name, display_text(value))

    def _add_heading(self, title: str) -> None:
        row = self.tags.rowCount()
        self.tags.insertRow(row)
        heading = QTableWidgetItem(title)
        font = heading.font()
        font.setBold(True)
        heading.setFont(font)
        heading.setFlags(Qt.ItemFlag.ItemIsEnabled)
        self.tags.setItem(row, 0, heading)
        self.tags.setSpan(row, 0, 1, 2)

    def _add_tag(self, key: str, name: str, value: str) -> None:
        row = self.tags.rowCount()
        self.tags.insertRow(row)
        name_item = QTableWidgetItem(name)
        name_item.setData(Qt.ItemDataRole.UserRole, key)
        name_item.setToolTip(display_text(key))
        value_item = QTableWidgetItem((UNVERIFIED_MARK if self._unverified else "") + value)
        value_item.setToolTip(value)  # long values are elided in the cell
        self.tags.setItem(row, 0, name_item)
        self.tags.setItem(row, 1, value_item)

    def tag_value(self, key: str) -> str | None:
        """The shown value of a tag by its raw name ("model", "Image Make")."""
        for row in range(self.tags.rowCount()):
            name, value = self.tags.item(row, 0), self.tags.item(row, 1)
            if (
                name is not None
                and value is not None
                and name.data(Qt.ItemDataRole.UserRole) == key
            ):
                return value.text()
        return None

    def on_save_clicked(self) -> None:
        if self._item is None:
            return
        fields = {
            "title": self.title.text().strip(),
            "description": self.description.toPlainText().strip(),
            "location": self.location.text().strip(),
            "captured_by": self.captured_by.text().strip(),
        }
        # Recorded when it says something: marked, or unmarked after having been marked.
        if self.sensitive.isChecked() or self._was_sensitive:
            fields["sensitive"] = "yes" if self.sensitive.isChecked() else "no"
        self.describe_requested.emit(self._item.id, fields)
