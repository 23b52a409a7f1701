"""Driving the calendar in a browser: an event, a room's column, a drag, a drawn slot (for the
journeys that book or move from the calendar)."""

from __future__ import annotations

EVENT = ".ec-event:not(.ec-bg-event)"


def column_x(page, room: str) -> float:
    """The middle of `room`'s column. A studio with one room has no room headings (the grid is
    the room), so the day's heading stands for it."""
    heads = page.locator(".ec-col-head", has_text=room)
    head = (heads if heads.count() else page.locator(".ec-col-head, .ec-day-head")).first
    box = head.bounding_box()
    return box["x"] + box["width"] / 2


def drag(page, starting: str, *, hours: float, lasting: float = 2, to_room: str | None = None):
    """Drag the session whose time text starts with `starting` by `hours` (and into the
    column of `to_room`); `lasting` is its length, which gives the grid's scale."""
    event = page.locator(EVENT, has_text=starting).first
    box = event.bounding_box()
    per_hour = box["height"] / lasting
    x, y = box["x"] + box["width"] / 2, box["y"] + 12
    target_x = column_x(page, to_room) if to_room else x
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x, y + 10, steps=4)
    page.mouse.move(target_x, y + hours * per_hour, steps=15)
    page.mouse.up()


def draw_slot(page, *, room: str, start: str, end: str):
    """Draw a slot on today's column of `room` in the day view, from `start` to `end`
    ("10:00"): the booking form opens for it. For the journeys that book from the calendar."""
    page.locator(EVENT).or_(page.locator(".ec-col-head")).first.wait_for()
    labels = page.locator(".ec-sidebar .ec-slot")
    top = labels.filter(has_text=start).first.bounding_box()
    bottom = labels.filter(has_text=end).first.bounding_box()
    x = column_x(page, room)
    # A label hangs below its hour line: press just inside the first slot of `start`, release
    # just inside the last slot before `end`.
    page.mouse.move(x, top["y"] + top["height"] / 2 + 3)
    page.mouse.down()
    page.mouse.move(x, bottom["y"] - 3, steps=8)
    page.mouse.up()
