"""Demo content for a studio; see `studio.demo.fill.demo_fill`."""

from studio.demo.catalogue import ACCOUNTANT_PASSWORD, ENGINEER_PASSWORD
from studio.demo.fill import demo_fill

__all__ = ["ACCOUNTANT_PASSWORD", "ENGINEER_PASSWORD", "demo_fill"]
