"""Collaborator network: roster, coverage, field reports, deadlines, petitions (issue 8)."""
