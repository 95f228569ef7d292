"""SQL statements per board page do not grow with the number of topics or answers (no N+1)."""

from contextlib import contextmanager

from sqlalchemy import event

from app.extensions import db


@contextmanager
def counted():
    statements = []

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", count)


def _statements(client, url: str) -> int:
    client.get(url)  # warm: the login session and lazy caches
    with counted() as statements:
        assert client.get(url).status_code == 200
    return len(statements)


def test_topic_page_statements_do_not_grow_with_answers(client, people, board, postings):
    case = postings(code="131041")
    few, many = board.topic(people.town), board.topic(people.town, title="二つ目の話題")
    board.answer(few, people.ward, postings=[case.id])
    for who in (people.ward, people.city, people.liaison, people.admin, people.ward, people.city):
        board.answer(many, who, postings=[case.id])
    client.login(people.city.email)
    small, large = _statements(client, f"/board/topics/{few.id}"), _statements(client, f"/board/topics/{many.id}")
    assert small == large <= 15


def test_lists_do_not_grow_with_topics(client, people, board):
    for i in range(3):
        board.answer(board.topic(people.town, title=f"話題{i}"), people.ward)
    # Facet values of categories are labelled without a query each.
    board.topic(people.city, title="話題の分類", categories=("A-1", "A-2", "B-5"))
    client.login(people.city.email)
    urls = ("/board/", "/board/c/B-11", "/board/search?q=話題")
    before = [_statements(client, u) for u in urls]
    for i in range(9):
        board.answer(board.topic(people.city if i % 2 else people.ward, title=f"追加の話題{i}",
                                 categories=(f"A-{i + 1}",)), people.town)
    after = [_statements(client, u) for u in urls]
    assert before == after and max(after) <= 15
