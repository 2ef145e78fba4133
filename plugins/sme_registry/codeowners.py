"""CODEOWNERS generated from the programmes, so the bureau responsible for a programme reviews
changes to its records.

Records do not carry Git accounts, so a small mapping file (codeowners.yaml at the project root,
not inside registry/: it is configuration, not a record) names them:

    maintainers: ["@sme-registry/maintainers"]          # default owners of every file
    programmes:  {xuchang-city: ["@xuchang-gxj/sme"]}   # programme id -> accounts or teams
    authorities: {河南省工业和信息化厅: ["@henan-gxt/sme"]}  # the programme's authority -> accounts

Records are files named by id, not folders per programme, so CODEOWNERS patterns cannot say
"the records of programme X"; the generated file lists each file explicitly (sorted, one line a
file, deterministic):

- the programme file;
- notices whose `programmes` name it; forms whose `programme` is it, or attached to those notices;
- publicity lists of the programme, and the platforms on them (candidates have no recognition yet);
- platforms with a recognition of the programme.

A file that concerns several programmes gets the owners of all of them on one line (in CODEOWNERS
the last matching line wins, so there must be one line a file).  Only programmes with owners in
the mapping get lines; everything else falls to the maintainers' `*` line.

Paths are written relative to the folder of the CODEOWNERS file (the repository root) without a
leading slash: GitHub and GitLab read them as paths from the root, and Gitea, which reads each
line as a regular expression, matches them too (ids use only a-z, 0-9 and "-"; the "." of
".yaml" matches itself).  Only the default line differs: `*` (GitHub, GitLab) or `.*` (Gitea).
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .registry import Registry

# @user, @org/team, GitLab's @group/subgroup, or an e-mail address (GitHub and GitLab accept both)
HANDLE_RE = re.compile(r"^@[A-Za-z0-9][A-Za-z0-9_.-]*(/[A-Za-z0-9_.-]+)*$|^[^@\s/]+@[^@\s/]+\.[^@\s/]+$")
KEYS = ("maintainers", "programmes", "authorities")
FLAVOURS = ("github", "gitea")
SECTIONS = (("programmes", "认定项目"), ("notices", "通知"), ("forms", "表单"), ("publicity", "公示名单"),
            ("platforms", "平台"))


class OwnersError(Exception):
    """The mapping file is missing, malformed or names what the registry does not have."""


@dataclass
class Owners:
    maintainers: list[str] = field(default_factory=list)
    programmes: dict[str, list[str]] = field(default_factory=dict)
    authorities: dict[str, list[str]] = field(default_factory=dict)

    def of(self, programme) -> set[str]:
        return set(self.programmes.get(programme.id, [])) | set(self.authorities.get(programme.authority, []))


def _handles(value, where: str, problems: list[str]) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        problems.append(f"{where}：要写成审核人列表，例如 [\"@henan-gxt/sme\"]。")
        return []
    out = []
    for h in value:
        if not isinstance(h, str) or not HANDLE_RE.match(h):
            problems.append(f"{where}：“{h}”不是 Git 账号或团队（写成 @用户名、@组织/团队，或电子邮箱）。")
        else:
            out.append(h)
    return out


def read_owners(path: Path, reg: Registry) -> Owners:
    """The mapping, checked against the registry: every programme id and authority must exist."""
    if not path.is_file():
        raise OwnersError(f"找不到审核人对照表 {path}。")
    try:
        data = yaml.safe_load(path.read_text("utf-8")) or {}
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise OwnersError(f"{path} 不是有效的 YAML：{exc}") from None
    if not isinstance(data, dict):
        raise OwnersError(f"{path} 应由 maintainers、programmes、authorities 三项组成。")
    problems: list[str] = []
    for key in data:
        if key not in KEYS:
            problems.append(f"{path}：未知的项“{key}”，只能写 {'、'.join(KEYS)}。")
    owners = Owners(maintainers=_handles(data.get("maintainers"), f"{path}: maintainers", problems))
    authorities = {p.authority for p in reg.programmes.values()}
    for key, known, table in (("programmes", reg.programmes, owners.programmes),
                              ("authorities", authorities, owners.authorities)):
        block = data.get(key) or {}
        if not isinstance(block, dict):
            problems.append(f"{path}: {key}：要写成“名称: [审核人]”的对照。")
            continue
        for name, value in block.items():
            name = str(name)
            if name not in known:
                what = "认定项目编号" if key == "programmes" else "认定机关（认定项目的 authority）"
                problems.append(f"{path}: {key}.{name}：登记库中没有这个{what}。")
                continue
            table[name] = _handles(value, f"{path}: {key}.{name}", problems)
    if problems:
        raise OwnersError("\n".join(problems))
    return owners


def file_programmes(reg: Registry) -> dict[str, set[str]]:
    """"kind:id" of every record that concerns a programme -> the ids of those programmes."""
    out: dict[str, set[str]] = {}

    def add(key: str, pid: str | None) -> None:
        if pid in reg.programmes and key in reg.files:
            out.setdefault(key, set()).add(pid)

    for pid in reg.programmes:
        add(f"programme:{pid}", pid)
    for n in reg.notices.values():
        for pid in n.programmes:
            add(f"notice:{n.id}", pid)
            for fid in n.attachments:
                add(f"form:{fid}", pid)
    for f in reg.forms.values():
        add(f"form:{f.id}", f.programme)
    for p in reg.publicity.values():
        add(f"publicity:{p.id}", p.programme)
        for plid in p.entries:
            add(f"platform:{plid}", p.programme)
    for pl in reg.platforms.values():
        for r in pl.recognitions:
            add(f"platform:{pl.id}", r.programme)
    return out


def render(reg: Registry, owners: Owners, root: Path, *, flavour: str = "github",
           owners_file: str = "codeowners.yaml") -> str:
    """The CODEOWNERS text; `root` is the folder the file is written to (the repository root)."""
    root = root.resolve()
    lines = [
        "# 本文件由 python -m sme_registry codeowners 根据审核人对照表和登记库记录自动生成，请勿手工修改。",
        f"# 对照表：{owners_file}（认定项目或认定机关 → Git 账号/团队）。修改对照表或增删记录后重新生成并提交：",
        "#   make codeowners" + ("" if flavour == "github" else f" FLAVOUR={flavour}"),
        "# CI 用 make codeowners CHECK=1 检查本文件是否与记录一致。",
        "# 同一文件匹配多行时以最后一行为准，所以每个文件只占一行，列出所有相关认定项目的审核人。",
        "",
    ]
    if owners.maintainers:
        lines += ["# 默认：登记库维护人员审核所有文件", f"{'*' if flavour == 'github' else '.*'} {' '.join(owners.maintainers)}", ""]
    progs = file_programmes(reg)
    by_folder: dict[str, list[str]] = {}
    for key, pids in progs.items():
        handles = set()
        for pid in pids:
            handles |= owners.of(reg.programmes[pid])
        if not handles:
            continue
        rel = os.path.relpath(Path(reg.files[key]).resolve(), root)
        if rel.startswith(".."):
            raise OwnersError(f"{reg.files[key]} 不在 {root} 之下：CODEOWNERS 要放在仓库根目录。")
        kind = key.split(":", 1)[0]
        folder = {"programme": "programmes", "notice": "notices", "form": "forms", "publicity": "publicity",
                  "platform": "platforms"}[kind]
        by_folder.setdefault(folder, []).append(f"{Path(rel).as_posix()} {' '.join(sorted(handles))}")
    if not by_folder:
        lines.append("# 对照表中还没有认定项目或认定机关的审核人，暂无按认定项目分配的规则。")
    for folder, label in SECTIONS:
        rows = sorted(by_folder.get(folder, []))
        if rows:
            lines += [f"# {label}", *rows, ""]
    while lines and lines[-1] == "":
        lines.pop()
    return "\n".join(lines) + "\n"
