"""Media and social listening: sources, connectors, fetch, extract, dedup, store (issue 4)."""
