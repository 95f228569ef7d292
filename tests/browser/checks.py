"""What every page must pass: axe-core (no serious/critical), keyboard, focus, screenshots."""

from axe_playwright_python.sync_playwright import Axe  # only for its bundled axe-core

from tests.browser.conftest import WIDTHS

_axe = Axe()
BLOCKING = {"serious", "critical"}
# Axe results per page, written next to the screenshots at the end of the run (conftest.py).
AXE_SUMMARY: dict[str, str] = {}
# axe-core leaves its experimental rules (label-content-name-mismatch, …) off by default; they
# catch real problems for people who use voice control, so every page runs them too.
_RUN = """async () => {
  const experimental = axe.getRules(['experimental']).map(rule => rule.ruleId);
  const rules = Object.fromEntries(experimental.map(id => [id, {enabled: true}]));
  return await axe.run(document, {resultTypes: ['violations'], rules});
}"""


def axe_violations(page) -> list[dict]:
    page.evaluate(_axe.axe_script)
    return page.evaluate(_RUN)["violations"]


def assert_accessible(page, name: str) -> None:
    violations = axe_violations(page)
    blocking = [v for v in violations if v.get("impact") in BLOCKING]
    AXE_SUMMARY[name] = (
        f"{len(blocking)} serious/critical, {len(violations) - len(blocking)} minor/moderate"
        + (f" ({', '.join(sorted({v['id'] for v in violations}))})" if violations else "")
    )
    detail = "\n".join(
        f"- {v['id']} ({v['impact']}): {v['help']} → {[n['target'] for n in v['nodes'][:3]]}" for v in blocking
    )
    assert not blocking, f"axe on {name}:\n{detail}"


def focus_is_visible(page) -> bool:
    """The focused element shows an outline or a focus ring (box-shadow)."""
    return page.evaluate(
        """() => {
          const el = document.activeElement;
          if (!el || el === document.body) return false;
          const s = getComputedStyle(el);
          const outline = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2;
          const ring = s.boxShadow && s.boxShadow !== 'none';
          // Map tiles (SVG links) show focus as a thick stroke round their square.
          const rect = el.querySelector && el.querySelector(':scope > rect');
          const stroke = rect && parseFloat(getComputedStyle(rect).strokeWidth) >= 4;
          return outline || ring || !!stroke;
        }"""
    )


def assert_keyboard(page, name: str, extra_tabs: int = 6) -> None:
    """Tab reaches the skip link first, it is visible, and Enter moves focus to <main>."""
    page.evaluate("() => { document.activeElement && document.activeElement.blur(); window.scrollTo(0, 0); }")
    page.keyboard.press("Tab")
    first = page.evaluate(
        "() => ({cls: document.activeElement.className, href: document.activeElement.getAttribute('href'),"
        " left: document.activeElement.getBoundingClientRect().left})"
    )
    assert first["cls"] == "skip-link" and first["href"] == "#main", f"{name}: first Tab went to {first}"
    assert first["left"] >= 0, f"{name}: skip link is off screen when focused"
    assert focus_is_visible(page), f"{name}: skip link focus not visible"
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "main", f"{name}: skip link did not move focus"
    # The next few stops inside the page all show where focus is.
    for _ in range(extra_tabs):
        page.keyboard.press("Tab")
        tag = page.evaluate("() => document.activeElement.tagName")
        if tag == "BODY":
            break
        assert focus_is_visible(page), f"{name}: focus not visible on {page.evaluate('() => document.activeElement.outerHTML.slice(0, 120)')}"


def screenshot_both(page, screenshots, name: str) -> None:
    for label, width in WIDTHS.items():
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(screenshots / f"{name}-{label}-{width}.png"), full_page=True)
        # Nothing should force a sideways scroll on a phone.
        overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 1, f"{name} overflows sideways by {overflow}px at {width}px"
    page.set_viewport_size({"width": WIDTHS["desktop"], "height": 900})
