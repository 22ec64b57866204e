"""The anonymised response file a publication may offer: one row per analysed respondent, only
the published questions (and the weighting questions the spec needs), answers as choice names.

What is done: response ids are replaced by sequential numbers (`stt`) in a shuffled order, so a
row's place says nothing about when it arrived; no free text, dates, locations, media or numbers
typed by respondents (only single-choice questions can be published); no metadata (submitter,
collecting unit, channel, device, times, IP addresses: none of them is a column); any value that
looks like a phone, ID-card, tax or bank number or an e-mail is masked (`text/pii.py`; a
calculation may produce one); answers given by fewer than the publication's minimum cell count
are recoded to `Khác`, so a rare answer does not single a person out; the weight of each row is
included (`trong_so`). What is not guaranteed: a combination of common answers can still be
rare; the file is safe against casual identification, not against someone who already knows
many answers of a respondent.
"""

from __future__ import annotations

import csv
import io
import random

import numpy as np
import pandas as pd  # type: ignore[import-untyped]  # no stubs installed

from duluan.surveys.analysis_data import Variable
from duluan.text.pii import mask_pii

OTHER = "Khác"
NUMBER_COLUMN = "stt"
WEIGHT_COLUMN = "trong_so"


def build(
    frame: pd.DataFrame,
    variables: dict[str, Variable],
    columns: list[str],
    weights: np.ndarray | None,
    minimum: int,
) -> str:
    """The CSV text (UTF-8 without BOM, so `duluan survey estimate` reads it back as is)."""
    order = list(range(len(frame)))
    random.Random(len(frame)).shuffle(order)  # noqa: S311 - not secret: only hides arrival order
    values = {name: _column(frame[name], minimum) for name in columns if name in variables}
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    header = [NUMBER_COLUMN, *values]
    if weights is not None:
        header.append(WEIGHT_COLUMN)
    writer.writerow(header)
    for number, index in enumerate(order, start=1):
        line = [str(number), *(column[index] for column in values.values())]
        if weights is not None:
            line.append(repr(float(weights[index])))
        writer.writerow(line)
    return buffer.getvalue()


def _column(series: pd.Series, minimum: int) -> list[str]:
    """A question's answers as text: missing as empty, rare answers as `Khác`, masked."""
    texts = [None if pd.isna(v) else mask_pii(str(v)).text for v in series.tolist()]
    counts: dict[str, int] = {}
    for text in texts:
        if text is not None:
            counts[text] = counts.get(text, 0) + 1
    return ["" if text is None else (OTHER if counts[text] < minimum else text) for text in texts]
