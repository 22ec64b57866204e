"""The early-warning detectors, one module each, registered here by their stable names.

A new detector is a module with a class that has a `name` and a `scan(history, context)` (see
`base.Detector`), added to `DETECTORS`; alerts store the name.
"""

from __future__ import annotations

from duluan.warning.detectors.base import Detector, Finding
from duluan.warning.detectors.negative_share import NegativeShareRise
from duluan.warning.detectors.volume_burst import VolumeBurst

DETECTORS: dict[str, Detector] = {
    VolumeBurst.name: VolumeBurst(),
    NegativeShareRise.name: NegativeShareRise(),
}

__all__ = ["DETECTORS", "Detector", "Finding"]
