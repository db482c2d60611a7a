"""Scanned and photographed forms (扫描件、照片): an image-only PDF or a picture of a stamped
自评表, read on this machine with OCR and handed to the same form reader as every other file.

The steps, each for what real scans do:

1. The red of the 盖章 stamp and of red handwriting is removed by colour (it hides the black
   text under it, and OCR reads the stamp's ring as characters).
2. The sheet is straightened: the table's outer frame is found and mapped to a rectangle, which
   undoes both a scanner's skew of a degree or two and a phone photo's perspective.
3. The form's grid is rebuilt from its ruling lines: every horizontal and vertical line segment,
   rows and columns where they lie, and two neighbouring grid cells are one merged cell where
   the line between them is missing.
4. The ruling lines are erased and the page is read once by OCR (``rapidocr_onnxruntime``, whose
   Chinese detection and recognition models ship inside its wheel: nothing is downloaded);
   each text box goes to the cell holding its centre, with its confidence.

The result is the common grid (:class:`~gongkai.commands.importing.grid.Document`) with a
:class:`ScanReading` beside it: every cell's text, confidence and place on the straightened
page, so that the import can say which fields came from OCR and cut out a doubtful cell's image
for the clerk. OCR is an extra: without it the clerk is told the one command that adds it.
"""

from __future__ import annotations

import bisect
import itertools
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gongkai.commands.importing.containers.limits import MAX_PAGES
from gongkai.commands.importing.grid import (
    Block,
    Document,
    SourceError,
    Table,
    continues,
    expand_spans,
    join_split,
    run_on,
)

INSTALL_OCR = 'pip install -e ".[ocr]"'
DPI = 200  # an image-only PDF page is drawn at this resolution before reading
MAX_SIDE = 3600  # a larger photo is scaled down first (memory stays bounded; text stays legible)
# The detector's memory grows with the pixels it is given (about 540 MiB for a whole A4 page at
# 200 dpi): a page is read in bands of at most this height, cut where a table row ends.
BAND = 1300


@dataclass(frozen=True)
class ScannedCell:
    """One cell of a scanned table: its place in the grid and on the page, its text as OCR read
    it, and the lowest confidence of the words in it (``None`` for an empty cell)."""

    page: int
    table: int
    row: int
    column: int
    text: str
    confidence: float | None
    box: tuple[int, int, int, int]  # x0, y0, x1, y1 on the straightened page


@dataclass
class ScanReading:
    """What OCR made of a file: its cells, and the straightened pages to cut them from."""

    cells: list[ScannedCell] = field(default_factory=list)
    pages: list[Any] = field(default_factory=list)  # numpy images (BGR)
    # Pages whose frame was far from a rectangle (a photo's perspective): read less surely.
    photographed: set[int] = field(default_factory=set)

    def crop(self, cell: ScannedCell, margin: int = 6) -> bytes:
        """The cell's image as PNG bytes, a little wider than its frame."""
        import cv2

        image = self.pages[cell.page]
        x0, y0, x1, y1 = cell.box
        height, width = image.shape[:2]
        part = image[
            max(0, y0 - margin) : min(height, y1 + margin),
            max(0, x0 - margin) : min(width, x1 + margin),
        ]
        ok, encoded = cv2.imencode(".png", part)
        return encoded.tobytes() if ok else b""


def _modules() -> tuple[Any, Any, Any]:
    try:
        import cv2
        import numpy
        from rapidocr_onnxruntime import RapidOCR
    except ImportError:
        raise SourceError(
            "这是扫描件或照片，需要先安装文字识别（OCR）组件才能导入。在本项目文件夹中运行一次："
            f"{INSTALL_OCR}（内网安装见 README 的“内网安装”）"
        ) from None
    return cv2, numpy, RapidOCR


_ENGINE: Any = None


def _engine() -> Any:
    """The OCR engine, loaded once per process (its models take a quarter of a second)."""
    global _ENGINE
    if _ENGINE is None:
        _cv2, _np, rapid_ocr = _modules()
        # No text-direction classifier: the page is straightened upright before reading, and
        # leaving it out saves a sixth of the time and 50 MiB (measured on a two-page scan).
        _ENGINE = rapid_ocr(use_cls=False)
    return _ENGINE


