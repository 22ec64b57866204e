"""Vietnamese text as people write it: normalise, diacritics, teencode, PII (issue 3)."""
