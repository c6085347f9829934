"""axe-core (tests/vendor/axe.min.js, from the npm registry; never served to users) run in
the page under test: the violations a person with a screen reader or low vision would hit."""

from pathlib import Path

AXE_SOURCE = (Path(__file__).parent.parent / "vendor" / "axe.min.js").read_text()
RUN = """async () => {
  const result = await axe.run(document, {resultTypes: ['violations']});
  return result.violations
    .filter(v => ['serious', 'critical'].includes(v.impact))
    .map(v => `${v.impact} ${v.id}: ${v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(', ')}`);
}"""


def serious_violations(page) -> list[str]:
    """The page's axe violations of impact «serious» or «critical», one line each.
    Evaluated through the DevTools protocol, so the portal's CSP needs no exception."""
    if not page.evaluate("() => typeof axe !== 'undefined'"):
        page.evaluate(AXE_SOURCE)
    return page.evaluate(RUN)
