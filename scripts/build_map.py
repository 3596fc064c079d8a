"""Build the shipped map of the 514 kabupaten/kota, ``src/gmsc_cli/data/map.json``.

The source is an unmodified copy of part of cahyadsn/wilayah_boundaries (commit 3c5a796,
MIT): its ``db/kab/*.sql`` (514 rows: dotted ``kode``, ``nama``, centroid ``lat``/``lng``
and ``path``, a JSON ``[[lat, lng], ...]`` polygon or multipolygon) and ``db/prov/*.sql``
(38 rows). By default the copy is looked for at ``../shared/geo/wilayah_boundaries``
relative to the repository root, i.e. in a ``shared/`` folder beside the checkout; give
another path as the only argument.

Usage, from anywhere, by hand (the runtime never runs this)::

    python scripts/build_map.py [PATH/TO/wilayah_boundaries]

Steps: the SQL INSERTs are parsed here and written as GeoJSON to a temporary directory;
mapshaper (Node.js, run through ``npx`` at the pinned version, so it lands in npm's cache
and never in the repository or the package) snaps and cleans the regions (the source has
invalid rings and thousands of slivers between neighbours), simplifies them (5%,
weighted, keeping every feature), cleans again, dissolves them into the 38 province
outlines (so the outlines lie exactly on the simplified region borders) and finds a point
inside each region. This script then projects and writes the SVG path data.

Projection: plain equirectangular, 200 units per degree of longitude and of latitude,
north up. Indonesia lies between 11°S and 6°N, where cos(latitude) stays above 0.98, so
this is within 2% of equal-area, and a (lng, lat) maps to the picture by a translation and
one scale, which is easy to check.

Output (compact JSON, one region per line so a rebuild diffs readably): the view box,
and for each code an SVG path ``d`` in integer units (relative ``l`` segments), a label
point inside the region and the size of its bounding box; and one outline per 2-digit
province code. Codes only: the names come from the shipped ``regions.csv``. Also written:
``LICENSE-wilayah-boundaries.txt``, the upstream MIT notice with a line saying where the
data comes from.
"""

from __future__ import annotations

import csv
import json
import math
import re
import subprocess
import sys
import tempfile
from collections.abc import Iterator, Sequence
from itertools import pairwise
from pathlib import Path
from typing import Any

#: The mapshaper release the shipped file was built with.
MAPSHAPER_VERSION = "0.7.70"
#: Upstream repository and commit of the boundaries copy.
SOURCE = "cahyadsn/wilayah_boundaries"
SOURCE_COMMIT = "3c5a796"

UNITS_PER_DEGREE = 200
#: Space around the islands, in degrees.
MARGIN = 0.2
SIMPLIFY = "5%"
MAX_BYTES = 300_000

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "src" / "gmsc_cli" / "data"
DEFAULT_SOURCE = ROOT.parent / "shared" / "geo" / "wilayah_boundaries"

#: One row of an INSERT: ('kode','nama',lat,lng,'path'). Whitespace varies upstream
#: (a stray space before a row, after a comma), and names never contain a quote.
ROW = re.compile(
    r"\(\s*'(?P<kode>[0-9.]+)'\s*,\s*'(?P<nama>[^']*)'\s*,\s*(?P<lat>-?[0-9.]+)\s*,"
    r"\s*(?P<lng>-?[0-9.]+)\s*,\s*'(?P<path>\[[^']*\])'\s*\)"
)

Ring = list[tuple[float, float]]


def sql_rows(folder: Path) -> Iterator[tuple[str, str, Any]]:
    """Yield ``(kode, nama, path)`` for every row of the INSERTs in ``folder/*.sql``."""
    for sql in sorted(folder.glob("*.sql")):
        for row in ROW.finditer(sql.read_text(encoding="utf-8")):
            yield row["kode"], row["nama"], json.loads(row["path"])


def _depth(nested: Any) -> int:
    depth = 0
    while isinstance(nested, list):
        depth, nested = depth + 1, nested[0]
    return depth


def _lng_lat(nested: Any) -> Any:
    """Swap the upstream [lat, lng] pairs into GeoJSON's [lng, lat]."""
    if not isinstance(nested[0], list):
        return [nested[1], nested[0]]
    return [_lng_lat(item) for item in nested]


def _inside(point: Sequence[float], ring: Ring) -> bool:
    """Whether a point lies inside a closed ring (even-odd ray casting)."""
    x, y = point
    crossings = False
    for (x1, y1), (x2, y2) in pairwise(ring):
        if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
            crossings = not crossings
    return crossings


