"""How the command-line tools end."""
from __future__ import annotations

import os
import sys


def exit_now(code) -> None:
    """End the process with `code` once everything is written and closed, without tearing down
    the million objects of a loaded registry and its view models one by one (half a second
    at 10,000 platforms): output is flushed, then the process exits."""
    if sys.getprofile() is not None or sys.gettrace() is not None:
        sys.exit(code)      # a profiler or debugger writes its report on the way out
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code if isinstance(code, int) else 0 if code is None else 1)
