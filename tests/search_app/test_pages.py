"""The results page on the demo data: spelling variants and synonyms, facets, filters, help."""

import re
from html import unescape

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Posting
from app.services.search.indexing import POSTINGS, document_for
from tests.search_app.conftest import find_ids


@pytest.fixture(scope="module")
def public_texts(demo_app) -> dict[int, str]:
    with demo_app.app_context():
        stmt = select(Posting).where(Posting.status == "published", Posting.visibility == "public")
        out = {}
        for p in db.session.scalars(stmt.options(*POSTINGS.relations)):
            d = document_for(p)
            out[p.id] = " ".join([d["title"], d["summary"], d["body"], d["extra_text"]])
        db.session.remove()
    return out


@pytest.mark.parametrize("query,other_spelling", [
    ("空家", r"空き家"),
    ("空き家", r"空家"),
    ("ＩＴ", r"(?<![A-Za-z])IT(?![A-Za-z])"),
    ("IT", r"ＩＴ"),
    ("取り組み", r"取組(?!み)"),
    ("取組", r"取り組み"),
    ("防災協定", r"災害時相互応援協定"),  # synonym
    ("人事交流", r"職員派遣"),  # synonym
    ("疎開", r"避難"),  # synonym
])
def test_demo_search_finds_the_other_spelling(demo, public_texts, query, other_spelling):
    expected = {pid for pid, text in public_texts.items() if re.search(other_spelling, text)}
    assert expected, f"the demo data has no public posting with {other_spelling}"
    assert expected <= set(find_ids(query))


def test_results_page_shows_snippets_facets_and_status(demo):
    client = demo.test_client()
    html = client.get("/search/?q=空家").get_data(as_text=True)
    assert 'role="search"' in html and '<label for="search-q">' in html
    count = re.search(r'<p class="result-count" role="status">(\d+)件', html)
    assert count and int(count.group(1)) == len(find_ids("空家"))
    assert "<mark>空き家</mark>" in html  # the other spelling is found and highlighted
    assert '<h2 id="facets-heading">絞り込み</h2>' in html
    headings = [int(h) for h in re.findall(r"<h([1-6])", html.split('id="main"')[1])]
    assert headings[0] == 1 and all(b - a <= 1 for a, b in zip(headings, headings[1:], strict=False))


def test_a_facet_link_filters_and_the_active_filter_can_be_removed(demo):
    client = demo.test_client()
    html = client.get("/search/?q=防災").get_data(as_text=True)
    link = re.search(r'<a href="(/search/\?[^"]*prefecture=[^"]*)">([^<]+)</a>（(\d+)）', html)
    url, prefecture, count = unescape(link.group(1)), link.group(2), int(link.group(3))
    filtered = client.get(url).get_data(as_text=True)
    assert f'role="status">{count}件' in filtered
    assert f"都道府県: {prefecture}" in filtered
    remove = re.search(r'<a href="([^"]+)">都道府県: ', filtered).group(1)
    assert "prefecture" not in unescape(remove) and "q=" in remove
    # The search box keeps the filter for a new query.
    assert f'<input type="hidden" name="prefecture" value="{prefecture}">' in filtered


def test_sort_and_pagination(demo):
    client = demo.test_client()
    html = client.get("/search/?sort=newest").get_data(as_text=True)
    assert 'rel="next"' in html and "1 / " in html
    page2 = client.get("/search/?sort=newest&page=2").get_data(as_text=True)
    assert 'rel="prev"' in page2
    first = re.findall(r'href="/postings/(\d+)"', html)
    second = re.findall(r'href="/postings/(\d+)"', page2)
    assert first and second and not set(first) & set(second)
    newest = find_ids("", sort="newest")
    dates = {p.id: p.published_at for p in db.session.scalars(select(Posting).where(Posting.id.in_(newest)))}
    assert [dates[i] for i in newest] == sorted((dates[i] for i in newest), reverse=True)


def test_nothing_found_offers_to_drop_a_filter_and_related_terms(demo):
    client = demo.test_client()
    html = client.get("/search/?q=防災&prefecture=沖縄県&kind=staff_exchange").get_data(as_text=True)
    assert 'role="status">0件' in html and "見つかりませんでした" in html
    assert "の絞り込みを外す</a>（" in html
    html = client.get("/search/?q=防災協定&region=北海道").get_data(as_text=True)
    assert "関連する言葉" in html and "災害時相互応援協定" in html


