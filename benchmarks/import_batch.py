"""Time a district's batch: ``N`` mixed files (the real corpus in all its containers, copied
round-robin under distinct names) read, recognised and parsed by ``gongkai import``'s pipeline,
with the peak memory of the process.

    python benchmarks/import_batch.py [N]   # default 1000
"""

from __future__ import annotations

import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from gongkai.commands.importing.run import import_files  # noqa: E402


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    built = sorted((ROOT / "tests/corpus/real/built").glob("*/*"))
    with tempfile.TemporaryDirectory() as folder:
        inputs = Path(folder) / "inputs"
        inputs.mkdir()
        for index in range(count):
            source = built[index % len(built)]
            shutil.copy(source, inputs / f"{index:05d}-{source.name}")
        started = time.perf_counter()
        outcome = import_files([inputs], Path(folder) / "data", None, None, False)
        seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    by_kind: dict[str, int] = {}
    for review in outcome.reviews:
        kind = review.container.split("（")[0] or "未读出"
        by_kind[kind] = by_kind.get(kind, 0) + 1
    print(
        f"{count} 个文件：{seconds:.1f} 秒（每个 {seconds / count * 1000:.0f} 毫秒），峰值内存 {peak:.0f} MiB"
    )
    print("，".join(f"{k} {v}" for k, v in sorted(by_kind.items())))


if __name__ == "__main__":
    main()
