"""The 21 survey categories in plain words for residents, with small inline SVG icons.

Icons are drawn on a 24x24 grid with strokes in currentColor, so they follow the text colour
and need no files or external requests.
"""

from markupsafe import Markup

# code: (plain Japanese, English, SVG inner markup)
THEMES: dict[str, tuple[str, str, str]] = {
    "A-1": ("地方への移住", "Moving to the countryside",
            '<path d="M3 11 12 3l9 8"/><path d="M5 10v11h14V10"/><path d="M10 21v-6h4v6"/>'),
    "A-2": ("観光", "Tourism",
            '<path d="M2 20 9 8l4 6 3-4 6 10Z"/><circle cx="18" cy="5" r="2"/>'),
    "A-3": ("特産品・物産", "Local produce",
            '<path d="M5 8h14l-1 13H6Z"/><path d="M9 8V6a3 3 0 0 1 6 0v2"/>'),
    "A-4": ("農業・自然の体験", "Farm and nature experiences",
            '<path d="M12 21V11"/><path d="M12 11C12 6 7 5 4 5c0 4 3 6 8 6Z"/>'
            '<path d="M12 14c0-4 4-5 8-5 0 4-3 5-8 5Z"/>'),
    "A-5": ("商店街・商業の交流", "Shops and business",
            '<path d="M3 9 5 4h14l2 5Z"/><path d="M5 9v11h14V9"/><path d="M10 20v-6h4v6"/>'),
    "A-6": ("文化・伝統芸能", "Culture and traditions",
            '<path d="M9 18V5l11-2v13"/><circle cx="7" cy="18" r="2"/><circle cx="18" cy="16" r="2"/>'),
    "A-7": ("若者と人口減少への取組", "Keeping towns lively",
            '<circle cx="8" cy="8" r="3"/><circle cx="16" cy="8" r="3"/>'
            '<path d="M2 20c0-5 12-5 12 0"/><path d="M10 20c0-5 12-5 12 0"/>'),
    "A-8": ("企業・サテライトオフィス", "Companies and satellite offices",
            '<rect x="5" y="3" width="14" height="18"/><path d="M9 7h1M14 7h1M9 11h1M14 11h1M10 21v-5h4v5"/>'),
    "A-9": ("高齢者の暮らし", "Life for older people",
            '<path d="M12 20C5 15 3 12 3 8.5a4.5 4.5 0 0 1 9-1.5 4.5 4.5 0 0 1 9 1.5C21 12 19 15 12 20Z"/>'),
    "A-10": ("人による支援", "Helping hands",
             '<circle cx="12" cy="12" r="9"/><circle cx="12" cy="12" r="4"/>'
             '<path d="m5.6 5.6 3.6 3.6M14.8 14.8l3.6 3.6M18.4 5.6l-3.6 3.6M9.2 14.8l-3.6 3.6"/>'),
    "B-1": ("自治体どうしの話し合い", "Talking together",
            '<path d="M4 5h16v10H10l-4 4v-4H4Z"/>'),
    "B-2": ("職員の派遣・人事交流", "Staff exchanges",
            '<path d="M4 8h14l-4-4"/><path d="M20 16H6l4 4"/>'),
    "B-3": ("顔の見える関係づくり", "Getting to know each other",
            '<circle cx="8" cy="10" r="5"/><circle cx="16" cy="14" r="5"/>'),
    "B-4": ("職員の合同研修", "Joint training",
            '<path d="M2 9 12 4l10 5-10 5Z"/><path d="M6 11v5c3 3 9 3 12 0v-5"/>'),
    "B-5": ("災害時の助け合い", "Help in disasters",
            '<path d="M12 3 4 6v6c0 5 4 8 8 9 4-1 8-4 8-9V6Z"/><path d="M12 8v8M8 12h8"/>'),
    "B-6": ("連携協定", "Partnership agreements",
            '<path d="M6 3h9l4 4v14H6Z"/><path d="M9 12h7M9 16h5"/>'),
    "B-7": ("広い地域での連携", "Regional cooperation",
            '<circle cx="5" cy="12" r="2.5"/><circle cx="19" cy="6" r="2.5"/><circle cx="19" cy="18" r="2.5"/>'
            '<path d="m7.3 11 9.4-4M7.3 13l9.4 4"/>'),
    "B-8": ("国への提案", "Proposals to the state",
            '<path d="M3 21h18M5 21V10M9 21V10M15 21V10M19 21V10M2 10 12 4l10 6Z"/>'),
    "B-9": ("特別区の窓口", "The wards' help desks",
            '<path d="M4 10h16v10H4Z"/><path d="M8 10V7a4 4 0 0 1 8 0v3"/><path d="M12 14v2"/>'),
    "B-10": ("広報誌・情報誌", "Newsletters",
             '<path d="M4 5h13v15H6a2 2 0 0 1-2-2Z"/><path d="M17 8h3v10a2 2 0 0 1-2 2"/><path d="M8 9h5M8 13h5"/>'),
    "B-11": ("先進事例の共有", "Sharing good ideas",
             '<path d="M9 18h6M10 21h4"/><path d="M12 3a6 6 0 0 0-4 10.5c1 1 1 2 1 2.5h6c0-.5 0-1.5 1-2.5A6 6 0 0 0 12 3Z"/>'),
}

# Soft backgrounds per theme group for illustrations (text on them stays dark: contrast).
GROUP_COLOURS = {"A": ("#e3f1e6", "#1e5e2f"), "B": ("#e4eef8", "#0b4a80")}


def theme_label(code: str, locale: str = "ja") -> str:
    plain, english, _ = THEMES.get(code, (code, code, ""))
    return english if locale == "en" else plain


def theme_icon(code: str, size: int = 24, css_class: str = "icon") -> Markup:
    """Decorative icon (aria-hidden): the label next to it carries the meaning."""
    inner = THEMES.get(code, ("", "", '<circle cx="12" cy="12" r="8"/>'))[2]
    return Markup(
        f'<svg class="{css_class}" width="{size}" height="{size}" viewBox="0 0 24 24" fill="none" '
        f'stroke="currentColor" stroke-width="1.8" stroke-linecap="round" stroke-linejoin="round" '
        f'aria-hidden="true" focusable="false">{inner}</svg>'
    )


def story_art(code: str | None) -> Markup:
    """A self-contained lead illustration for a story without a photo: the theme's icon large,
    on its group's colour, with a few soft hills. Decorative; the title says what it is."""
    code = code or "B-3"
    bg, fg = GROUP_COLOURS.get(code.split("-")[0], GROUP_COLOURS["B"])
    inner = THEMES.get(code, THEMES["B-3"])[2]
    return Markup(
        f'<svg class="story-art" viewBox="0 0 320 160" preserveAspectRatio="xMidYMid slice" '
        f'aria-hidden="true" focusable="false"><rect width="320" height="160" fill="{bg}"/>'
        f'<path d="M0 130 Q80 90 160 125 T320 115 V160 H0Z" fill="{fg}" opacity=".12"/>'
        f'<path d="M0 145 Q100 115 200 140 T320 135 V160 H0Z" fill="{fg}" opacity=".18"/>'
        f'<g transform="translate(124 30) scale(3)" fill="none" stroke="{fg}" stroke-width="1.4" '
        f'stroke-linecap="round" stroke-linejoin="round">{inner}</g></svg>'
    )
