"""Print problems for people (text), programs (json) and CI (GitHub annotations)."""
from __future__ import annotations

import json

from .problems import ERROR, Problems


def as_text(problems: Problems) -> str:
    lines = [p.format() for p in problems.sorted()]
    n_err, n_warn = len(problems.errors), len(problems.warnings)
    if n_err:
        lines.append(f"发现 {n_err} 个错误、{n_warn} 个警告。错误修正之前不会发布。")
    elif n_warn:
        lines.append(f"没有错误，{n_warn} 个警告（警告不妨碍发布，请核对）。")
    else:
        lines.append("检查通过：没有错误，没有警告。")
    return "\n".join(lines)


def as_json(problems: Problems) -> str:
    return json.dumps(
        {"errors": len(problems.errors), "warnings": len(problems.warnings),
         "problems": [{"path": p.path, "line": p.line, "field": p.field, "severity": p.severity,
                       "rule": p.rule, "message": p.message} for p in problems.sorted()]},
        ensure_ascii=False, indent=2)


def _escape(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def as_github(problems: Problems) -> str:
    """GitHub Actions workflow commands: ::error file=…,line=…,title=…::message"""
    out = []
    for p in problems.sorted():
        level = "error" if p.severity == ERROR else "warning"
        loc = f"file={p.path}" + (f",line={p.line}" if p.line else "")
        title = _escape(p.field or p.rule or "registry").replace(",", "%2C").replace(":", "%3A")
        out.append(f"::{level} {loc},title={title}::{_escape(p.message)}")
    out.append(as_text(problems).splitlines()[-1])
    return "\n".join(out)


FORMATS = {"text": as_text, "json": as_json, "github": as_github}
