"""The OpenRosa endpoints under /openrosa, so that ODK Collect and KoboCollect list, download and
submit forms as they do with KoboToolbox: `formList`, `forms/{form_id}/form.xml`, `submission`.

Collectors sign in with HTTP Basic and their platform account (argon2-checked, throttled like the
login page); Digest is not offered, since it would need a password equivalent stored under a weak
hash: deployments serve this over HTTPS (docs/surveys.md). Every answer, refusals included, is
an OpenRosa response (XML, `X-OpenRosa-Version: 1.0`) that Collect can show, never the HTML error
page or a redirect to the login form. The date header comes from the server (uvicorn).

A verified password is remembered for a few minutes as a keyed hash of username and password
(never the password), so that a phone sending a hundred forms does not pay for a hundred argon2
checks; the user row is still read on every request, so a disabled account or a changed password
takes effect at once. A submission from such a phone is signed in and stored in one worker thread
and one transaction (`_receive`): issue 6 asks for hundreds of submissions a second.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import threading
import time
from collections import OrderedDict
from collections.abc import Mapping
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response
from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session, joinedload
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.formparsers import MultiPartException

from duluan.auth import users
from duluan.auth.models import User
from duluan.auth.permissions import Actor
from duluan.db.engine import transaction
from duluan.errors import (
    BadInput,
    DuluanError,
    NotAuthenticated,
    PermissionDenied,
    TooManyAttempts,
)
from duluan.i18n import translate
from duluan.surveys import openrosa, service
from duluan.surveys.openrosa import Attachment
from duluan.web.deps import client_ip

router = APIRouter(prefix="/openrosa", include_in_schema=False)

OPENROSA_VERSION = "1.0"
XML = "text/xml; charset=utf-8"
REALM = 'Basic realm="duluan", charset="UTF-8"'
XML_PART = "xml_submission_file"
REMEMBER_SECONDS = 300.0
REMEMBERED = 2048  # verified credentials kept at most (one per collector phone in use)


class _VerifiedCredentials:
    """Recently verified Basic credentials: keyed hash → (user id, password change time, until)."""

    def __init__(self, secret: str) -> None:
        self._key = hashlib.sha256(b"openrosa-basic\0" + secret.encode()).digest()
        self._entries: OrderedDict[bytes, tuple[int, float, float]] = OrderedDict()
        self._lock = threading.Lock()

    def key(self, username: str, password: str) -> bytes:
        message = f"{username.strip().lower()}\0{password}".encode()
        return hmac.new(self._key, message, hashlib.sha256).digest()

    def get(self, key: bytes) -> tuple[int, float] | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None or entry[2] < time.monotonic():
                self._entries.pop(key, None)
                return None
            return entry[0], entry[1]

    def put(self, key: bytes, user: User) -> None:
        with self._lock:
            self._entries[key] = (user.id, _changed(user), time.monotonic() + REMEMBER_SECONDS)
            self._entries.move_to_end(key)
            while len(self._entries) > REMEMBERED:
                self._entries.popitem(last=False)


def _changed(user: User) -> float:
    return user.password_changed_at.timestamp() if user.password_changed_at else 0.0


def _verified(request: Request) -> _VerifiedCredentials:
    found = getattr(request.app.state, "openrosa_credentials", None)
    if not isinstance(found, _VerifiedCredentials):
        found = _VerifiedCredentials(request.app.state.settings.secret_key)
        request.app.state.openrosa_credentials = found
    return found


def _credentials(request: Request) -> tuple[str, str] | None:
    scheme, _, encoded = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        raw = base64.b64decode(encoded.strip(), validate=True)
    except (binascii.Error, ValueError):
        return None
    try:
        decoded = raw.decode("utf-8")
    except UnicodeDecodeError:
        decoded = raw.decode("latin-1")
    username, colon, password = decoded.partition(":")
    return (username, password) if colon and username else None


# Built once, run with parameters (cheaper than `session.get` with its grants loaded apart).
_USER_WITH_GRANTS = (
    select(User).options(joinedload(User.grants)).where(User.id == bindparam("user_id"))
)


def _remembered(request: Request, session: Session, credentials: tuple[str, str]) -> Actor | None:
    """The user of credentials verified a moment ago, read in one query (grants joined), if the
    account is still active and its password unchanged; None when they must be checked anew."""
    remembered = _verified(request)
    known = remembered.get(remembered.key(*credentials))
    if known is None:
        return None
    user = session.scalars(_USER_WITH_GRANTS, {"user_id": known[0]}).unique().first()
    if user is None or not user.is_active or _changed(user) != known[1]:
        return None
    return users.actor_for(user)


def _signed_in(request: Request, credentials: tuple[str, str] | None) -> Actor | Response:
    """The collector behind the Basic credentials, or the OpenRosa refusal to send."""
    settings = request.app.state.settings
    if credentials is None:
        return _refusal(request, NotAuthenticated("openrosa.auth_required"))
    username, password = credentials
    with transaction(request.app.state.sessions) as session:
        actor = _remembered(request, session, credentials)
        if actor is not None:
            return actor
        try:
            user = users.authenticate(
                session,
                username=username,
                password=password,
                ip=client_ip(request),
                max_failures=settings.login_max_failures,
                window_seconds=settings.login_failure_window_seconds,
            )
        except (NotAuthenticated, TooManyAttempts) as error:
            refused: DuluanError = error  # the block still commits: the failure must count
        else:
            remembered = _verified(request)
            remembered.put(remembered.key(username, password), user)
            return users.actor_for(user)
    return _refusal(request, refused)


def _collecting(request: Request, credentials: tuple[str, str] | None) -> Actor | Response:
    """The signed-in collector, who may collect somewhere, or the refusal (401 with the Basic
    challenge, 403, 429) to send as it is."""
    found = _signed_in(request, credentials)
    if isinstance(found, Actor) and not found.may(service.COLLECT):
        return _refusal(request, PermissionDenied("openrosa.no_collect_role"))
    return found


def collector(request: Request) -> Actor | Response:
    """Dependency of the OpenRosa routes that only read: the collector, or the refusal."""
    return _collecting(request, _credentials(request))


async def basic_credentials(request: Request) -> tuple[str, str] | Response:
    """Dependency of the submission: the Basic credentials, checked later in the transaction
    that stores the submission (`_receive`), or the 401 refusal when there are none."""
    found = _credentials(request)
    if found is None:
        return _refusal(request, NotAuthenticated("openrosa.auth_required"))
    return found


collector.duluan_action = service.COLLECT  # type: ignore[attr-defined]
basic_credentials.duluan_action = service.COLLECT  # type: ignore[attr-defined]
Collector = Annotated[Actor | Response, Depends(collector)]
Credentials = Annotated[tuple[str, str] | Response, Depends(basic_credentials)]


def _xml(body: bytes, status: int = 200, headers: Mapping[str, str] | None = None) -> Response:
    return Response(
        body,
        status_code=status,
        media_type=XML,
        headers={"X-OpenRosa-Version": OPENROSA_VERSION, **(headers or {})},
    )


def _message(
    request: Request,
    key: str,
    params: Mapping[str, object],
    *,
    status: int,
    nature: str,
    actor: Actor | None = None,
) -> Response:
    """An OpenRosa response with one message, in the collector's language once known."""
    locale = actor.locale if actor is not None else request.app.state.settings.default_locale
    text = translate(key, locale, **params)
    headers = {
        "X-OpenRosa-Accept-Content-Length": str(request.app.state.settings.max_request_bytes)
    }
    if status == 401:
        headers["WWW-Authenticate"] = REALM
    return _xml(openrosa.response_xml(text, nature=nature), status, headers)


