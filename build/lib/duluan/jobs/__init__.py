"""Background work: the runner protocol, the inline runner and Celery, schedules (with issue 4)."""
