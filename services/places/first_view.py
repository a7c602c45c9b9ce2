"""The map's first view, drawn by the server (issue 18): the reports' clusters and pins as an SVG
in the page itself, placed exactly where Leaflet will draw them, so a phone sees them with the
page's first paint instead of after Leaflet's 43 KB have crossed a slow link and run (about
0.7 s later on the throttled phone of bench/places.py). Leaflet then opens at this very centre
and zoom (`data-view`) over it and the drawing is removed once Leaflet's own markers are in.

The arithmetic is Leaflet's: Web Mercator pixels at a zoom (L.CRS.EPSG3857), the map's centre in
the middle of its box, and Leaflet.markercluster's grouping (a report joins the nearest group
within 80 px, else pairs with the nearest lone report within 80 px; a group is drawn at the mean
of its reports). The groups can differ a little from the plugin's (it builds them zoom by zoom),
which nobody sees: the drawing lasts until Leaflet is ready. Tiles are named here but fetched by
reports_map.js only once the page's stylesheets are in (an `<image>` in the HTML is fetched at
once and would share the link with them).

Written by hand: the few formulas below are the whole of it, and a map library on the server for
one static picture would weigh more than the page."""

import math

TILE = 256
# Leaflet.markercluster's maxClusterRadius (reports_map.js keeps the default).
CLUSTER_RADIUS = 80
# The box Leaflet's fitBounds fits a town's reports into on a 320 px phone: the map's 288 × 336
# pixels (60vh of a 568 px screen) less its 24 px padding each side.
FIT = (240, 288)
MAX_FIT_ZOOM = 16
STREET_ZOOM = 14
# The drawing's largest size: a phone's or a small tablet's map; wider screens see it in their
# middle until Leaflet draws the rest.
CANVAS = (480, 520)
MAX_LATITUDE = 85.0511287798


def world_pixel(latitude, longitude, zoom):
    """(x, y) of a point in Web Mercator pixels at this zoom, as Leaflet projects it."""
    scale = TILE * 2**zoom
    latitude = max(-MAX_LATITUDE, min(MAX_LATITUDE, latitude))
    y = math.log(math.tan(math.pi / 4 + math.radians(latitude) / 2))
    return (longitude / 360 + 0.5) * scale, (0.5 - y / (2 * math.pi)) * scale


def unproject(x, y, zoom):
    """(latitude, longitude) of a pixel at this zoom: world_pixel's inverse."""
    scale = TILE * 2**zoom
    longitude = (x / scale - 0.5) * 360
    latitude = math.degrees(2 * math.atan(math.exp((0.5 - y / scale) * 2 * math.pi)) - math.pi / 2)
    return latitude, longitude


def _corners(west, south, east, north, zoom):
    """(left, top, right, bottom) of a box in pixels at this zoom."""
    return (*world_pixel(north, west, zoom), *world_pixel(south, east, zoom))


def _middle(box, zoom):
    """(latitude, longitude, zoom) of the box's middle in pixels, as Leaflet centres a view."""
    left, top, right, bottom = _corners(*box, zoom)
    return (*unproject((left + right) / 2, (top + bottom) / 2, zoom), zoom)


def town_view(*box):
    """(latitude, longitude, zoom): every report of a town on a phone's map, as Leaflet's
    fitBounds would place them (the middle of their pixels, the deepest zoom they fit, ≤ 16)."""
    for zoom in range(MAX_FIT_ZOOM, 0, -1):
        left, top, right, bottom = _corners(*box, zoom)
        if right - left <= FIT[0] and bottom - top <= FIT[1]:
            break
    return _middle(box, zoom)


def box_view(*box):
    """(latitude, longitude, zoom) of a first box around the reports' median point: its middle,
    at street level."""
    return _middle(box, STREET_ZOOM)


def _groups(pixels):
    """[[(x, y), …]] in markercluster's way: each point joins the nearest group within the radius
    (measured from where the group began), else the nearest lone point, else stays alone."""
    cells = {}  # (column, row) of a radius-sized grid: [group]
    groups = []
    for x, y in pixels:
        column, row = int(x // CLUSTER_RADIUS), int(y // CLUSTER_RADIUS)
        near = [
            group
            for dx in (-1, 0, 1)
            for dy in (-1, 0, 1)
            for group in cells.get((column + dx, row + dy), ())
            if math.dist(group[0], (x, y)) <= CLUSTER_RADIUS
        ]
        if near:
            together = [group for group in near if len(group) > 1] or near
            min(together, key=lambda group: math.dist(group[0], (x, y))).append((x, y))
            continue
        group = [(x, y)]
        groups.append(group)
        cells.setdefault((column, row), []).append(group)
    return groups


def drawing(features, view, size, tiles):
    """What the template draws, in the SVG's own pixels (0, 0 at its top left corner):
    {width, height, tiles: [(address, x, y)], clusters: [(x, y, radius, count)], pins: [(x, y)],
    count}. `features` are GeoJSON points; those off the drawing are left to Leaflet."""
    latitude, longitude, zoom = view
    width, height = size
    middle_x, middle_y = world_pixel(latitude, longitude, zoom)
    left, top = middle_x - width / 2, middle_y - height / 2
    pixels = []
    for feature in features:
        lng, lat = feature["geometry"]["coordinates"]
        x, y = world_pixel(lat, lng, zoom)
        if left <= x <= left + width and top <= y <= top + height:
            pixels.append((x - left, y - top))
    clusters, pins = [], []
    for group in _groups(pixels):
        if len(group) == 1:
            pins.append((round(group[0][0], 1), round(group[0][1], 1)))
            continue
        count = len(group)
        size_px = 36 if count < 10 else 44 if count < 100 else 52  # reports_map.js's icons
        x = sum(point[0] for point in group) / count
        y = sum(point[1] for point in group) / count
        clusters.append((round(x, 1), round(y, 1), size_px // 2, count))
    return {
        "width": width,
        "height": height,
        "view": f"{latitude:.6f},{longitude:.6f},{zoom}",
        "tiles": _tiles(tiles, zoom, left, top, width, height),
        "clusters": clusters,
        "pins": pins,
        "count": len(pixels),
    }


def _tiles(template, zoom, left, top, width, height):
    """[(address, x, y)] of the tiles under the drawing, named as Leaflet names them (so the
    browser has them in its cache when Leaflet asks)."""
    if not template:
        return []
    last = 2**zoom - 1
    found = []
    for row in range(max(0, int(top // TILE)), min(last, int((top + height) // TILE)) + 1):
        for column in range(max(0, int(left // TILE)), min(last, int((left + width) // TILE)) + 1):
            address = (
                template.replace("{z}", str(zoom))
                .replace("{x}", str(column))
                .replace("{y}", str(row))
                .replace("{s}", "abc"[abs(column + row) % 3])
                .replace("{r}", "")
            )
            found.append((address, round(column * TILE - left, 1), round(row * TILE - top, 1)))
    return found


def size_of(west, south, east, north, zoom):
    """(width, height) in pixels of a box at this zoom, no larger than CANVAS."""
    left, top, right, bottom = _corners(west, south, east, north, zoom)
    return min(CANVAS[0], math.ceil(right - left)), min(CANVAS[1], math.ceil(bottom - top))
