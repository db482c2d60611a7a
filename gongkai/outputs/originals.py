"""Copying the 原文附件 (original documents) into the built site, beside the pages."""

from __future__ import annotations

import shutil
from pathlib import Path

from gongkai.model.attachments import attachments_of, sha256_of
from gongkai.model.catalog import Catalog


def copy_attachments(catalog: Catalog, site_dir: Path) -> int:
    """Copy every report's attachments into ``site_dir``; unchanged copies are left alone.
    Returns how many files the site holds."""
    count = 0
    for entry in catalog.reports:
        for item in attachments_of(entry):
            target = site_dir / item.site_path
            count += 1
            same = target.is_file() and target.stat().st_size == item.size
            if same and sha256_of(target)[1] == item.sha256:
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(item.source, target)
    return count
