"""The one exception tree; each class carries the HTTP status the web layer answers with.

DuluanError (500)
├── BadInput (400)            invalid arguments or form values
│   └── PayloadTooLarge (413)
├── NotAuthenticated (401)    no session, expired session, bad token
├── PermissionDenied (403)    role or unit scope does not allow the action
│   └── CsrfFailed (403)
├── NotFound (404)
├── Conflict (409)            duplicates (username, unit code)
├── TooManyAttempts (429)     login throttling
└── FetchError (502)          a source could not be fetched or read (ingest/)
"""

from __future__ import annotations


class DuluanError(Exception):
    """Base of every error the platform raises on purpose."""

    status = 500
    code = "error"

    def __init__(self, key: str, **params: object) -> None:
        super().__init__(key, params)
        self.key = key  # a message key of the translation catalogue (duluan/locales/*.toml)
        self.params = params

    def __str__(self) -> str:
        from duluan.i18n import translate

        return translate(self.key, "en", **self.params)


class BadInput(DuluanError):
    status = 400
    code = "bad_input"


class PayloadTooLarge(BadInput):
    status = 413
    code = "payload_too_large"


class NotAuthenticated(DuluanError):
    status = 401
    code = "not_authenticated"


class PermissionDenied(DuluanError):
    status = 403
    code = "permission_denied"


class CsrfFailed(PermissionDenied):
    code = "csrf_failed"


class NotFound(DuluanError):
    status = 404
    code = "not_found"


class Conflict(DuluanError):
    status = 409
    code = "conflict"


class TooManyAttempts(DuluanError):
    status = 429
    code = "too_many_attempts"


class FetchError(DuluanError):
    """A source could not be fetched or read; `key` says why, `url` says what."""

    status = 502
    code = "fetch_failed"

    def __init__(
        self,
        key: str,
        *,
        url: str,
        http_status: int | None = None,
        retryable: bool = False,
        retry_after: float | None = None,
        **params: object,
    ) -> None:
        super().__init__(key, url=url, **params)
        self.url = url
        self.http_status = http_status  # the source's answer, when it gave one
        self.retryable = retryable
        self.retry_after = retry_after
