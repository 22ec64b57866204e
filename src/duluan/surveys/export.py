"""Raw answers out: one row per response, in CSV (UTF-8 with a BOM, for spreadsheets), XLSX with
Vietnamese variable and value labels, or SPSS (.sav) and Stata (.dta) files with the same labels,
and the codebook that describes them.

Columns are the response's facts (`instance_id`, received time in Vietnam, channel, version,
status) and then every answered question outside repeats, in questionnaire order; questions of
earlier versions that the current one dropped come after. Values stay as stored (choice names,
space-separated for a multiple choice); the XLSX adds the codebook as the sheet `Biến` and one
sheet per repeat (its rows carry the response's `instance_id`). The CSV holds the main table
only; each repeat's column there counts its rows.

`write_export` streams any size to a file: responses are read in batches (`export_rows`) and
written as they come (`export_writers`). `table` and the `to_*` functions give small exports as
bytes, through the same writers, for a direct download.

Contact data is never exported here (it is kept apart, for the owner unit's admins).
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session

from duluan.surveys.export_codebook import Entry, Tally
from duluan.surveys.export_rows import (
    BATCH_SIZE,
    FACT_LABELS,
    FACTS,
    Batch,
    Layout,
    Variable,
    batches,
    count,
    last_id,
    layout,
)
from duluan.surveys.export_writers import (
    write_codebook_csv,
    write_codebook_xlsx,
    writer_for,
)
from duluan.surveys.models import Survey

__all__ = ["FACTS", "FACT_LABELS", "FORMATS", "Table", "Variable", "table", "write_export"]

Progress = Callable[[int, int | None], None]


@dataclass(frozen=True)
class Table:
    """The main table, the variables that describe it, and each repeat's own table."""

    variables: list[Variable]
    rows: list[list[str]]
    repeats: dict[str, tuple[list[Variable], list[list[str]]]]


@dataclass(frozen=True)
class Written:
    """What `write_export` wrote: the number of responses and the codebook."""

    rows: int
    codebook: list[Entry]


def write_export(
    session: Session,
    survey: Survey,
    kind: str,
    path: Path,
    *,
    progress: Progress | None = None,
    end_reads: bool = False,
    batch_size: int = BATCH_SIZE,
) -> Written:
    """Write every response up to now, oldest first, as `kind` into `path`, one batch at a
    time, reporting `progress(done, total)` after each. With `end_reads` (a session of its own,
    as a job has) the read transaction ends between batches, so none stays open for minutes."""
    shape = layout(session, survey)
    up_to = last_id(session, survey)
    total = count(session, survey, up_to)
    writer = writer_for(kind, path, shape, total)
    tally = Tally(shape)
    if progress:
        progress(0, total)
    for batch in batches(session, survey, shape, up_to, size=batch_size):
        if end_reads:
            session.commit()
        writer.add(batch)
        tally.add(batch)
        if progress:
            progress(tally.rows, max(total, tally.rows))
    codebook = tally.entries()
    writer.finish(codebook)
    return Written(tally.rows, codebook)


def write_codebook(codebook: list[Entry], kind: str, path: Path) -> None:
    """The codebook on its own, as `kind`: "xlsx", or "csv" (UTF-8 with a BOM)."""
    if kind == "xlsx":
        write_codebook_xlsx(codebook, path)
    else:
        write_codebook_csv(codebook, path)


def table(session: Session, survey: Survey) -> Table:
    """Every response of the survey, oldest first, as rows of text (small surveys: the whole
    table is in memory; `write_export` streams large ones)."""
    shape = layout(session, survey)
    rows: list[list[str]] = []
    repeat_rows: dict[str, list[list[str]]] = {name: [] for name in shape.repeats}
    for batch in batches(session, survey, shape, last_id(session, survey)):
        rows += batch.rows
        for name, found in batch.repeat_rows.items():
            repeat_rows[name] += found
    return Table(
        shape.variables,
        rows,
        {name: (inner, repeat_rows[name]) for name, inner in shape.repeats.items()},
    )


def _as_bytes(data: Table, kind: str) -> bytes:
    """The table written by the streaming writer of `kind`, read back."""
    shape = Layout(data.variables, {n: inner for n, (inner, _) in data.repeats.items()}, {})
    batch = Batch(data.rows, {n: rows for n, (_, rows) in data.repeats.items()})
    tally = Tally(shape)
    tally.add(batch)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"answers.{kind}"
        writer = writer_for(kind, path, shape, len(data.rows))
        writer.add(batch)
        writer.finish(tally.entries())
        return path.read_bytes()


def to_csv(data: Table) -> bytes:
    """The main table as CSV, UTF-8 with a BOM (so that spreadsheets read Vietnamese)."""
    return _as_bytes(data, "csv")


def to_xlsx(data: Table) -> bytes:
    """The main table, the codebook sheet `Biến` and one sheet per repeat."""
    return _as_bytes(data, "xlsx")


def to_sav(data: Table) -> bytes:
    """The main table as an SPSS .sav file, with variable and value labels."""
    return _as_bytes(data, "sav")


def to_dta(data: Table) -> bytes:
    """The main table as a Stata .dta file, with variable and value labels."""
    return _as_bytes(data, "dta")


# Each export format: how it is written as bytes and its media type.
FORMATS = {
    "csv": (to_csv, "text/csv; charset=utf-8"),
    "xlsx": (to_xlsx, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "sav": (to_sav, "application/x-spss-sav"),
    "dta": (to_dta, "application/x-stata-dta"),
}
