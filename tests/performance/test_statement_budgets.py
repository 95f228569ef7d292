"""Statement budgets: every page (every GET route of the URL map, for every role) sends at most
STATEMENT_BUDGET SQL statements, however many postings, partners, themes, events or threads it
shows. A page that loads a relation per row (N+1) fails here with the statements it sent.

A new route is covered without editing this file, unless its URL has an argument nobody has
given sample values for yet: then the test says which, and SAMPLES below gets an entry."""

from collections import Counter

import pytest

from app.models.postings import KIND_SLUGS
from app.pagecache import cache
from app.services.stats import figures
from app.sqlcount import counting_statements
from tests.performance.conftest import OWN, PER_KIND, SENDER_TOKEN, more_threads_and_answers

# Public pages (as residents see them) and the officials' inbox: at most 10 statements.
STATEMENT_BUDGET = 10
BUDGET_PAGES = {"contact.inbox"}
# Officials' working pages (board topics with answers and related topics, forms, admin) have
# more parts; they too are held to a fixed count (and to the same count for more data, below).
OFFICIALS_BUDGET = 20
ROLES = ["anonymous", "officer", "liaison", "admin"]
# Routes that are no page: the development-only mailbox (off in tests); static files neither.
NOT_PAGES = {"contact.dev_mail", "contact.dev_mailbox"}
# Query strings the pages read, on top of each route's bare URL (filters, paging, searches).
VARIANTS = {
    "postings.index": ["?category=A-4&prefecture=東京都", "?region=関東&sort=newest", "?page=2"],
    "postings.by_kind": ["?status=open", "?category=B-5"],
    "search.results": ["?q=防災", "?q=防災 観光&kind=case_study&category=A-4", "?q=存在しないことば&region=九州",
                       "?category=B-5&sort=newest&page=2"],
    "api.search": ["?q=防災", "?q=観光&kind=partnership_request"],
    "api.postings": ["?per_page=50"],
    "events.calendar": ["?month=2026-12"],
    "events.listing": ["?past=1"],
    "contact.inbox": ["?status=all", "?status=new"],
    "public.feed_postings": ["?category=A-4", "?prefecture=東京都"],
}


def samples(world) -> dict[str, list]:
    """Values for each URL argument name: one of each kind of object a route can show."""
    postings = world["postings"]
    return {
        "posting_id": [ids[i] for ids in postings.values() for i in (0, 4, 5)],  # public, draft, officials
        "event_id": world["events"][:5],
        "code": [OWN, "072125"],
        "slug": list(KIND_SLUGS.values()),
        "thread_id": world["threads"][:3],
        "officer_id": world["officers"],
        "user_id": [world["user_id"]],
        "token": [SENDER_TOKEN],
        "topic_id": world["topics"][:2],
        "answer_id": world["answers"][:2],
        "digest_id": [world["digest"]],
        "declaration_id": world["declarations"],
        "name": [*figures.PUBLIC_TABLES, *figures.OFFICIAL_TABLES],  # /stats/<name>.csv
    }


def page_urls(app, world) -> list[tuple[str, str]]:
    """(endpoint, URL) for every GET route, with sample arguments and query variants."""
    values = samples(world)
    urls = []
    for rule in app.url_map.iter_rules():
        static = rule.endpoint == "static" or rule.endpoint.endswith(".static")
        if "GET" not in rule.methods or static or rule.endpoint in NOT_PAGES:
            continue
        missing = sorted(a for a in rule.arguments if a not in values)
        assert not missing, f"{rule.rule}: add sample values for {missing} to SAMPLES"
        for args in _combinations(rule, values):
            with app.test_request_context():
                from flask import url_for

                base = url_for(rule.endpoint, **args)
            urls += [(rule.endpoint, base + v) for v in ["", *VARIANTS.get(rule.endpoint, [])]]
    return urls


def _combinations(rule, values) -> list[dict]:
    """Each argument's sample values in turn (the others at their first value)."""
    names = sorted(rule.arguments)
    if not names:
        return [{}]
    first = {n: values[n][0] for n in names}
    return [first] + [{**first, n: v} for n in names for v in values[n][1:]]


def _fetch(client, url, rendered: bool = False):
    """GET with the body read to its end (downloads are streamed). `rendered`: the page is
    built, not taken from the anonymous page cache (its generation is read all the same)."""
    if rendered:
        with client.application.app_context():
            cache.clear()
    response = client.get(url)
    response.get_data()
    response.close()
    return response


def _login(client, world, role):
    if role != "anonymous":
        client.login(world["emails"][role])


def public_urls(app, world) -> set[str]:
    """The URLs an anonymous visitor is shown (200): the public pages."""
    client = app.test_client()
    return {url for _endpoint, url in page_urls(app, world) if _fetch(client, url).status_code == 200}


@pytest.mark.parametrize("role", ROLES)
def test_every_page_stays_within_the_statement_budget(world_app, world_client, role):
    app, world, engine = world_app
    public = public_urls(app, world)
    _login(world_client, world, role)
    over, errors, seen = {}, {}, Counter()
    for endpoint, url in page_urls(app, world):
        _fetch(world_client, url)  # once to warm what is per process (engine, templates)
        with counting_statements(engine) as statements:
            response = _fetch(world_client, url, rendered=True)
        seen[response.status_code] += 1
        if response.status_code >= 500:
            errors[url] = response.status_code
        # Public pages as the public sees them, and the inbox; officials see more on every page
        # (header counts, officials' panels) and are held to the officials' budget.
        strict = (role == "anonymous" and url in public) or endpoint in BUDGET_PAGES
        budget = STATEMENT_BUDGET if strict else OFFICIALS_BUDGET
        if len(statements) > budget:
            shapes = Counter(" ".join(s.split())[:90] for s in statements)
            over[url] = (len(statements), endpoint, shapes.most_common(2))
    assert not errors, errors
    assert not over, "\n".join(f"{n} statements: {url} ({ep}) most repeated: {top}"
                               for url, (n, ep, top) in over.items())
    assert seen[200] > 30, seen  # the pages really were shown, not refused


def test_pages_cost_the_same_with_twice_as_many_postings(world_app, world_client):
    """Pages send as many statements over 12 or 24 stories (with more partners, themes, fields,
    answers and inbox lines): nothing is loaded row by row."""
    app, world, engine = world_app
    story, topic = world["postings"]["case_study"][0], world["topics"][0]
    pages = ["/", "/postings/", "/postings/cases/", f"/postings/{story}", "/events/list",
             "/feeds/postings.atom", "/search/?q=防災", "/m/131041", "/contact/inbox?status=all",
             "/board/", f"/board/topics/{topic}", "/board/notices"]
    _login(world_client, world, "officer")

    def costs():
        out = {}
        for url in pages:
            _fetch(world_client, url)
            with counting_statements(engine) as statements:
                assert _fetch(world_client, url, rendered=True).status_code == 200
            out[url] = len(statements)
        return out

    before = costs()
    from tests.helpers import PostingFactory

    make = PostingFactory()
    with app.app_context():
        for i in range(PER_KIND):
            posting = make("case_study", "072125", partners=["131041", "042056", "172049"],
                           categories=["A-4", "B-5"], fields=["観光", f"追加{i}"],
                           title=f"追加の防災の物語 {i}")
        more_threads_and_answers(world, posting.id)
    after = costs()
    # One statement either way is not a row-by-row load: db.paginate skips its COUNT when the
    # first page is not full, so a page may gain or lose that one as rows are added. Loading
    # row by row would add a statement per added posting (12 here).
    assert {url: n for url, n in after.items() if abs(n - before[url]) > 1} == {}, (before, after)
