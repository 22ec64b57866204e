"""Places: the 2025 administrative map (34 provinces, 3,321 communes) and, later, legacy names."""