def geometry(path: Any) -> tuple[dict[str, Any], int]:
    """A GeoJSON MultiPolygon from an upstream polygon or multipolygon path, and how many
    rings had to be made polygons of their own.

    GeoJSON reads every ring after a polygon's first as a hole. Upstream sometimes lists
    separate islands, even a mainland, as further rings of one polygon (Kabupaten Sorong,
    96.01, has 107 such rings); a "hole" whose vertices mostly lie outside the first ring is
    therefore taken as a polygon of its own instead of being dropped as an invalid hole.
    """
    depth = _depth(path)
    if depth not in (3, 4):
        raise ValueError(f"unexpected nesting depth {depth} in a path")
    polygons: list[list[Ring]] = []
    promoted = 0
    for outer, *rest in [path] if depth == 3 else path:
        outer = _lng_lat(outer)
        holes = []
        for ring in map(_lng_lat, rest):
            if 2 * sum(_inside(point, outer) for point in ring[:-1]) >= len(ring) - 1:
                holes.append(ring)
            else:
                polygons.append([ring])
                promoted += 1
        polygons.append([outer, *holes])
    return {"type": "MultiPolygon", "coordinates": polygons}, promoted


def _codes(csv_name: str) -> set[str]:
    with (DATA / csv_name).open(encoding="utf-8", newline="") as handle:
        return {row["code"] for row in csv.DictReader(handle)}


def read_source(source: Path) -> dict[str, Any]:
    """The 514 regions as a GeoJSON FeatureCollection, checked against the shipped lists."""
    regions = list(sql_rows(source / "db" / "kab"))
    provinces = list(sql_rows(source / "db" / "prov"))
    region_codes = [kode for kode, _, _ in regions]
    province_codes = [kode for kode, _, _ in provinces]
    if sorted(region_codes) != sorted(_codes("regions.csv")):
        raise SystemExit(f"{len(region_codes)} region rows do not match regions.csv")
    # The province outlines are dissolved from the regions; the province rows only confirm
    # that the source knows the same 38 provinces.
    if sorted(province_codes) != sorted(_codes("provinces.csv")):
        raise SystemExit(f"{len(province_codes)} province rows do not match provinces.csv")
    features, promoted = [], 0
    for kode, _, path in sorted(regions):
        geom, count = geometry(path)
        promoted += count
        features.append(
            {
                "type": "Feature",
                "properties": {"code": kode, "province": kode[:2]},
                "geometry": geom,
            }
        )
    print(f"{promoted} rings outside their polygon made polygons of their own", file=sys.stderr)
    return {"type": "FeatureCollection", "features": features}


def mapshaper_commands(work: Path) -> list[str]:
    """The one mapshaper invocation: clean, simplify, clean, dissolve provinces, inner points."""
    return [
        "npx",
        "--yes",
        f"mapshaper@{MAPSHAPER_VERSION}",
        "-i",
        str(work / "regions.geojson"),
        "snap",
        "name=regions",
        "-clean",
        "-simplify",
        SIMPLIFY,
        "weighted",
        "keep-shapes",
        # Simplification leaves a few intersections it cannot repair (3 at 5%); a second
        # clean rebuilds the topology so every region and outline is valid.
        "-clean",
        "-dissolve",
        "province",
        "+",
        "name=provinces",
        "-target",
        "regions",
        "-points",
        "inner",
        "+",
        "name=labels",
        "-o",
        "target=regions,provinces,labels",
        "format=geojson",
        f"{work / 'out'}/",
    ]


def polygons(geom: dict[str, Any]) -> list[list[Ring]]:
    """The polygons (lists of rings) of a GeoJSON Polygon or MultiPolygon."""
    if geom["type"] == "Polygon":
        return [geom["coordinates"]]
    if geom["type"] == "MultiPolygon":
        return list(geom["coordinates"])
    raise ValueError(f"unexpected geometry {geom['type']}")


class Projection:
    """Equirectangular lng/lat → integer picture units, north up, origin at the top left."""

    def __init__(self, bounds: Sequence[float]) -> None:
        west, south, east, north = bounds
        self.west = west - MARGIN
        self.north = north + MARGIN
        self.width = math.ceil((east - west + 2 * MARGIN) * UNITS_PER_DEGREE)
        self.height = math.ceil((north - south + 2 * MARGIN) * UNITS_PER_DEGREE)

    def point(self, lng: float, lat: float) -> tuple[float, float]:
        """A point in picture units (not rounded)."""
        return (lng - self.west) * UNITS_PER_DEGREE, (self.north - lat) * UNITS_PER_DEGREE

    def path(self, geom: dict[str, Any]) -> tuple[str, int]:
        """SVG path data of a polygon geometry in integer units, and its vertex count.

        Each ring is ``M x y`` and relative ``l`` steps; points that round onto the previous
        one are dropped, and so are rings that collapse below three points, unless that would
        leave the geometry empty (then its first ring is kept as it rounds).
        """
        rings: list[list[tuple[int, int]]] = []
        for polygon in polygons(geom):
            for ring in polygon:
                points: list[tuple[int, int]] = []
                for lng, lat in ring:
                    x, y = self.point(lng, lat)
                    p = (round(x), round(y))
                    if not points or p != points[-1]:
                        points.append(p)
                if len(points) > 1 and points[0] == points[-1]:
                    points.pop()
                rings.append(points)
        kept = [ring for ring in rings if len(ring) >= 3] or rings[:1]
        parts: list[str] = []
        for ring in kept:
            (x0, y0), numbers = ring[0], []
            for (xa, ya), (xb, yb) in pairwise(ring):
                numbers += [xb - xa, yb - ya]
            steps = " ".join(map(str, numbers)).replace(" -", "-")
            parts.append(f"M{x0} {y0}l{steps}z" if steps else f"M{x0} {y0}z")
        return "".join(parts), sum(len(ring) for ring in kept)

    def box(self, geom: dict[str, Any]) -> tuple[float, float]:
        """Width and height of the geometry's bounding box, in picture units."""
        xs, ys = [], []
        for polygon in polygons(geom):
            for lng, lat in polygon[0]:
                x, y = self.point(lng, lat)
                xs.append(x)
                ys.append(y)
        return round(max(xs) - min(xs), 1), round(max(ys) - min(ys), 1)


