"""Make scans of real forms (扫描件语料): each form of ``SCANNED`` — rebuilt from its published
original in ``built/<名>/<名>.pdf`` (see ``sources/<名>.yml`` for the source address) — printed
to pages and scanned as departments do, in four ways:

- ``scan150.tif``: 150 dpi, turned 1.5° clockwise, scanner noise, grey, a page a frame;
- ``jpeg60.pdf``: 200 dpi, turned 1.5° the other way, JPEG at quality 60, in an image-only PDF;
- ``stamp.pdf``: an image-only PDF at 200 dpi with a red 实施单位（盖章） ring over the unit's cell
  and a red handwritten-looking stroke across a figure;
- ``photo.jpg``: a phone photo of the first sheet on a desk: perspective, uneven light, slight
  blur (one page a picture: what a second page holds is missing from it).

Run from the repository root: ``python tests/corpus/real/scans.py`` (needs the ``ocr`` extra,
for OpenCV). The scans are committed under ``scans/`` so that the tests read them as a clerk
would; they are seeded, so the same run makes the same files.
"""

from __future__ import annotations

import io
import random
from pathlib import Path

import cv2
import numpy as np
import pdfplumber
import pypdfium2
from PIL import Image

HERE = Path(__file__).parent
BUILT = HERE / "built"
SCANS = HERE / "scans"
SCANNED = (
    "ah-guichi-2022-weituo",
    "sc-daying-2023-anke",
    "cq-fengjie-2023-yunwu",
    "ah-huainan-2024-jiuye",
    "yn-yongde-2022-yingyang",
)


def pages(pdf: Path, dpi: int) -> list[np.ndarray]:
    document = pypdfium2.PdfDocument(str(pdf))
    try:
        return [
            np.array(page.render(scale=dpi / 72).to_pil().convert("RGB"))[:, :, ::-1].copy()
            for page in document
        ]
    finally:
        document.close()


def rotate(image: np.ndarray, degrees: float) -> np.ndarray:
    height, width = image.shape[:2]
    matrix = cv2.getRotationMatrix2D((width / 2, height / 2), degrees, 1.0)
    return cv2.warpAffine(image, matrix, (width, height), borderValue=(255, 255, 255))


def noise(image: np.ndarray, rng: np.random.Generator, level: float = 12) -> np.ndarray:
    grain = rng.normal(0, level, image.shape)
    return np.clip(image.astype(np.float32) + grain, 0, 255).astype(np.uint8)


def unit_cell(pdf: Path, dpi: int) -> tuple[int, int]:
    """Where to stamp: the middle of the cell after 实施单位 (or 单位名称, 主管部门) on page 1."""
    with pdfplumber.open(pdf) as document:
        page = document.pages[0]
        words = page.extract_words()
        for label in ("实施单位", "单位名称", "主管部门", "项目名称"):
            for word in words:
                if label in word["text"]:
                    x = (word["x1"] + 90) * dpi / 72
                    y = (word["top"] + word["bottom"]) / 2 * dpi / 72
                    return int(x), int(y)
        return int(page.width * 0.6 * dpi / 72), int(120 * dpi / 72)


