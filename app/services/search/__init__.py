"""Search: the bridge to search_index (indexing) and the search page's query (query)."""
