"""The one Markdown-to-text conversion (the index's, also used by the app): syntax goes, text
stays as typed."""

from search_index import markdown_to_text


def test_markdown_syntax_goes_and_the_text_stays_as_typed():
    text = markdown_to_text("## 概要\n\n- **空き家**の[情報](https://example.jp)\n- ![地図](map.png)")
    assert text.split() == ["概要", "空き家", "の情報", "地図"]
    # Only what looks like an HTML tag is removed: a "<" in a sentence is text.
    assert markdown_to_text("費用は50万円<100万円 & 公告は2週間 <b>でした</b>") == "費用は50万円<100万円 & 公告は2週間 でした"
    assert markdown_to_text("") == ""
