"""What a detector is: a named test of one series' recent hours against its baseline."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Protocol

from duluan.warning.series import Context, History


@dataclass(frozen=True)
class Finding:
    """A window that a detector finds significant.

    `observed` and `expected` are in the detector's own measure (documents for a volume burst,
    a share for a negative-share rise); `significance` is the one-sided p-value of the
    observation under the baseline or an upper bound of it (the volume detector's reciprocal
    likelihood ratio); smaller is stronger; `documents` are the documents in the window.
    """

    hours: int
    observed: float
    expected: float
    significance: float
    documents: int


class Detector(Protocol):
    """One module per detector under `warning/detectors/`, registered in its `__init__`."""

    name: ClassVar[str]

    @property
    def threshold(self) -> float:
        """The significance below which a window alarms."""
        ...

    def scan(self, history: History, context: Context) -> Finding | None:
        """The most significant window ending at `context.end` that passes the detector's
        threshold, or None."""
        ...
