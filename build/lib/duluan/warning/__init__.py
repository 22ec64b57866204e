"""Early warning: burst detectors, emerging topics, alerts, hotspot cases (issue 5)."""
