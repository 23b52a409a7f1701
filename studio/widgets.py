"""The form widgets of the back office's own pages (Unfold's look), for the admin's action
pages and the views drawn inside the admin alike."""

from __future__ import annotations

from unfold.widgets import (
    UnfoldAdminDecimalFieldWidget,
    UnfoldAdminSelectWidget,
    UnfoldAdminSingleDateWidget,
    UnfoldAdminTextareaWidget,
    UnfoldAdminTextInputWidget,
)

TEXT = UnfoldAdminTextInputWidget
AREA = UnfoldAdminTextareaWidget
MONEY = UnfoldAdminDecimalFieldWidget
SELECT = UnfoldAdminSelectWidget
DATE = UnfoldAdminSingleDateWidget