def page_images(path: Path, pdf: bool) -> list[Any]:
    """The pages as BGR images: each frame of a picture (a TIFF may hold several), or each page
    of an image-only PDF drawn at :data:`DPI`."""
    cv2, np, _ = _modules()
    pages = []
    if pdf:
        import pypdfium2

        document = pypdfium2.PdfDocument(str(path))
        try:
            if len(document) > MAX_PAGES:
                raise SourceError(f"{path}：超过 {MAX_PAGES} 页，不像一份报告")
            for page in document:
                image = page.render(scale=DPI / 72).to_pil().convert("RGB")
                pages.append(np.array(image)[:, :, ::-1].copy())
        finally:
            document.close()
    else:
        from PIL import Image, ImageOps, UnidentifiedImageError

        try:
            with Image.open(path) as picture:
                for number in range(min(getattr(picture, "n_frames", 1), MAX_PAGES)):
                    picture.seek(number)
                    frame = ImageOps.exif_transpose(picture.convert("RGB"))
                    pages.append(np.array(frame)[:, :, ::-1].copy())
        except (UnidentifiedImageError, OSError):
            raise SourceError(
                f"{path}：这是图片，但已损坏或不完整，无法打开；请让报送单位重新提供"
            ) from None
    scaled = []
    for image in pages:
        side = max(image.shape[:2])
        if side > MAX_SIDE:
            factor = MAX_SIDE / side
            image = cv2.resize(image, None, fx=factor, fy=factor, interpolation=cv2.INTER_AREA)
        scaled.append(image)
    return scaled


def remove_red(image: Any) -> Any:
    """The page with its red (stamp, red ink) turned white: hue near red, clearly saturated."""
    cv2, _np, _ = _modules()
    hsv = cv2.cvtColor(image, cv2.COLOR_BGR2HSV)
    hue, saturation, value = hsv[:, :, 0], hsv[:, :, 1], hsv[:, :, 2]
    # Bright enough to be ink of its own: a black line that JPEG tinted red under a seal is
    # dark, and stays.
    red = ((hue <= 12) | (hue >= 160)) & (saturation >= 70) & (value >= 120)
    cleaned = image.copy()
    cleaned[red] = 255
    return cleaned


def _ink(image: Any) -> Any:
    """The page binarised: ink white on black, against the local background (uneven light)."""
    cv2, _np, _ = _modules()
    gray = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    return cv2.adaptiveThreshold(
        gray, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, 31, 15
    )


