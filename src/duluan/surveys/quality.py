"""Responses worth a reviewer's look, found in one pass over a survey's responses:

- `too_short`: an interview under a third of the survey's median length (once at least
  `MIN_TIMED` responses are timed), the classic sign of a questionnaire filled without asking;
- `straight_lining`: the same choice given to every question of a battery (at least
  `MIN_BATTERY` single-choice questions sharing one choice list, all answered);
- `duplicate`: exactly the same answers as an earlier response of the survey (all questions).

Flags are hints, never verdicts: a reviewer approves, rejects or corrects (`review.py`). They
are stored on the responses (`Response.flags`) when `refresh` runs — on opening the survey's
responses, so the cost is one read of the survey's answers, paid when someone looks.
"""

from __future__ import annotations

import json
import statistics
from collections import defaultdict

from sqlalchemy import select
from sqlalchemy.orm import Session

from duluan.surveys.form import Form
from duluan.surveys.models import Response, Survey
from duluan.surveys.service import current_version, form_of

MIN_TIMED = 10
SHORT_SHARE = 1 / 3
MIN_BATTERY = 5


def refresh(session: Session, survey: Survey) -> int:
    """Recompute every response's flags; the number of flagged responses."""
    responses = list(
        session.scalars(
            select(Response).where(Response.survey_id == survey.id).order_by(Response.id)
        )
    )
    batteries = _batteries(form_of(current_version(session, survey)))
    timed = [r.duration_seconds for r in responses if r.duration_seconds is not None]
    short = statistics.median(timed) * SHORT_SHARE if len(timed) >= MIN_TIMED else None
    seen: set[str] = set()
    flagged = 0
    for response in responses:
        answers = response.answers or {}
        flags = []
        seconds = response.duration_seconds
        if short is not None and seconds is not None and seconds < short:
            flags.append("too_short")
        if any(_straight(answers, names) for names in batteries):
            flags.append("straight_lining")
        key = json.dumps(answers, sort_keys=True, ensure_ascii=False)
        if answers and key in seen:
            flags.append("duplicate")
        seen.add(key)
        if flags != list(response.flags or []):
            response.flags = flags
        flagged += bool(flags)
    session.flush()
    return flagged


def _batteries(form: Form) -> list[list[str]]:
    """Groups of single-choice questions sharing a choice list, at least MIN_BATTERY long."""
    by_list: dict[str, list[str]] = defaultdict(list)
    for _, question in form.walk():
        if question.type == "select_one" and question.choice_list:
            by_list[question.choice_list].append(question.name)
    return [names for names in by_list.values() if len(names) >= MIN_BATTERY]


def _straight(answers: dict[str, object], names: list[str]) -> bool:
    given = [answers.get(name) for name in names]
    return all(isinstance(v, str) and v for v in given) and len(set(given)) == 1