def test_bad_parameters_are_a_clear_400(demo):
    client = demo.test_client()
    for url, message in [("/search/?kind=unknown", "種類の指定"), ("/search/?category=Z-9", "カテゴリの指定"),
                         ("/search/?region=火星", "地域の指定"), ("/search/?prefecture=東京", "都道府県の指定"),
                         ("/search/?page=0", "ページ番号"), ("/search/?year=20x4", "公開年"),
                         ("/search/?sort=random", "並び順"), ("/search/?q=" + "あ" * 201, "200文字以内")]:
        response = client.get(url)
        assert response.status_code == 400, url
        assert message in response.get_data(as_text=True), url


def test_titles_are_escaped_and_only_the_snippet_carries_markup(client, postings):
    postings(title="<script>alert(1)</script>交流", summary="<b>太字</b>の交流と<img src=x>")
    html = client.get("/search/?q=交流").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html and "<img src=x>" not in html
    assert "&lt;script&gt;" in html and "<mark>交流</mark>" in html


def test_related_terms_come_from_the_engine_in_their_own_spelling(demo):
    client = demo.test_client()
    html = client.get("/search/?q=ＩＴ").get_data(as_text=True)
    assert "関連する言葉" in html and ">ICT</a>" in html and ">情報通信</a>" in html
    html = client.get("/search/?q=" + '"防災協定"').get_data(as_text=True)
    assert "関連する言葉" not in html  # a phrase is searched as written


def test_request_status_is_a_filter_and_a_facet_with_japanese_labels(demo):
    client = demo.test_client()
    html = client.get("/search/?kind=partnership_request").get_data(as_text=True)
    assert "募集状況" in html and "募集中</a>" in html and "request_status=open" in html
    every = find_ids(kind="partnership_request")
    matched = find_ids(request_status="matched")
    assert matched and set(matched) < set(every)
    assert set(find_ids(request_status="open")) | set(matched) | set(find_ids(request_status="closed")) == set(every)
    html = client.get("/search/?request_status=matched").get_data(as_text=True)
    assert "募集状況: 成立" in html and f'role="status">{len(matched)}件' in html
    response = client.get("/search/?request_status=pending")
    assert response.status_code == 400 and "募集状況の指定" in response.get_data(as_text=True)


def test_no_results_tips_suggest_only_what_works(demo):
    """Every example the tips give finds postings in the demo data, and what they promise
    holds: readings in ひらがな find the kanji, okurigana and full/half width do not matter."""
    html = demo.test_client().get("/search/?q=qzxqzxq").get_data(as_text=True)
    assert "見つかりませんでした" in html
    tips = html.split('class="hint-list"', 1)[1].split("</ul>", 1)[0]
    examples = re.findall(r"「([^」]+)」", tips)
    assert {"防災協定", "防災", "協定", "ぼうさい", "石川県", "輪島市"} <= set(examples)
    for example in examples:
        assert find_ids(example), f"the tips suggest 「{example}」, which finds nothing"
    assert "ひらがなの読みで探せます" in tips
    assert set(find_ids("ぼうさい")) & set(find_ids("防災"))
    assert "送り仮名や全角・半角の違いは区別しません" in tips
    assert set(find_ids("取り組み")) == set(find_ids("取組")) and find_ids("ＩＣＴ") == find_ids("ICT")


def test_a_page_past_the_end_links_to_the_last_page(demo):
    html = demo.test_client().get("/search/?q=防災&page=500").get_data(as_text=True)
    assert "ページ500はありません。最後のページより後です" in html
    assert "最後のページへ</a>" in html


def test_facets_in_english_name_kinds_regions_and_years_in_english(demo):
    client = demo.test_client()
    client.set_cookie("lang", "en")
    html = client.get("/search/?q=防災").get_data(as_text=True)
    facets = html.split('class="facets"', 1)[1]
    for english in ("Exchange stories", "Disaster cooperation", "Kyushu and Okinawa", "Tohoku"):
        assert english in facets, english
    for japanese in ("連携・交流事例", "災害時相互協力", "九州・沖縄", "東北", "年（"):
        assert japanese not in facets, japanese
    from app.public.themes import THEMES

    assert f"B-5 {THEMES['B-5'][1]}" in facets and "B-5 災害時の相互協力" not in facets  # the theme's English
    chosen = client.get("/search/?q=防災&region=東北").get_data(as_text=True)
    assert "Region: Tohoku" in chosen
    refused = client.get("/search/?kind=xyz")
    assert refused.status_code == 400 and "“xyz” cannot be used for Kind." in refused.get_data(as_text=True)
    # Without the English toggle the same page is Japanese.
    assert "九州・沖縄" in demo.test_client().get("/search/?q=防災").get_data(as_text=True)