def table_frame(image: Any) -> tuple[Any, float] | None:
    """The corners of the page's largest table frame (see :func:`_corners`) and the share of the
    page it covers; ``None`` where the page has no ruling lines."""
    cv2, np, _ = _modules()
    lines = _line_masks(_ink(image))
    frame = cv2.dilate(lines[0] | lines[1], np.ones((5, 5), np.uint8))
    contours, _ = cv2.findContours(frame, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    if not contours:
        return None
    largest = max(contours, key=cv2.contourArea)
    height, width = image.shape[:2]
    share = cv2.contourArea(largest) / (height * width)
    return _corners(largest.reshape(-1, 2).astype("float32")), share


def straighten(image: Any, frame: tuple[Any, float] | None = None) -> Any:
    """The page with its largest table frame (``frame``, else found here) mapped to an upright
    rectangle (skew, perspective); unchanged where no frame covers a tenth of the page."""
    cv2, np, _ = _modules()
    frame = table_frame(image) if frame is None else frame
    if frame is None or frame[1] < 0.1:
        return image
    corners = frame[0]
    height, width = image.shape[:2]
    top = (np.linalg.norm(corners[1] - corners[0]) + np.linalg.norm(corners[2] - corners[3])) / 2
    side = (np.linalg.norm(corners[3] - corners[0]) + np.linalg.norm(corners[2] - corners[1])) / 2
    x0, y0 = corners[0]
    target = np.array([[x0, y0], [x0 + top, y0], [x0 + top, y0 + side], [x0, y0 + side]], "float32")
    matrix = cv2.getPerspectiveTransform(corners, target)
    return cv2.warpPerspective(image, matrix, (width, height), borderValue=(255, 255, 255))


def photographed(frame: tuple[Any, float] | None) -> bool:
    """Whether the table's frame (:func:`table_frame`) is far from a rectangle turned a little
    (a scanner's skew): its opposite sides differ by more than 1 % (a turn keeps them equal) —
    a photo taken at an angle."""
    if frame is None:
        return False
    import numpy as np

    corners = frame[0]
    top, bottom = np.linalg.norm(corners[1] - corners[0]), np.linalg.norm(corners[2] - corners[3])
    left, right = np.linalg.norm(corners[3] - corners[0]), np.linalg.norm(corners[2] - corners[1])
    return bool(
        abs(top - bottom) > 0.01 * max(top, bottom) or abs(left - right) > 0.01 * max(left, right)
    )


def _corners(points: Any) -> Any:
    """The four extreme corners of a frame: top-left, top-right, bottom-right, bottom-left."""
    import numpy as np

    total = points.sum(axis=1)
    difference = points[:, 0] - points[:, 1]
    return np.array(
        [
            points[total.argmin()],
            points[difference.argmax()],
            points[total.argmax()],
            points[difference.argmin()],
        ],
        "float32",
    )


def _line_masks(ink: Any) -> tuple[Any, Any]:
    """The horizontal and the vertical ruling lines of a binarised page."""
    cv2, np, _ = _modules()
    height, width = ink.shape
    # Longer than any stroke of a character (an A4 page: 35 px at 150 dpi, where characters are
    # about 22 px), shorter than the smallest cell.
    horizontal = cv2.morphologyEx(ink, cv2.MORPH_OPEN, np.ones((1, max(20, width // 40)), np.uint8))
    vertical = cv2.morphologyEx(ink, cv2.MORPH_OPEN, np.ones((max(20, height // 50), 1), np.uint8))
    return horizontal, vertical


def _positions(mask: Any, axis: int, least: int) -> list[int]:
    """Where the lines of ``mask`` lie across ``axis`` (0: rows of horizontal lines), as the
    centres of runs of rows or columns holding at least ``least`` line pixels."""
    import numpy as np

    counts = (mask > 0).sum(axis=1 - axis)
    found, start = [], None
    for index, count in enumerate(np.append(counts, 0)):
        if count >= least and start is None:
            start = index
        elif count < least and start is not None:
            found.append((start + index - 1) // 2)
            start = None
    return found


@dataclass(frozen=True)
class _Grid:
    rows: list[int]  # y of each horizontal line, top to bottom
    columns: list[int]  # x of each vertical line, left to right
    cells: list[tuple[int, int, int, int]]  # row, column, rowspan, colspan


def find_grid(horizontal: Any, vertical: Any, box: tuple[int, int, int, int]) -> _Grid | None:
    """The grid of the table inside ``box`` (x0, y0, x1, y1): its lines, and its cells merged
    where the line between two grid cells is missing."""
    x0, y0, x1, y1 = box
    h = horizontal[y0 : y1 + 1, x0 : x1 + 1]
    v = vertical[y0 : y1 + 1, x0 : x1 + 1]
    # A row line runs on for three times the shortest line kept (touching strokes of a line of
    # text can pass that shortest length; a form's row lines cross several cells).
    rows = [y0 + y for y in _positions(h, 0, 3 * max(20, horizontal.shape[1] // 40))]
    columns = [x0 + x for x in _positions(v, 1, 25)]
    if len(rows) < 2 or len(columns) < 2:
        return None
    height, width = len(rows) - 1, len(columns) - 1
    parent = list(range(height * width))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def covered(mask: Any, fixed: int, start: int, end: int, across: bool) -> float:
        """The share of the segment from ``start`` to ``end`` at ``fixed`` drawn in ``mask``."""
        if end - start <= 8:
            return 1.0
        inner = slice(start + 4, end - 4)
        band = mask[fixed - 3 : fixed + 4, inner] if across else mask[inner, fixed - 3 : fixed + 4]
        hits = (band > 0).any(axis=0 if across else 1)
        return float(hits.mean()) if hits.size else 1.0

    for r in range(height):
        for c in range(width):
            if (
                c + 1 < width
                and covered(vertical, columns[c + 1], rows[r], rows[r + 1], False) < 0.5
            ):
                parent[find(r * width + c + 1)] = find(r * width + c)
            if (
                r + 1 < height
                and covered(horizontal, rows[r + 1], columns[c], columns[c + 1], True) < 0.5
            ):
                parent[find((r + 1) * width + c)] = find(r * width + c)
    groups: dict[int, list[tuple[int, int]]] = {}
    for r in range(height):
        for c in range(width):
            groups.setdefault(find(r * width + c), []).append((r, c))
    cells = []
    for members in groups.values():
        top, left = min(m[0] for m in members), min(m[1] for m in members)
        bottom, right = max(m[0] for m in members), max(m[1] for m in members)
        if len(members) == (bottom - top + 1) * (right - left + 1):
            cells.append((top, left, bottom - top + 1, right - left + 1))
            continue
        # Not a rectangle: a border lost under a stamp or a smudge joined two cells that are
        # not one. Keep only the merges along each row, where a form's wide cells are.
        for row in range(top, bottom + 1):
            across = sorted(c for r, c in members if r == row)
            start = across[0]
            for before, column in itertools.pairwise([*across, None]):
                if column is None or column != before + 1:
                    cells.append((row, start, 1, before - start + 1))
                    start = column if column is not None else start
    cells.sort()
    return _Grid(rows, columns, cells)


# What OCR reads for the words of these forms, where the read is no word at all: 自评 as 白评,
# 资金 as 资全, the list comma 、 as the radical 丶. Only such impossible pairs are mended.
_CONFUSIONS = (("白评", "自评"), ("资全", "资金"), ("丶", "、"))


def mend(text: str) -> str:
    """A cell's words with the impossible reads of :data:`_CONFUSIONS` mended.

    >>> mend("项目支出绩效白评表"), mend("补助资全项目"), mend("就业见习补贴丶公益性岗位")
    ('项目支出绩效自评表', '补助资金项目', '就业见习补贴、公益性岗位')
    """
    for wrong, right in _CONFUSIONS:
        text = text.replace(wrong, right)
    return text


def _join(lines: list[tuple[float, float, str]]) -> str:
    """The words of one cell in reading order: lines top to bottom (a word whose middle lies
    within half a line of the line's is on it), left to right; Chinese runs on without a space."""
    lines = sorted(lines)
    rows: list[list[tuple[float, float, str]]] = []
    for item in lines:
        if rows and abs(item[0] - rows[-1][0][0]) < 12:
            rows[-1].append(item)
        else:
            rows.append([item])
    text = run_on([word for row in rows for _y, _x, word in sorted(row, key=lambda i: i[1])])
    return mend(text)


def _split_across_lines(
    boxes: list[Any], grids: list[_Grid], owner: dict[tuple[int, int, int], Any], clean: Any
) -> list[Any]:
    """Words the detector joined across a column line (two neighbouring cells' words on one
    line, once the line is erased) are read again, a cell's part at a time. Only a line that
    parts two cells in that row cuts (a merged cell spans the lines of the rows around it)."""
    out = []
    for quad, word, score in boxes:
        xs, ys = [p[0] for p in quad], [p[1] for p in quad]
        x0, x1, y0, y1 = min(xs), max(xs), min(ys), max(ys)
        cy = (y0 + y1) / 2
        found = next(((t, g) for t, g in enumerate(grids) if g.rows[0] <= cy <= g.rows[-1]), None)
        cuts = []
        if found is not None:
            t, grid = found
            r = min(max(bisect.bisect_right(grid.rows, cy) - 1, 0), len(grid.rows) - 2)
            cuts = [
                x
                for j, x in enumerate(grid.columns)
                if x0 + 8 < x < x1 - 8
                and 0 < j < len(grid.columns) - 1
                and owner[(t, r, j - 1)] != owner[(t, r, j)]
            ]
        if not cuts:
            out.append((quad, word, score))
            continue
        edges = [x0, *cuts, x1]
        for left, right in itertools.pairwise(edges):
            part = clean[max(0, int(y0) - 2) : int(y1) + 3, max(0, int(left) + 2) : int(right) - 1]
            if part.shape[0] < 6 or part.shape[1] < 8:
                continue
            read, _ = _engine()(part, use_det=False, use_cls=False, use_rec=True)
            if read and read[0][0].strip():
                text, confidence = read[0][0], float(read[0][1])
                box = [[left, y0], [right, y0], [right, y1], [left, y1]]
                out.append((box, text.strip(), confidence))
    return out


def read_page(image: Any, number: int, reading: ScanReading) -> list[tuple[float, Block]]:
    """One page: its tables and the paragraphs around them, by their tops."""
    cv2, np, _ = _modules()
    red_free = remove_red(image)
    outline = table_frame(red_free)  # found once: for the photo test and for straightening
    if photographed(outline):
        reading.photographed.add(number)
    page = straighten(red_free, outline)
    reading.pages.append(page)
    horizontal, vertical = _line_masks(_ink(page))
    lines = horizontal | vertical
    frames, _ = cv2.findContours(
        cv2.dilate(lines, np.ones((5, 5), np.uint8)), cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE
    )
    height, width = page.shape[:2]
    grids = []
    for frame in frames:
        x, y, w, h = cv2.boundingRect(frame)
        if w * h >= 0.02 * height * width and w > width // 5:
            grid = find_grid(horizontal, vertical, (x, y, x + w - 1, y + h - 1))
            if grid is not None:
                grids.append(grid)
    grids.sort(key=lambda g: g.rows[0])
    # The ruling lines erased: OCR then sees the words alone.
    clean = page.copy()
    clean[cv2.dilate(lines, np.ones((3, 3), np.uint8)) > 0] = 255
    owner: dict[tuple[int, int, int], tuple[int, int, int, int]] = {}
    for t, grid in enumerate(grids):
        for cell in grid.cells:
            r, c, rs, cs = cell
            for dr in range(rs):
                for dc in range(cs):
                    owner[(t, r + dr, c + dc)] = cell
    found = []
    for top, bottom in _bands(height, grids):
        words, _ = _engine()(clean[top:bottom])
        found += [([[x, y + top] for x, y in quad], w, s) for quad, w, s in words or []]
    boxes = _split_across_lines(found, grids, owner, clean)
    texts: dict[tuple[int, tuple[int, int, int, int]], list[tuple[float, float, str]]] = {}
    confidence: dict[tuple[int, tuple[int, int, int, int]], float] = {}
    outside: list[tuple[float, float, str, float]] = []
    for quad, word, score in boxes:
        xs, ys = [p[0] for p in quad], [p[1] for p in quad]
        cx, cy = sum(xs) / 4, sum(ys) / 4
        placed = False
        for t, grid in enumerate(grids):
            if grid.columns[0] <= cx <= grid.columns[-1] and grid.rows[0] <= cy <= grid.rows[-1]:
                r = min(bisect.bisect_right(grid.rows, cy) - 1, len(grid.rows) - 2)
                c = min(bisect.bisect_right(grid.columns, cx) - 1, len(grid.columns) - 2)
                key = (t, owner[(t, r, c)])
                texts.setdefault(key, []).append((cy, min(xs), str(word)))
                confidence[key] = min(confidence.get(key, 1.0), float(score))
                placed = True
                break
        if not placed:
            outside.append((cy, min(xs), str(word), float(score)))
    items: list[tuple[float, Block]] = []
    for t, grid in enumerate(grids):
        placed_cells = []
        for cell in grid.cells:
            r, c, rs, cs = cell
            text = _join(texts.get((t, cell), []))
            placed_cells.append((r, c, rs, cs, text))
            box = (grid.columns[c], grid.rows[r], grid.columns[c + cs], grid.rows[r + rs])
            reading.cells.append(ScannedCell(number, t, r, c, text, confidence.get((t, cell)), box))
        rows = expand_spans(len(grid.columns) - 1, placed_cells, len(grid.rows) - 1)
        items.append((grid.rows[0], Table(rows)))
    # Words outside the tables: a line each (title, 年度, notes).
    for line in _lines(outside):
        items.append(line)
    return items


def _bands(height: int, grids: list[_Grid]) -> list[tuple[int, int]]:
    """Spans of the page to read one at a time, each at most :data:`BAND` high where the page
    allows: cut only at a row line that no merged cell crosses, so that no word is cut (the
    ruling lines are erased, so a cut there passes through white)."""
    cuts = sorted(
        grid.rows[k]
        for grid in grids
        for k in range(1, len(grid.rows) - 1)
        if not any(r < k < r + rs for r, _c, rs, _cs in grid.cells)
    )
    bands, top = [], 0
    while height - top > BAND:
        fitting = [y for y in cuts if top + BAND // 4 < y <= top + BAND]
        if not fitting:
            break
        bands.append((top, fitting[-1]))
        top = fitting[-1]
    bands.append((top, height))
    return bands


def _lines(words: list[tuple[float, float, str, float]]) -> list[tuple[float, Block]]:
    rows: list[list[tuple[float, float, str, float]]] = []
    for word in sorted(words):
        if rows and abs(word[0] - rows[-1][0][0]) < 12:
            rows[-1].append(word)
        else:
            rows.append([word])
    return [(row[0][0], _join([(w[0], w[1], w[2]) for w in row])) for row in rows]


def read_scan(path: Path, pdf: bool = False) -> Document:
    """A scanned or photographed file as the common grid, with its :class:`ScanReading`."""
    pages = page_images(path, pdf)
    reading = ScanReading()
    blocks: list[Block] = []
    for number, image in enumerate(pages):
        page_blocks = [
            block for _, block in sorted(read_page(image, number, reading), key=lambda i: i[0])
        ]
        # A form runs on over pages: the table at the top goes on from the one before. (Its
        # cells keep their place on the paper, 第 2 页表 1 第 3 行, for the clerk to find.)
        first = next((i for i, b in enumerate(page_blocks) if isinstance(b, Table)), None)
        last = next((b for b in reversed(blocks) if isinstance(b, Table)), None)
        if first is not None and last is not None and continues(last, page_blocks[first]):
            join_split(last, page_blocks.pop(first))  # type: ignore[arg-type]
        blocks.extend(page_blocks)
    if not any(isinstance(b, Table) for b in blocks) and not any(blocks):
        raise SourceError(f"{path}：扫描件中没有找到文字或表格（图片太模糊或太小？）")
    document = Document(blocks, "scan")
    document.scan = reading
    return document
