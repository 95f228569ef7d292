"""Markdown to safe HTML: raw HTML in the source is not rendered, and the output is sanitised.
(Plain text of Markdown, for snippets, summaries and matching, is search_index's
`markdown_to_text`: the same conversion as the index's.)"""

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

# "commonmark" with html=False escapes any raw HTML; nh3 (ammonia) is the second fence,
# e.g. against javascript: links.
_md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable("table")
_ALLOWED_TAGS = {
    "p", "br", "hr", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "strong", "em", "code",
    "pre", "blockquote", "a", "table", "thead", "tbody", "tr", "th", "td",
}


def render_markdown(source: str | None) -> Markup:
    html = _md.render(source or "")
    # Headings in a posting body start at h3 below the page's h1/h2.
    html = html.replace("<h1>", "<h3>").replace("</h1>", "</h3>")
    html = html.replace("<h2>", "<h3>").replace("</h2>", "</h3>")
    clean = nh3.clean(
        html,
        tags=_ALLOWED_TAGS,
        attributes={"a": {"href", "title"}},
        url_schemes={"http", "https", "mailto"},
        link_rel="nofollow noopener",
    )
    return Markup(clean)
