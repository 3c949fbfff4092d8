"""The portal's icon: the navbar's yellow star above three white blocks of a city street (urban
grassroots), on the navbar's red; drawn here (no icon file from elsewhere).  ``manage.py make_icons`` writes ``static/icons/``: ``favicon.svg`` (the
vector), ``favicon.ico`` (16, 32 and 48 px, served at ``/favicon.ico``), ``apple-touch-icon.png``
(180 px) and ``icon-192.png``/``icon-512.png`` for the web app manifest.  The files are
committed; run the command again only after changing the drawing."""
import math
from pathlib import Path

RED = "#c8102e"        # --party-red, the navbar (static/css/app.css)
RED_DARK = "#9e0c24"   # --party-red-dark
YELLOW = "#ffc107"     # Bootstrap's warning yellow, the navbar's star
CORNER = 0.18          # corner radius, a share of the side
WHITE = "#ffffff"
STAR_OUTER = 0.27      # the star's outer radius, a share of the side
STAR_INNER = STAR_OUTER * 0.382  # a regular star's inner radius
STAR_CENTRE_Y = 0.37
# the blocks: (left, top, right) as shares of the side, standing on BLOCKS_BASE
BLOCKS = ((0.17, 0.68, 0.35), (0.39, 0.63, 0.61), (0.65, 0.72, 0.83))
BLOCKS_BASE = 0.84

PNG_SIZES = {"icon-192.png": 192, "icon-512.png": 512, "apple-touch-icon.png": 180}
ICO_SIZES = [(16, 16), (32, 32), (48, 48)]


def star_points(side: float) -> list[tuple[float, float]]:
    """The ten corners of the star, point up, for a square of ``side``."""
    cx, cy = side / 2, side * STAR_CENTRE_Y
    points = []
    for i in range(10):
        radius = side * (STAR_OUTER if i % 2 == 0 else STAR_INNER)
        angle = -math.pi / 2 + i * math.pi / 5
        points.append((cx + radius * math.cos(angle), cy + radius * math.sin(angle)))
    return points


def svg() -> str:
    side = 64
    points = " ".join(f"{x:.2f},{y:.2f}" for x, y in star_points(side))
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {side} {side}">'
        f'<defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1">'
        f'<stop offset="0" stop-color="{RED}"/><stop offset="1" stop-color="{RED_DARK}"/></linearGradient></defs>'
        f'<rect width="{side}" height="{side}" rx="{side * CORNER:.2f}" fill="url(#g)"/>'
        f'<polygon points="{points}" fill="{YELLOW}"/>'
        + "".join(f'<rect x="{left * side:.2f}" y="{top * side:.2f}" width="{(right - left) * side:.2f}" '
                  f'height="{(BLOCKS_BASE - top) * side:.2f}" rx="1" fill="{WHITE}"/>' for left, top, right in BLOCKS)
        + "</svg>\n"
    )


def png(side: int, *, maskable: bool = False):
    """The icon as a Pillow image of ``side`` pixels, drawn at 4× and scaled down (smooth
    edges).  ``maskable``: the full square, no rounded corners (the phone cuts its own)."""
    from PIL import Image, ImageDraw

    big = side * 4
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    if maskable:
        draw.rectangle((0, 0, big, big), fill=RED)
    else:
        draw.rounded_rectangle((0, 0, big - 1, big - 1), radius=int(big * CORNER), fill=RED)
    draw.polygon(star_points(big), fill=YELLOW)
    for left, top, right in BLOCKS:
        draw.rounded_rectangle((left * big, top * big, right * big, BLOCKS_BASE * big), radius=big // 64, fill=WHITE)
    return image.resize((side, side), Image.LANCZOS)


def write(directory: Path) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    path = directory / "favicon.svg"
    path.write_text(svg())
    written.append(path)
    for name, side in PNG_SIZES.items():
        path = directory / name
        png(side, maskable=name == "apple-touch-icon.png").save(path, optimize=True)
        written.append(path)
    path = directory / "favicon.ico"
    png(48).save(path, sizes=ICO_SIZES)
    written.append(path)
    return written
