"""Surveys: questionnaires (XLSForm), collection, weighting, estimates (issues 6–7)."""