def stamp(image: np.ndarray, centre: tuple[int, int], dpi: int) -> np.ndarray:
    """A red seal: a thick ring, an inner ring, a star, and an arc of strokes for its words."""
    out = image.copy()
    overlay = np.full_like(out, 255)
    radius = int(0.8 * dpi / 2.54)  # a 4 cm seal: 2 cm radius (0.8 cm here, a unit's seal)
    red = (40, 40, 215)
    cv2.circle(overlay, centre, radius, red, max(3, dpi // 50))
    cv2.circle(overlay, centre, int(radius * 0.82), red, 1)
    star = np.array(
        [
            (
                centre[0] + int((radius * (0.32 if k % 2 else 0.14)) * np.sin(k * np.pi / 5)),
                centre[1] - int((radius * (0.32 if k % 2 else 0.14)) * np.cos(k * np.pi / 5)),
            )
            for k in range(10)
        ],
        np.int32,
    )
    cv2.fillPoly(overlay, [star], red)
    for k in range(14):  # the seal's characters, as short strokes round the arc
        angle = np.pi * (0.85 + k / 13 * 1.3)
        x = centre[0] + int(radius * 0.65 * np.cos(angle))
        y = centre[1] + int(radius * 0.65 * np.sin(angle))
        cv2.line(overlay, (x - 6, y - 6), (x + 6, y + 6), red, 2)
        cv2.line(overlay, (x - 6, y + 6), (x + 6, y - 6), red, 2)
    # Ink on toner: the red shows on white paper, the black print stays black under it.
    return np.minimum(out, cv2.addWeighted(overlay, 0.85, np.full_like(out, 255), 0.15, 0))


def photo(image: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """The sheet photographed on a desk: a grey border, the corners pulled, light from one side."""
    height, width = image.shape[:2]
    pad = int(0.06 * width)
    canvas = np.full((height + 2 * pad, width + 2 * pad, 3), (120, 128, 135), np.uint8)
    canvas[pad : pad + height, pad : pad + width] = image
    h, w = canvas.shape[:2]
    source = np.float32([[0, 0], [w, 0], [w, h], [0, h]])
    pull = [rng.uniform(0.01, 0.04) for _ in range(8)]
    target = np.float32(
        [
            [w * pull[0], h * pull[1]],
            [w * (1 - pull[2]), h * pull[3] * 0.5],
            [w * (1 - pull[4] * 0.5), h * (1 - pull[5])],
            [w * pull[6] * 0.5, h * (1 - pull[7] * 0.5)],
        ]
    )
    warped = cv2.warpPerspective(
        canvas, cv2.getPerspectiveTransform(source, target), (w, h), borderValue=(90, 95, 100)
    )
    light = np.linspace(0.78, 1.05, w, dtype=np.float32)[None, :, None]
    lit = np.clip(warped.astype(np.float32) * light, 0, 255).astype(np.uint8)
    return cv2.GaussianBlur(lit, (3, 3), 0.8)


def jpeg(image: np.ndarray, quality: int) -> bytes:
    ok, data = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, quality])
    assert ok
    return data.tobytes()


def image_pdf(images: list[np.ndarray], dpi: int, quality: int = 85) -> bytes:
    pictures = [Image.open(io.BytesIO(jpeg(i, quality))) for i in images]
    buffer = io.BytesIO()
    pictures[0].save(buffer, "PDF", resolution=dpi, save_all=True, append_images=pictures[1:])
    return buffer.getvalue()


def make(stem: str) -> None:
    pdf = BUILT / stem / f"{stem}.pdf"
    out = SCANS / stem
    out.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(sum(map(ord, stem)))
    random.seed(stem)
    turned = [noise(rotate(p, -1.5), rng) for p in pages(pdf, 150)]
    grey = [Image.fromarray(cv2.cvtColor(p, cv2.COLOR_BGR2GRAY)) for p in turned]
    grey[0].save(
        out / f"{stem}.scan150.tif", save_all=True, append_images=grey[1:], compression="jpeg",
        quality=80, dpi=(150, 150),
    )  # fmt: skip
    second = [rotate(p, 1.5) for p in pages(pdf, 200)]
    (out / f"{stem}.jpeg60.pdf").write_bytes(image_pdf(second, 200, quality=60))
    stamped = pages(pdf, 200)
    stamped[0] = stamp(stamped[0], unit_cell(pdf, 200), 200)
    (out / f"{stem}.stamp.pdf").write_bytes(image_pdf(stamped, 200))
    # The photo: the first page only, as a phone takes one page a picture.
    (out / f"{stem}.photo.jpg").write_bytes(jpeg(photo(pages(pdf, 200)[0], rng), 80))


def main() -> None:
    for stem in SCANNED:
        make(stem)
        print(stem)


if __name__ == "__main__":
    main()
