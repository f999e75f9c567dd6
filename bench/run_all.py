"""Run every benchmark one after another (they share two cores: never in parallel).

Each writes its own table under bench/results/. Usage: python -m bench.run_all [NAME...]
"""

from __future__ import annotations

import subprocess
import sys
import time

BENCHES = ["retrieval", "answers", "telegram_latency", "scale"]


def main() -> None:
    """Run the named benchmarks (default: all) and print how long each took."""
    names = sys.argv[1:] or BENCHES
    failed = []
    for name in names:
        started = time.perf_counter()
        print(f"== bench.{name}", flush=True)
        code = subprocess.call([sys.executable, "-m", f"bench.{name}"])
        print(f"== bench.{name}: exit {code} in {time.perf_counter() - started:.0f} s", flush=True)
        if code:
            failed.append(name)
    if failed:
        sys.exit(f"failed: {', '.join(failed)}")


if __name__ == "__main__":
    main()