def _refusal(request: Request, error: DuluanError, *, actor: Actor | None = None) -> Response:
    return _message(
        request, error.key, error.params, status=error.status, nature="submit_error", actor=actor
    )


@router.api_route("/formList", methods=["GET", "HEAD"])
def form_list(
    request: Request, who: Collector, form_id: Annotated[str, Query(alias="formID")] = ""
) -> Response:
    if isinstance(who, Response):
        return who
    with transaction(request.app.state.sessions) as session:
        forms = openrosa.listed_forms(session, who, form_id.strip()[:100])
    download = request.url_for("openrosa_form", form_id="FORM_ID")
    if request.headers.get("x-forwarded-proto") == "https":
        download = download.replace(scheme="https")  # behind a proxy that ends TLS
    template = str(download).replace("FORM_ID", "{form_id}")
    return _xml(openrosa.form_list_xml(forms, template))


@router.get("/forms/{form_id}/form.xml", name="openrosa_form")
def form_download(request: Request, who: Collector, form_id: str) -> Response:
    if isinstance(who, Response):
        return who
    try:
        with transaction(request.app.state.sessions) as session:
            xform = openrosa.xform_for_download(session, who, form_id)
    except DuluanError as error:
        return _refusal(request, error, actor=who)
    return _xml(xform)


