"""The push API: collectors elsewhere send documents with an API token; each is stored once."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Request
from pydantic import BaseModel
from sqlalchemy import select

from duluan.auth import audit, units
from duluan.auth.models import OrgUnit
from duluan.auth.permissions import Actor
from duluan.errors import BadInput, PermissionDenied
from duluan.ingest import files, sources
from duluan.ingest.items import Item
from duluan.ingest.models import Source
from duluan.ingest.service import store_batch
from duluan.web.deps import SessionDep, need

router = APIRouter(prefix="/api", tags=["api"])
Pusher = Annotated[Actor, Depends(need("documents.push"))]
MAX_DOCUMENTS = 1000
_TEXT = {"type": "string"}
REQUEST_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["source", "documents"],
    "properties": {
        "source": {"type": "string", "description": "Name of the push source (created on use)"},
        "unit": {"type": "string", "description": "Unit code; default: the token owner's first"},
        "documents": {
            "type": "array",
            "maxItems": MAX_DOCUMENTS,
            "items": {
                "type": "object",
                "properties": {
                    "text": _TEXT,
                    "title": _TEXT,
                    "url": _TEXT,
                    "id": _TEXT,
                    "author": {"type": "string", "description": "Hashed before storage"},
                    "published_at": {"type": "string", "format": "date-time"},
                    "kind": {"type": "string", "enum": ["article", "post", "comment", "report"]},
                },
            },
        },
    },
}


class Rejected(BaseModel):
    index: int
    reason: str


class PushOut(BaseModel):
    new: int
    duplicate: int
    rejected: list[Rejected]
    document_ids: list[int]


def _bad_body() -> BadInput:
    return BadInput("errors.push_bad_body", max=MAX_DOCUMENTS)


def _unit(db: SessionDep, actor: Actor, code: object) -> OrgUnit:
    if code:
        unit = units.find_by_code(db, str(code))
        if not actor.may("documents.push", unit.path):
            raise PermissionDenied("errors.permission_denied")
        return unit
    for scope in actor.scopes:
        if actor.may("documents.push", scope.unit_path):
            return db.get_one(OrgUnit, scope.unit_id)
    raise PermissionDenied("errors.permission_denied")


def push_source(db: SessionDep, actor: Actor, unit: OrgUnit, name: str) -> Source:
    """The push source of that name for `unit`, created on first use."""
    found = db.scalar(
        select(Source).where(Source.unit_id == unit.id, Source.kind == "push", Source.name == name)
    )
    return found or sources.add_source(db, actor, unit=unit, kind="push", name=name)


def _items(documents: list[Any]) -> tuple[list[tuple[int, Item]], list[Rejected]]:
    items: list[tuple[int, Item]] = []
    rejected: list[Rejected] = []
    for index, record in enumerate(documents):
        try:
            if not isinstance(record, dict):
                raise ValueError("not a JSON object")
            items.append((index, files.item_of(record)))
        except ValueError as exc:
            rejected.append(Rejected(index=index, reason=str(exc)))
    return items, rejected


@router.post(
    "/documents",
    response_model=PushOut,
    summary="Send documents from a collector; resending stores nothing twice",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": REQUEST_SCHEMA}},
        }
    },
)
def push_documents(
    request: Request, db: SessionDep, actor: Pusher, body: Annotated[Any, Body()]
) -> PushOut:
    if not isinstance(body, dict):
        raise _bad_body()
    name, documents = body.get("source"), body.get("documents")
    if not isinstance(name, str) or not name.strip() or not isinstance(documents, list):
        raise _bad_body()
    if len(documents) > MAX_DOCUMENTS:
        raise _bad_body()
    source = push_source(db, actor, _unit(db, actor, body.get("unit")), name)
    source_id, unit_id = source.id, source.unit_id
    db.commit()  # the documents are stored in their own short write transaction
    items, rejected = _items(documents)
    secret = request.app.state.settings.secret_key
    summary = store_batch(
        request.app.state.sessions, source_id, [item for _, item in items], secret=secret
    )
    # store_batch names a rejected item by its URL, id or title: find its index back.
    for reason in summary.reasons:
        index = next((i for i, item in items if reason.startswith(_label(item) + ":")), -1)
        rejected.append(Rejected(index=index, reason=reason.split(": ", 1)[-1]))
    audit.record(
        db,
        actor=actor,
        action="documents.pushed",
        target=f"source:{source_id}",
        unit_id=unit_id,
        detail={"new": summary.new, "duplicate": summary.duplicate, "rejected": len(rejected)},
    )
    return PushOut(
        new=summary.new,
        duplicate=summary.duplicate,
        rejected=sorted(rejected, key=lambda r: r.index),
        document_ids=summary.document_ids,
    )


def _label(item: Item) -> str:
    return (item.url or item.external_id or item.title)[:120]