def _bounds(collection: dict[str, Any]) -> list[float]:
    lngs, lats = [], []
    for feature in collection["features"]:
        for polygon in polygons(feature["geometry"]):
            for lng, lat in polygon[0]:
                lngs.append(lng)
                lats.append(lat)
    return [min(lngs), min(lats), max(lngs), max(lats)]


def build(source: Path) -> tuple[str, dict[str, int]]:
    """Return the text of map.json and a few figures about it."""
    with tempfile.TemporaryDirectory(prefix="gmsc-map-") as tmp:
        work = Path(tmp)
        (work / "out").mkdir()
        collection = read_source(source)
        (work / "regions.geojson").write_text(json.dumps(collection), encoding="utf-8")
        subprocess.run(mapshaper_commands(work), check=True)
        layers = {
            name: json.loads((work / "out" / f"{name}.json").read_text(encoding="utf-8"))
            for name in ("regions", "provinces", "labels")
        }

    regions = {f["properties"]["code"]: f["geometry"] for f in layers["regions"]["features"]}
    labels = {f["properties"]["code"]: f["geometry"] for f in layers["labels"]["features"]}
    outlines = {f["properties"]["province"]: f["geometry"] for f in layers["provinces"]["features"]}
    if len(regions) != 514 or None in regions.values() or set(labels) != set(regions):
        raise SystemExit("mapshaper lost a region or its label point")
    if len(outlines) != 38:
        raise SystemExit(f"{len(outlines)} province outlines, expected 38")

    projection = Projection(_bounds(layers["regions"]))
    vertices = {"regions": 0, "provinces": 0}
    region_lines = []
    for code in sorted(regions):
        d, count = projection.path(regions[code])
        vertices["regions"] += count
        x, y = projection.point(*labels[code]["coordinates"])
        entry = {"d": d, "label": [round(x, 1), round(y, 1)], "size": projection.box(regions[code])}
        region_lines.append(f"{json.dumps(code)}:{json.dumps(entry, separators=(',', ':'))}")
    province_lines = []
    for code in sorted(outlines):
        d, count = projection.path(outlines[code])
        vertices["provinces"] += count
        province_lines.append(f"{json.dumps(code)}:{json.dumps(d)}")

    header = {
        "source": f"{SOURCE}@{SOURCE_COMMIT} (MIT), simplified with mapshaper {MAPSHAPER_VERSION}",
        "projection": f"equirectangular, {UNITS_PER_DEGREE} units per degree, north up",
        "view_box": [projection.width, projection.height],
    }
    head = json.dumps(header, separators=(",", ":"))[1:-1]
    text = (
        "{"
        + head
        + ',\n"regions":{\n'
        + ",\n".join(region_lines)
        + '\n},\n"provinces":{\n'
        + ",\n".join(province_lines)
        + "\n}}\n"
    )
    return text, vertices


def notice(source: Path) -> str:
    """The upstream MIT notice, preceded by a line saying what the shipped file is."""
    licence = (source / "LICENSE").read_text(encoding="utf-8")
    return (
        f"map.json is derived from {SOURCE} (https://github.com/{SOURCE}) at commit "
        f"{SOURCE_COMMIT}: simplified, projected, codes only.\n\n{licence}"
    )


def main(argv: Sequence[str]) -> None:
    """Write map.json and its notice into the package's data directory."""
    source = Path(argv[0]) if argv else DEFAULT_SOURCE
    if not (source / "db" / "kab").is_dir():
        raise SystemExit(f"no db/kab/ under {source}: give the wilayah_boundaries copy's path")
    text, vertices = build(source)
    size = len(text.encode("utf-8"))
    if size > MAX_BYTES:
        raise SystemExit(f"map.json would be {size:,} bytes, over the {MAX_BYTES:,} budget")
    (DATA / "map.json").write_text(text, encoding="utf-8", newline="")
    (DATA / "LICENSE-wilayah-boundaries.txt").write_text(
        notice(source), encoding="utf-8", newline=""
    )
    print(
        f"wrote map.json: {size:,} bytes, {vertices['regions']:,} region vertices, "
        f"{vertices['provinces']:,} province vertices",
        file=sys.stderr,
    )


if __name__ == "__main__":
    main(sys.argv[1:])
