"""`make bench`: validation, the full site build, then the search index, at 1,000 and 10,000 platforms.

Options go to both (e.g. `make bench BENCH_ARGS="--sizes 10000 --runs 3"`)."""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import build_bench  # noqa: E402
import search_bench  # noqa: E402
import validate_bench  # noqa: E402

if __name__ == "__main__":
    args = sys.argv[1:]
    code = validate_bench.main(args)
    print()
    code = code or build_bench.main(args)
    print()
    sys.exit(code or search_bench.main(args))
