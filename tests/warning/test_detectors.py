"""The detectors on arrays: every module registered, and their tail probabilities."""

from __future__ import annotations

import importlib
import pkgutil

import pytest
from scipy import stats

import duluan.warning.detectors as package
from duluan.warning.detectors import DETECTORS, negative_share, volume_burst


def test_every_detector_module_is_registered() -> None:
    modules = [m.name for m in pkgutil.iter_modules(package.__path__) if m.name != "base"]
    names = set()
    for module_name in modules:
        module = importlib.import_module(f"{package.__name__}.{module_name}")
        names |= {
            value.name
            for value in vars(module).values()
            if isinstance(value, type)
            and value.__module__ == module.__name__
            and hasattr(value, "scan")
        }
    assert names == set(DETECTORS)
    assert all(name == detector.name for name, detector in DETECTORS.items())


@pytest.mark.parametrize(("observed", "expected", "dispersion"), [(3, 0.5, 0.1), (60, 30, 0.05)])
def test_the_volume_tail_is_the_negative_binomial_one(
    observed: int, expected: float, dispersion: float
) -> None:
    size = 1 / dispersion
    reference = stats.nbinom.sf(observed - 1, size, size / (size + expected))
    assert volume_burst.upper_tail(observed, expected, dispersion) == pytest.approx(reference)


def test_the_share_tail_narrows_to_the_binomial_one() -> None:
    binomial = stats.binom.sf(14, 30, 0.3)
    assert negative_share.upper_tail(15, 30, 0.3, 1e9) == pytest.approx(binomial, rel=1e-4)
    assert negative_share.upper_tail(15, 30, 0.3, 50) > binomial  # overdispersed: less surprising
