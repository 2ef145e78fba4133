"""Problems found in the registry: values with a file, a line, a field and a message.

Validation never stops at the first problem: every stage appends to one
`Problems` collection and the CLI reports them all, sorted by file and line.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterator

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True, order=True)
class Problem:
    path: str          # file path as given to the loader (relative to the working dir)
    line: int          # 1-based; 0 when the problem concerns the whole file
    field: str         # dotted field path, e.g. recognitions[0].on ("" for the whole file)
    message: str       # in Chinese, says what is wrong and what to do
    severity: str = ERROR
    rule: str = ""     # a short code naming the rule, e.g. "yaml.duplicate-key"

    def format(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        label = "" if self.severity == ERROR else "警告: "
        fld = f" {self.field}:" if self.field else ""
        return f"{where}:{fld} {label}{self.message}"


@dataclass
class Problems:
    items: list[Problem] = field(default_factory=list)

    def add(self, path, line, field_, message, *, severity=ERROR, rule="") -> None:
        self.items.append(Problem(str(path), int(line or 0), field_, message, severity, rule))

    def extend(self, other: "Problems") -> None:
        self.items.extend(other.items)

    def __iter__(self) -> Iterator[Problem]:
        return iter(self.sorted())

    def __len__(self) -> int:
        return len(self.items)

    def sorted(self) -> list[Problem]:
        # One problem may be found twice by two stages; report it once.
        return sorted(set(self.items), key=lambda p: (p.path, p.line, p.field, p.severity, p.message))

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.sorted() if p.severity == ERROR]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.sorted() if p.severity == WARNING]


def field_path(parts) -> str:
    """('recognitions', 0, 'on') -> 'recognitions[0].on'"""
    out = ""
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out
