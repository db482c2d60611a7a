"""Download bundles kept between builds (下载包缓存), under the digest of what they hold.

A bundle's files are a function of its project-years' parts (rows, CSV lines, JSON), in order,
the workbook's date and mode, and the code that writes them. A build that finds a bundle of the
same digest kept by an earlier build links (or copies) those files into the site instead of
writing them again: after one edit, only the edited project's bundle, its year's and the whole
site's are written. The files are the same bytes either way, so builds stay byte-identical.

The store lives beside ``mkdocs.yml`` in ``.cache/gongkai/xiazai/`` (Material keeps its own
plugins' caches under ``.cache/`` too); it is never published and may be deleted at any time.
Each kept bundle is a folder named by its digest holding the files; it is made under a temporary
name and renamed, so a folder that exists is complete. A full build removes the folders it did
not use. Every failure here (a full disk, a folder removed by another build meanwhile) only
means the bundle is written as usual.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import zlib
from functools import cached_property
from pathlib import Path

import gongkai
from gongkai.files import caching

CACHE_FOLDER = Path(".cache") / "gongkai" / "xiazai"  # under the folder of mkdocs.yml
NO_KEPT = "GONGKAI_NO_KEPT_DOWNLOADS"  # set: every bundle is written (tests comparing writers)


def _recipe() -> bytes:
    """What else than the parts decides a bundle's bytes: the code and zlib (which compresses
    the workbooks). All of gongkai's source, not only the writers' modules (they use the money
    helpers, the version, and whatever they come to use): a changed program only writes every
    bundle once more."""
    source = hashlib.sha256()
    package = Path(gongkai.__file__).parent
    for path in sorted(package.rglob("*.py")):
        source.update(path.relative_to(package).as_posix().encode() + b"\0")
        source.update(path.read_bytes())
    return b"\0".join(
        (source.digest(), gongkai.__version__.encode(), zlib.ZLIB_RUNTIME_VERSION.encode())
    )


class BundleDigest:
    """The digest of one bundle, made of its parts' bytes as they come, in order (none is made
    without a ``recipe``: nothing is kept)."""

    def __init__(self, recipe: bytes | None, kind: bytes) -> None:
        self.hashed = None if recipe is None else hashlib.sha256(recipe)
        if self.hashed is not None:
            self.hashed.update(b"\0" + kind + b"\0")

    def add(self, part: bytes) -> None:
        if self.hashed is not None:
            self.hashed.update(len(part).to_bytes(8, "big"))
            self.hashed.update(part)

    def hex(self) -> str:
        return "" if self.hashed is None else self.hashed.hexdigest()


class KeptBundles:
    """The bundles an earlier build wrote, found by digest (``None`` folder: none are kept)."""

    def __init__(self, folder: Path | None) -> None:
        off = not caching() or os.environ.get(NO_KEPT)
        self.folder = None if off else folder
        self.used: set[str] = set()

    @cached_property
    def recipe(self) -> bytes | None:
        return _recipe() if self.folder is not None else None

    def digest(self, kind: bytes) -> BundleDigest:
        """The digest of a bundle written as ``kind`` (how it is written), its parts added."""
        return BundleDigest(self.recipe, kind)

    def fetch(self, digest: str, paths: list[Path]) -> bool:
        """Put the kept files of ``digest`` at ``paths`` (each whole, under a temporary name
        first); False when none are kept, they were changed since, or could not be put there."""
        if self.folder is None:
            return False
        kept = self.folder / digest
        if not kept.is_dir():
            return False
        if not _unchanged(kept, len(paths)):  # a published copy edited in place, say: not used
            shutil.rmtree(kept, ignore_errors=True)
            return False
        for number, path in enumerate(paths):
            partial = path.with_name(f".{path.name}.{os.getpid()}.tmp")
            try:
                _link_or_copy(kept / str(number), partial)
                os.replace(partial, path)
            except OSError:
                partial.unlink(missing_ok=True)
                return False
        self.used.add(digest)
        return True

    def keep(self, digest: str, paths: list[Path]) -> None:
        """Keep the files just written at ``paths`` under ``digest``, with each one's size and
        time of change (a file linked into a site and edited there in place changes both)."""
        if self.folder is None:
            return
        self.used.add(digest)
        kept = self.folder / digest
        if kept.is_dir():
            return
        scratch = self.folder / f".{digest}.{os.getpid()}.tmp"
        try:
            scratch.mkdir(parents=True, exist_ok=True)
            for number, path in enumerate(paths):
                _link_or_copy(path, scratch / str(number))
            (scratch / _STATES).write_text(_states(scratch, len(paths)), encoding="ascii")
            os.rename(scratch, kept)
        except OSError:  # kept by another build meanwhile, or no room: not kept this time
            shutil.rmtree(scratch, ignore_errors=True)

    def prune(self) -> None:
        """Remove every kept bundle this build did not use, and what stopped writers left."""
        if self.folder is None or not self.folder.is_dir():
            return
        for path in self.folder.iterdir():
            if path.name not in self.used:
                shutil.rmtree(path, ignore_errors=True)


_STATES = "states"  # in a kept bundle's folder: each file's size and time of change


def _states(kept: Path, count: int) -> str:
    lines = []
    for number in range(count):
        state = (kept / str(number)).stat()
        lines.append(f"{state.st_size} {state.st_mtime_ns}\n")
    return "".join(lines)


def _unchanged(kept: Path, count: int) -> bool:
    try:
        return (kept / _STATES).read_text(encoding="ascii") == _states(kept, count)
    except (OSError, UnicodeDecodeError):
        return False


def _link_or_copy(source: Path, target: Path) -> None:
    """A second name for the same file where the file system allows it (no bytes copied: the
    site's file is never changed in place, only replaced), a copy elsewhere."""
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)
