"""The map of the 514 kabupaten/kota as one self-contained SVG, coloured by the caller.

The shapes come from the shipped ``data/map.json`` (built by ``scripts/build_map.py``:
simplified boundaries, equirectangular, codes only). The caller decides every region's
colour and hover text; this module only draws them, outlines the 38 provinces, marks the
regions too small to see at the rendered width and adds a legend. No script, no external
resource: the SVG can be saved on its own or placed inline in an HTML page.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from functools import cache
from html import escape
from pathlib import Path
from typing import NamedTuple

#: Fill of a region that never took part (and of any region the caller leaves out).
NEVER = "#d0d4da"
#: Regions whose bounding box is narrower than this many pixels get a marker.
SMALL_PX = 3.0

_BORDER = "#ffffff"
_OUTLINE = "#3d4451"
_TEXT = "#1f2328"
#: Okabe & Ito's colour-blind-safe set (black left out: it hides the outlines), then two
#: more from Paul Tol's "muted" set for a long programme.
_DISTINCT = (
    "#0072b2",
    "#e69f00",
    "#009e73",
    "#cc79a7",
    "#56b4e9",
    "#d55e00",
    "#f0e442",
    "#882255",
    "#332288",
)
#: ColorBrewer YlGnBu from its fourth class on (the paler ones vanish next to grey).
_SEQUENTIAL = ("#7fcdbb", "#41b6c4", "#1d91c0", "#225ea8", "#253494", "#081d58")


class RegionShade(NamedTuple):
    """How one region is drawn: its fill and its hover text (composed by the caller)."""

    colour: str
    title: str


class _Shape(NamedTuple):
    d: str
    label: tuple[float, float]
    size: tuple[float, float]


class _Map(NamedTuple):
    width: float
    height: float
    regions: dict[str, _Shape]
    provinces: dict[str, str]


@cache
def _map() -> _Map:
    """The shipped shapes, read once."""
    path = Path(__file__).resolve().parent.parent / "data" / "map.json"
    raw = json.loads(path.read_text(encoding="utf-8"))
    width, height = raw["view_box"]
    regions = {
        code: _Shape(shape["d"], tuple(shape["label"]), tuple(shape["size"]))
        for code, shape in raw["regions"].items()
    }
    return _Map(float(width), float(height), regions, dict(raw["provinces"]))


def view_box() -> tuple[float, float]:
    """Width and height of the map in its own units (the SVG's viewBox starts at 0 0)."""
    shapes = _map()
    return shapes.width, shapes.height


def codes() -> tuple[str, ...]:
    """Every region code on the map, in code order."""
    return tuple(_map().regions)


def label_point(code: str) -> tuple[float, float]:
    """A point inside the region, in map units (x to the east, y to the south)."""
    shape = _map().regions.get(code)
    if shape is None:
        raise ValueError(f"no region {code!r} on the map")
    return shape.label


def small_regions(width: int = 1200) -> tuple[str, ...]:
    """The regions under SMALL_PX pixels across when the map is drawn `width` pixels wide."""
    shapes = _map()
    limit = SMALL_PX * shapes.width / width
    return tuple(code for code, shape in shapes.regions.items() if max(shape.size) < limit)


def year_palette(years: Sequence[int]) -> dict[int, str]:
    """A distinct, colour-blind-safe colour per year, given in year order whatever the input
    order, so a year keeps its colour from one map to the next of the same set of years."""
    ordered = sorted(set(years))
    if len(ordered) > len(_DISTINCT):
        raise ValueError(f"at most {len(_DISTINCT)} years can be told apart on one map")
    return dict(zip(ordered, _DISTINCT, strict=False))


def count_palette(max_count: int) -> dict[int, str]:
    """Colours for 0..max_count (times a region took part): NEVER for 0, then light to dark."""
    if max_count < 0:
        raise ValueError("max_count must not be negative")
    palette = {0: NEVER}
    for count in range(1, max_count + 1):
        share = 0.4 if max_count == 1 else (count - 1) / (max_count - 1)
        palette[count] = _ramp(share)
    return palette


def _ramp(share: float) -> str:
    """The colour a share (0..1) of the way along _SEQUENTIAL, interpolated in sRGB."""
    position = share * (len(_SEQUENTIAL) - 1)
    low = min(int(position), len(_SEQUENTIAL) - 2)
    mix = position - low
    start, end = (bytes.fromhex(_SEQUENTIAL[i][1:]) for i in (low, low + 1))
    return "#" + "".join(f"{round(a + (b - a) * mix):02x}" for a, b in zip(start, end, strict=True))


def _num(value: float) -> str:
    """A length for an attribute: at most two decimals, no trailing zeros."""
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _legend(entries: Sequence[tuple[str, str]], width: int) -> tuple[list[str], float]:
    """The legend's elements in pixels, laid out in rows under the map, and its height."""
    font, swatch, gap, row_height, margin = 13, 12, 22, 20, 10
    parts: list[str] = []
    x, row = float(margin), 0
    for colour, label in entries:
        # No text measuring without a browser: 0.6 em per character is generous for the
        # digits and short words the legend holds.
        item = swatch + 6 + 0.6 * font * len(label)
        if x > margin and x + item > width - margin:
            x, row = float(margin), row + 1
        y = margin + row * row_height
        parts.append(
            f'<rect x="{_num(x)}" y="{y}" width="{swatch}" height="{swatch}" '
            f'fill="{escape(colour)}" stroke="{_OUTLINE}" stroke-width="0.5"/>'
            f'<text x="{_num(x + swatch + 6)}" y="{y + swatch - 1}">{escape(label)}</text>'
        )
        x += item + gap
    height = 2 * margin + row * row_height + swatch if entries else 0
    return parts, height


def choropleth_svg(
    regions: Mapping[str, RegionShade],
    *,
    legend: Sequence[tuple[str, str]],
    title: str,
    width: int = 1200,
) -> str:
    """The map as an SVG document `width` pixels wide, one path per region.

    `regions` maps codes to their fill and hover text; a region left out is drawn in NEVER
    with its code as the hover text, so a caller normally passes all 514. A code that is not
    on the map raises ValueError. `legend` is (colour, label) pairs, drawn under the map.
    Regions too small to see at `width` also get a marker (same fill, code and text) at a
    point inside them. The same arguments always give the same bytes.
    """
    if width <= 0:
        raise ValueError("width must be positive")
    shapes = _map()
    unknown = sorted(set(regions) - shapes.regions.keys())
    if unknown:
        raise ValueError(f"not on the map: {', '.join(unknown[:5])}")
    unit = shapes.width / width  # map units per pixel
    legend_parts, legend_px = _legend(legend, width)
    height = shapes.height + legend_px * unit

    def shade(code: str) -> tuple[str, str]:
        given = regions.get(code)
        if given is None:
            return NEVER, escape(code)
        return escape(given.colour), escape(given.title)

    paths: list[str] = []
    for code, shape in shapes.regions.items():
        fill, text = shade(code)
        paths.append(
            f'<path data-code="{code}" fill="{fill}" d="{shape.d}"><title>{text}</title></path>'
        )

    radius = _num(3 * unit)
    markers: list[str] = []
    for code in small_regions(width):
        fill, text = shade(code)
        x, y = shapes.regions[code].label
        markers.append(
            f'<circle data-code="{code}" cx="{_num(x)}" cy="{_num(y)}" r="{radius}" fill="{fill}">'
            f"<title>{text}</title></circle>"
        )

    outlines = (f'<path d="{d}"/>' for d in shapes.provinces.values())
    return "".join(
        _lines(
            f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {_num(shapes.width)} '
            f'{_num(height)}" width="{width}" height="{round(height / unit)}" role="img">',
            f"<title>{escape(title)}</title>",
            f'<g id="regions" stroke="{_BORDER}" stroke-width="{_num(0.4 * unit)}" '
            'stroke-linejoin="round">',
            *paths,
            "</g>",
            f'<g id="provinces" fill="none" stroke="{_OUTLINE}" '
            f'stroke-width="{_num(0.9 * unit)}" stroke-linejoin="round" '
            'style="pointer-events:none">',
            *outlines,
            "</g>",
            f'<g id="markers" stroke="{_OUTLINE}" stroke-width="{_num(0.8 * unit)}">',
            *markers,
            "</g>",
            f'<g id="legend" transform="translate(0 {_num(shapes.height)}) scale({unit:.6g})" '
            f'font-family="system-ui, sans-serif" font-size="13" fill="{_TEXT}">',
            *legend_parts,
            "</g>",
            "</svg>",
        )
    )


def _lines(*parts: str) -> Iterable[str]:
    """Each part on a line of its own, so a saved map diffs and greps by region."""
    for part in parts:
        yield part
        yield "\n"
