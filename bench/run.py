"""`make bench`: the site build at 1,000, 10,000 and 50,000 platforms — validation, clean build, rebuilds —
side by side with stock Pelican and Hugo on the same records (bench/build_bench.py), then the search
index and its queries (bench/search_bench.py).

Options go to both, e.g. `make bench BENCH_ARGS="--sizes 10000 --runs 3 --keep /tmp/smebench"`;
`--no-baselines` leaves out Pelican and Hugo.  A full run with 3 runs a size takes about 45 minutes on
a 2-core machine (stock Pelican at 50,000 platforms is most of it)."""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import build_bench  # noqa: E402
import search_bench  # noqa: E402

if __name__ == "__main__":
    args = sys.argv[1:]
    code = build_bench.main(args)
    print()
    sys.exit(code or search_bench.main(args))
