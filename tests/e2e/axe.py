"""axe-core in the browser tests: the accessibility rules a page breaks, as readable lines.

axe-core comes from npm (package.json's devDependencies, installed by `make setup`). Our pages
send a Content-Security-Policy without 'unsafe-inline', so axe cannot be added as an inline
<script> (Playwright's add_script_tag is refused). Instead of a bypass_csp=True browser context,
its source is evaluated through the DevTools protocol, which the page's policy does not govern:
the journey keeps running under the real policy, and axe judges the page as a visitor sees it
(a context that bypasses the policy would also apply inline styles the policy blocks, and could
pass a contrast that production fails).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
# WCAG 2.1 A and AA, which is what we promise; axe's "best practice" rules are advice.
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@cache
def _source() -> str:
    if not AXE.exists():
        raise RuntimeError(f"{AXE} is missing: run `make setup` (npm ci installs axe-core).")
    return AXE.read_text(encoding="utf-8")


def axe_violations(page, impact=("serious", "critical"), exclude=()) -> list[str]:
    """The rules of `impact` the page as it stands breaks, one line per rule with the first
    offending elements, so an assertion's message says what to fix. `exclude` takes CSS
    selectors of parts another test answers for."""
    if not page.evaluate("typeof window.axe === 'object'"):
        page.evaluate(_source())
    results = page.evaluate(
        """([tags, exclude]) => axe.run(
            exclude.length ? {exclude: exclude.map((s) => [s])} : document,
            {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]},
        )""",
        [TAGS, list(exclude)],
    )
    found = []
    for violation in results["violations"]:
        if violation["impact"] not in impact:
            continue
        targets = ", ".join(" ".join(node["target"]) for node in violation["nodes"][:3])
        found.append(
            f"{violation['id']} ({violation['impact']}, {len(violation['nodes'])}x): "
            f"{violation['help']} — {targets} [{page.url}]"
        )
    return found
