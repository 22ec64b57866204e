"""Charts drawn for the printed report: size, the accent colour, empty data, number format and
drawing from several threads at once (the web server does)."""

from __future__ import annotations

import io
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np
import pytest
from PIL import Image

from duluan.reports.charts import ACCENT, chart_png, forget_drawn_charts, vietnamese_number
from duluan.reports.document import Chart, ChartSeries
from duluan.reports.fonts import css_font_family, vietnamese_serifs
from tests.reports.printed_sample import topic_chart, volume_chart

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _image(png: bytes) -> Image.Image:
    assert png.startswith(PNG_SIGNATURE)
    return Image.open(io.BytesIO(png)).convert("RGB")


def _pixels(image: Image.Image) -> np.ndarray[Any, np.dtype[np.int32]]:
    """The image as an (height, width, 3) array of ints (no unsigned wrap-around)."""
    return np.asarray(image, dtype=np.int32)


def _accent_pixels(image: Image.Image) -> int:
    accent = np.array([int(ACCENT[i : i + 2], 16) for i in (1, 3, 5)])
    return int((np.abs(_pixels(image) - accent) < 12).all(axis=2).sum())


def line_chart() -> Chart:
    return Chart(
        key="tone",
        title="Tỷ lệ ý kiến tích cực theo ngày",
        kind="line",
        labels=[f"{day}/10" for day in range(1, 15)],
        series=[ChartSeries("Tích cực", [30 + day * 0.5 for day in range(14)])],
        unit="%",
    )


@pytest.mark.parametrize(
    "chart", [volume_chart(), topic_chart(), line_chart()], ids=["bar", "barh", "line"]
)
def test_each_kind_is_a_png_of_the_asked_width_with_the_accent(chart: Chart) -> None:
    image = _image(chart_png(chart, width_cm=15, dpi=100))

    assert abs(image.width - round(15 / 2.54 * 100)) <= 1
    assert image.height > 150
    assert _accent_pixels(image) > 500  # the first series is drawn in the accent colour


def test_a_second_series_is_drawn_in_grey_beside_the_accent() -> None:
    image = _image(chart_png(volume_chart(), width_cm=12, dpi=80))

    pixels = _pixels(image)
    red, green, blue = pixels[..., 0], pixels[..., 1], pixels[..., 2]
    greys = (red == green) & (green == blue) & (red > 60) & (red < 200)
    assert int(greys.sum()) > 500


def test_a_chart_without_data_says_so_instead_of_failing() -> None:
    empty = Chart(key="none", title="Trống", kind="bar", labels=[], series=[])

    image = _image(chart_png(empty, width_cm=10, dpi=80))

    dark = int((_pixels(image).sum(axis=2) < 300).sum())
    assert dark > 50  # the "no data" sentence
    assert _accent_pixels(image) == 0


def test_a_series_shorter_than_its_labels_still_draws() -> None:
    chart = Chart(key="k", title="t", kind="bar", labels=["A", "B", "C"],
                  series=[ChartSeries("s", [5])])  # fmt: skip

    assert _accent_pixels(_image(chart_png(chart, width_cm=8, dpi=80))) > 100


def test_drawing_from_several_threads_gives_the_same_images_as_one_by_one() -> None:
    charts = [volume_chart(), topic_chart(), line_chart(), volume_chart()]
    alone = [chart_png(chart, width_cm=10, dpi=72) for chart in charts]
    forget_drawn_charts()

    with ThreadPoolExecutor(max_workers=4) as pool:
        together = list(pool.map(lambda chart: chart_png(chart, width_cm=10, dpi=72), charts))

    assert together == alone


def test_a_changed_chart_is_drawn_again_not_served_from_the_cache() -> None:
    chart = volume_chart()
    first = chart_png(chart, width_cm=8, dpi=60)
    assert chart_png(volume_chart(), width_cm=8, dpi=60) == first  # equal chart, same image

    chart.series[0].values[0] = 99999
    assert chart_png(chart, width_cm=8, dpi=60) != first


@pytest.mark.parametrize(
    ("value", "text"),
    [(1234, "1.234"), (2345.5, "2.345,5"), (1234567.0, "1.234.567"), (12.5, "12,5"), (0, "0")],
)
def test_numbers_are_written_the_vietnamese_way(value: float, text: str) -> None:
    assert vietnamese_number(value) == text


def test_the_pdf_font_list_ends_with_the_generic_serif() -> None:
    assert css_font_family().endswith("serif")
    assert '"' not in css_font_family()  # nothing for the autoescaping template to mangle
    assert all(face in css_font_family() for face in vietnamese_serifs())
