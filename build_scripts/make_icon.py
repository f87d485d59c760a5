"""Render the app icon from ``resources/sdm-desktop.svg`` into the raster files the builds use.

    python build_scripts/make_icon.py [--resources DIR]

Writes, next to the SVG:

- ``sdm-desktop.png``: 256x256, the Linux icon (``.desktop`` file, window icon);
- ``sdm-desktop.ico``: 16 to 256 px, the Windows executable's icon;
- ``sdm-desktop.icns``: 16 to 1024 px, the macOS app bundle's icon.

Every size is rendered from the SVG by Qt (QtSvg is part of PySide6-Essentials),
so small sizes are drawn sharp rather than scaled down from 256 px. The ``.ico``
and ``.icns`` containers are written by Pillow, a developer tool only: without
it the PNG is still made and the committed ``.ico``/``.icns`` are kept. The
outputs are committed, so a build needs neither this script nor Pillow.
"""

from __future__ import annotations

import argparse
import io
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

if TYPE_CHECKING:
    from PIL.Image import Image

RESOURCES = Path(__file__).resolve().parent.parent / "resources"
NAME = "sdm-desktop"
PNG_SIZE = 256
ICO_SIZES = (16, 20, 24, 32, 40, 48, 64, 128, 256)
ICNS_SIZES = (16, 32, 64, 128, 256, 512, 1024)


def render(svg: Path, size: int) -> QImage:
    """The SVG drawn on a transparent square of ``size`` pixels."""
    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise SystemExit(f"make_icon: cannot read {svg}")
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    return image


def png_bytes(image: QImage) -> bytes:
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    if not image.save(buffer, "PNG"):
        raise SystemExit("make_icon: Qt cannot write PNG")
    return bytes(data.data())


def write_png(svg: Path, target: Path) -> None:
    target.write_bytes(png_bytes(render(svg, PNG_SIZE)))
    print(f"wrote {target}")


def pillow_images(svg: Path, sizes: tuple[int, ...]) -> list[Image]:
    """One Pillow image per size, largest first (the container's main image)."""
    from PIL import Image as PilImage

    renders = [png_bytes(render(svg, size)) for size in sorted(sizes, reverse=True)]
    return [PilImage.open(io.BytesIO(data)) for data in renders]


def write_containers(svg: Path, resources: Path) -> None:
    """The ``.ico`` and ``.icns`` files, when Pillow is installed."""
    try:
        import PIL  # noqa: F401  (only to learn whether Pillow is there)
    except ImportError:
        print("make_icon: Pillow is not installed; keeping the committed .ico and .icns")
        return
    ico = pillow_images(svg, ICO_SIZES)
    ico[0].save(resources / f"{NAME}.ico", sizes=[im.size for im in ico], append_images=ico[1:])
    print(f"wrote {resources / f'{NAME}.ico'}")
    icns = pillow_images(svg, ICNS_SIZES)
    icns[0].save(resources / f"{NAME}.icns", append_images=icns[1:])
    print(f"wrote {resources / f'{NAME}.icns'}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--resources", type=Path, default=RESOURCES, help="where the SVG is")
    args = parser.parse_args(argv)
    svg = args.resources / f"{NAME}.svg"
    _app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])  # QPainter needs one
    write_png(svg, args.resources / f"{NAME}.png")
    write_containers(svg, args.resources)
    return 0


if __name__ == "__main__":
    sys.exit(main())
