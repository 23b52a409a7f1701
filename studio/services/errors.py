from __future__ import annotations


class StudioError(Exception):
    """A business rule refused an action. `field` names the input at fault, when there is one.

    The message is written for the person who tried: it says what is wrong and, when another
    record is in the way, which one.
    """

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class BookingConflict(StudioError):
    """The room, an engineer or a piece of gear is already taken at that time."""

    def __init__(
        self, message: str, *, field: str | None = None, conflicting_id: int | None = None
    ):
        super().__init__(message, field=field)
        self.conflicting_id = conflicting_id


class PermissionRefused(StudioError):
    """The acting user's roles do not hold the permission the action takes."""