@router.head("/submission")
def submission_probe(request: Request, who: Collector) -> Response:
    """Collect asks before it posts: here is where to send, and how much."""
    if isinstance(who, Response):
        return who
    headers = {
        "X-OpenRosa-Accept-Content-Length": str(request.app.state.settings.max_request_bytes)
    }
    return Response(status_code=204, headers={"X-OpenRosa-Version": OPENROSA_VERSION, **headers})


@router.post("/submission")
async def submission(request: Request, given: Credentials) -> Response:
    """One submission: the body is read here, then checked and stored in one worker thread and,
    for a collector whose password was verified a moment ago, one database transaction."""
    if isinstance(given, Response):
        return given
    try:
        data, files = await _parts(request)
    except DuluanError as error:
        return _refusal(request, error)
    return await run_in_threadpool(_receive, request, given, data, files)


async def _parts(request: Request) -> tuple[bytes, list[Attachment]]:
    """The submission XML and the files of a multipart/form-data body; BadInput if it is none."""
    if not request.headers.get("content-type", "").lower().startswith("multipart/form-data"):
        raise BadInput("openrosa.not_multipart")
    limit = request.app.state.settings.max_request_bytes
    try:
        form = await request.form(
            max_files=openrosa.MAX_FILES + 1, max_fields=100, max_part_size=limit
        )
    except (HTTPException, MultiPartException) as error:
        raise BadInput(
            "openrosa.bad_multipart", detail=str(getattr(error, "detail", error))
        ) from error
    data: bytes | None = None
    files: list[Attachment] = []
    try:
        for name, part in form.multi_items():
            if name == XML_PART:
                data = await part.read() if isinstance(part, UploadFile) else part.encode()
            elif isinstance(part, UploadFile):
                content = await part.read()
                files.append(Attachment(part.filename or name, part.content_type or "", content))
    finally:
        await form.close()
    if data is None:
        raise BadInput("openrosa.missing_xml")
    return data, files


def _receive(
    request: Request, credentials: tuple[str, str], data: bytes, files: list[Attachment]
) -> Response:
    """Sign the collector in and store the submission: in the same transaction when their
    credentials are remembered (the usual case: a phone sends many forms), else after the full
    check in its own transaction, which keeps a failed attempt counted and keeps argon2 out of
    SQLite's write lock."""
    sessions = request.app.state.sessions
    actor: Actor | None = None
    received: openrosa.Received | None = None
    try:
        with transaction(sessions, write=True) as session:
            actor = _remembered(request, session, credentials)
            if actor is not None:
                received = openrosa.receive_submission(session, _may_collect(actor), data, files)
        if received is None:
            found = _collecting(request, credentials)
            if isinstance(found, Response):
                return found
            actor = found
            with transaction(sessions, write=True) as session:
                received = openrosa.receive_submission(session, actor, data, files)
    except DuluanError as error:
        return _refusal(request, error, actor=actor)
    if received.created:
        key, status = "openrosa.received", 201
    elif received.edited:
        key, status = "openrosa.edits.received", 201
    else:
        key, status = "openrosa.received_before", 202
    params = {"files": received.files_added}
    return _message(request, key, params, status=status, nature="submit_success", actor=actor)


def _may_collect(actor: Actor) -> Actor:
    """The actor, if they may collect somewhere; PermissionDenied otherwise."""
    if not actor.may(service.COLLECT):
        raise PermissionDenied("openrosa.no_collect_role")
    return actor
