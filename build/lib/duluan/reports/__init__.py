"""Periodic and urgent reports: data snapshot to sections, DOCX and PDF (issue 9)."""
