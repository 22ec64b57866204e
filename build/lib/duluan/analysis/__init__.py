"""Enrichment of collected text: language, sentiment, topics, places, roll-ups (issues 3–5)."""
