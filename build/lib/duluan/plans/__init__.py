"""Plans, tasks with lead and coordinating units, and scorecards (issue 9)."""
