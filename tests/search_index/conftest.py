import pytest

from search_index import SearchEngine

from .helpers import corpus


@pytest.fixture(scope="module")
def engine(tmp_path_factory):
    eng = SearchEngine(tmp_path_factory.mktemp("ix"))
    eng.upsert(corpus())
    return eng
