# The part of qtawesome 1.4.2 the app uses (ui/widgets/icons.py).
from typing import Any

from PySide6.QtGui import QIcon

def icon(*names: str, **kwargs: Any) -> QIcon: ...
