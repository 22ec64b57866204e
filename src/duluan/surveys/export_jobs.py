"""Exports as background jobs (kind `surveys.export`): the file is written under the data folder's
`exports/`, with progress as the batches go by, and downloaded once the job is done.

The payload names the survey, the format, the folder and the file's stem (a random name given
when the job was asked for): a rerun after a crash writes the same file again, through a
temporary file renamed at the end, so a half-written export is never served. Each run also
removes export files older than `KEPT_DAYS`; the codebook is written beside the data file, as
CSV and as XLSX.
"""

from __future__ import annotations

import os
import secrets
import time
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from duluan.db.engine import transaction
from duluan.errors import NotFound
from duluan.surveys import export
from duluan.surveys.models import Survey

KIND = "surveys.export"
FORMATS = ("csv", "xlsx", "sav", "dta")
CODEBOOK_FORMATS = ("csv", "xlsx")
KEPT_DAYS = 7
FOLDER = "exports"  # under the data folder


def new_payload(survey: Survey, file_format: str, data_dir: Path) -> dict[str, Any]:
    """What a job needs to write one export of `survey` (the format already checked)."""
    return {
        "survey_id": survey.id,
        "format": file_format,
        "folder": str(data_dir / FOLDER),
        "stem": f"survey-{survey.id}-{secrets.token_hex(8)}",
    }


def data_file(stem: str, file_format: str) -> str:
    return f"{stem}.{file_format}"


def codebook_file(stem: str, file_format: str) -> str:
    return f"{stem}.codebook.{file_format}"


def export_job(
    factory: sessionmaker[Session], payload: dict[str, Any], progress: export.Progress
) -> dict[str, Any]:
    """Job function (jobs.registry): write the export the payload describes."""
    folder = Path(payload["folder"])
    folder.mkdir(parents=True, exist_ok=True)
    remove_old(folder)
    file_format, stem = str(payload["format"]), str(payload["stem"])
    target = folder / data_file(stem, file_format)
    partial = folder / f"{target.name}.part"
    with transaction(factory) as session:
        survey = session.get(Survey, int(payload["survey_id"]))
        if survey is None:
            raise NotFound("surveys.errors.not_found")
        written = export.write_export(
            session, survey, file_format, partial, progress=progress, end_reads=True
        )
    for kind in CODEBOOK_FORMATS:
        codebook = folder / codebook_file(stem, kind)
        unfinished = codebook.with_name(f"{codebook.name}.part")
        export.write_codebook(written.codebook, kind, unfinished)
        os.replace(unfinished, codebook)
    os.replace(partial, target)
    return {
        "file": target.name,
        "rows": written.rows,
        "bytes": target.stat().st_size,
        "format": file_format,
    }


def remove_old(folder: Path, *, days: int = KEPT_DAYS, now: float | None = None) -> list[str]:
    """Delete the export files last written more than `days` ago; their names."""
    cutoff = (time.time() if now is None else now) - days * 86_400
    removed = []
    for path in folder.iterdir():
        if path.is_file() and path.stat().st_mtime < cutoff:
            path.unlink(missing_ok=True)
            removed.append(path.name)
    return removed
