"""GET /healthz: is the process up and the database reachable (for load balancers and monitors)."""

from __future__ import annotations

from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from duluan import __version__
from duluan.web.deps import SessionDep, public

router = APIRouter(dependencies=[Depends(public)])


@router.get("/healthz", include_in_schema=False)
def healthz(db: SessionDep) -> JSONResponse:
    try:
        db.execute(text("SELECT 1"))
    except SQLAlchemyError:
        return JSONResponse({"status": "error", "database": "unreachable"}, status_code=503)
    return JSONResponse({"status": "ok", "database": "ok", "version": __version__})
