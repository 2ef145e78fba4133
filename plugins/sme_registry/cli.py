"""The staff command line.  Thin: parse arguments, call the core, turn problems into exit codes.

    python -m sme_registry validate [REGISTRY] [--as-of DATE] [--format text|json|github]
    python -m sme_registry status   [REGISTRY] [--as-of DATE] [--within DAYS]
    python -m sme_registry new TYPE [--registry REGISTRY] [--id ID]
    python -m sme_registry summary-table [REGISTRY] --programme ID [--year YYYY] [--publicity ID] [--output FILE]
    python -m sme_registry review [REGISTRY] --base REV [--as-of DATE] [--format text|markdown]

    python -m sme_registry codeowners [REGISTRY] [--owners codeowners.yaml] [--output CODEOWNERS] [--check]
"""
from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from . import lifecycle
from .registry import load_registry
from .report import FORMATS, as_text
from .rules import today_shanghai
from .scaffold import FOLDER, new_record


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"日期“{text}”不对，要写成 YYYY-MM-DD，例如 2024-11-11") from None


def cmd_validate(args) -> int:
    cache = None
    if args.cache:   # parse again only the files that changed since the last validation (parsecache.py)
        from .parsecache import ParseCache
        cache = ParseCache(Path(args.cache))
    reg = load_registry(Path(args.registry), as_of=args.as_of, parse_cache=cache)
    if cache:
        cache.save()
    print(FORMATS[args.format](reg.problems))
    return 1 if reg.problems.errors else 0


def cmd_status(args) -> int:
    reg = load_registry(Path(args.registry), as_of=args.as_of)
    if reg.problems.errors:
        print(as_text(reg.problems))
        return 1
    as_of, within = args.as_of, args.within
    horizon = as_of + dt.timedelta(days=within)
    print(f"截至 {as_of}（往后 {within} 天，到 {horizon}）")

    print("\n即将到期的称号：")
    rows = []
    for pl in reg.platforms.values():
        for rec in pl.recognitions:
            prog = reg.programmes[rec.programme]
            st = lifecycle.status(rec, prog, as_of)
            w = lifecycle.window(rec, prog, as_of)
            if st in lifecycle.CURRENT and w.valid_until and w.valid_until <= horizon:
                rows.append((w.valid_until, pl.name, prog.name, pl.id))
    for until, name, prog, pid in sorted(rows):
        print(f"  {until}  剩 {(until - as_of).days:>3} 天  {name}（{prog}） [{pid}]")
    if not rows:
        print("  （无）")

    print("\n公示中或即将开始的公示：")
    rows = []
    for pub in reg.publicity.values():
        prog = reg.programmes[pub.programme]
        end = lifecycle.publicity_end(pub, prog, reg.calendar)
        st = lifecycle.publicity_status(pub.starts_on, end, as_of)
        if st == "open" or (st == "upcoming" and pub.starts_on <= horizon):
            rows.append((end, pub.title, lifecycle.PUBLICITY_LABELS[st], pub.starts_on, pub.id))
    for end, title, label, start, pid in sorted(rows):
        print(f"  {start} 至 {end}  {label}  {title} [{pid}]")
    if not rows:
        print("  （无）")

    print("\n即将截止的申报事项：")
    rows = []
    for n in reg.notices.values():
        for d in n.deadlines:
            if as_of <= d.on <= horizon:
                rows.append((d.on, d.what, n.title, n.id))
    for on, what, title, nid in sorted(rows):
        print(f"  {on}  剩 {(on - as_of).days:>3} 天  {what}（{title}） [{nid}]")
    if not rows:
        print("  （无）")
    return 0


def cmd_new(args) -> int:
    try:
        path = new_record(Path(args.registry), args.type, args.id, today_shanghai())
    except (ValueError, FileExistsError) as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 2
    print(f"已新建 {path}。填写后运行 make validate 检查。")
    return 0


def cmd_summary_table(args) -> int:
    from . import summary_table as st
    reg = load_registry(Path(args.registry), as_of=args.as_of)
    if reg.problems.errors:
        print(as_text(reg.problems))
        print("登记库有错误，未生成汇总表。", file=sys.stderr)
        return 1
    try:
        table = st.summary_table(reg, args.programme, args.year, publicity=args.publicity,
                                 platforms=args.platform or None, form_id=args.form)
    except st.SummaryTableError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 2
    out = Path(args.output) if args.output else Path(f"{table.form.title}.xlsx")
    if out.is_dir():
        out = out / f"{table.form.title}.xlsx"
    if out.suffix.lower() != ".xlsx":
        print(f"错误：输出文件“{out}”要以 .xlsx 结尾。", file=sys.stderr)
        return 2
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(st.to_xlsx(table, args.as_of))
    print(st.report(table, str(out)))
    return 0


def cmd_review(args) -> int:
    """The working tree's registry (committed or not, untracked files included) against BASE.
    Exit 0: nothing to fix; 1: validation errors or a deleted published record; 2: Git cannot give BASE."""
    from . import review as rv
    from .gitrev import GitError, registry_at
    try:
        with registry_at(args.base, args.registry) as base:
            old = load_registry(base.root, as_of=args.as_of)
            new = load_registry(Path(args.registry), as_of=args.as_of)
            result = rv.diff_registries(old, new, args.as_of)
    except GitError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 2
    result.base_label = f"{args.base}（{base.commit[:12]}）"
    result.registry_label = f"{args.registry}（工作区，含未提交的改动）"
    print(rv.RENDERERS[args.format](result))
    return result.exit_code


def cmd_codeowners(args) -> int:
    import difflib

    from . import codeowners as co
    reg = load_registry(Path(args.registry), check_rules=False)
    if reg.problems.errors:
        print(as_text(reg.problems))
        print("登记库有错误，未生成 CODEOWNERS。请先运行 make validate 并修正。", file=sys.stderr)
        return 1
    out = Path(args.output)
    try:
        owners = co.read_owners(Path(args.owners), reg)
        text = co.render(reg, owners, out.parent, flavour=args.flavour, owners_file=Path(args.owners).name)
    except co.OwnersError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 2
    current = out.read_text("utf-8") if out.is_file() else None
    if args.check:
        if current == text:
            print(f"{out} 与登记库和 {args.owners} 一致。")
            return 0
        why = "不存在" if current is None else "已过期（与登记库或审核人对照表不一致）"
        print(f"错误：{out} {why}。请运行 make codeowners 重新生成并提交。", file=sys.stderr)
        diff = difflib.unified_diff((current or "").splitlines(), text.splitlines(),
                                    f"{out}（已提交）", f"{out}（应为）", lineterm="")
        print("\n".join(diff))
        return 1
    if current == text:
        print(f"{out} 已是最新，未改动。")
        return 0
    out.write_text(text, "utf-8")
    rules = sum(1 for ln in text.splitlines() if ln and not ln.startswith("#"))
    print(f"已写入 {out}（{rules} 条规则）。请检查后提交。")
    return 0


def _year(text: str) -> int:
    if not (text.isdigit() and len(text) == 4):
        raise argparse.ArgumentTypeError(f"年度“{text}”不对，要写四位数字，例如 2024")
    return int(text)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="sme-registry", description="中小企业公共服务示范平台登记库：检查、状态与新建记录")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("validate", help="检查登记库：列出全部问题（文件:行: 字段: 说明）")
    p.add_argument("registry", nargs="?", default="registry")
    p.add_argument("--as-of", type=_date, default=None, help="按哪一天计算状态（默认上海时间今天）")
    p.add_argument("--format", choices=sorted(FORMATS), default="text")
    p.add_argument("--cache", default=None, metavar="FILE",
                   help="解析结果缓存文件：再次检查时只重新解析改动过的文件（make validate 使用 .cache/）")
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("status", help="列出即将到期的称号、公示中的名单和即将截止的事项")
    p.add_argument("registry", nargs="?", default="registry")
    p.add_argument("--as-of", type=_date, default=None)
    p.add_argument("--within", type=int, default=90, help="往后看多少天（默认 90）")
    p.set_defaults(func=cmd_status)

    p = sub.add_parser("new", help="新建一条记录（自动取不重复的编号，带 schema 注释）")
    p.add_argument("type", choices=sorted(FOLDER))
    p.add_argument("--registry", default="registry")
    p.add_argument("--id", default=None, help="编号（文件名）；不填则自动生成")
    p.set_defaults(func=cmd_new)

    p = sub.add_parser("summary-table", help="按平台记录或公示名单填写认定项目的汇总表（Excel）")
    p.add_argument("registry", nargs="?", default="registry")
    p.add_argument("--programme", required=True, help="认定项目编号，例如 henan-province")
    p.add_argument("--year", type=_year, default=None, help="年度：列出该年认定的平台；表名中的年度也按它填写")
    p.add_argument("--publicity", default=None, help="公示名单编号：改为列出该名单上的平台")
    p.add_argument("--platform", action="append", default=[], help="平台编号（可重复）：只列出这些平台")
    p.add_argument("--form", default=None, help="表单编号（认定项目有多个汇总表时）")
    p.add_argument("--output", default=None, help="输出的 .xlsx 文件（默认：表名.xlsx，在当前目录）")
    p.add_argument("--as-of", type=_date, default=None, help="写入文件属性的日期（默认上海时间今天）")
    p.set_defaults(func=cmd_summary_table)

    p = sub.add_parser("review", help="用中文说明工作区的登记库相对某个版本改了什么（供审核合并请求）")
    p.add_argument("registry", nargs="?", default="registry")
    p.add_argument("--base", required=True, help="对比的版本：分支名或提交号，例如 origin/main")
    p.add_argument("--as-of", type=_date, default=None, help="两边都按哪一天计算状态（默认上海时间今天）")
    p.add_argument("--format", choices=["text", "markdown"], default="text",
                   help="text：终端阅读；markdown：贴到合并请求的评论")
    p.set_defaults(func=cmd_review)

    p = sub.add_parser("codeowners", help="按认定项目生成 CODEOWNERS：各认定机关审核自己项目的记录")
    p.add_argument("registry", nargs="?", default="registry")
    p.add_argument("--owners", default="codeowners.yaml", help="审核人对照表（默认 codeowners.yaml）")
    p.add_argument("--output", default="CODEOWNERS", help="写入的文件，放在仓库根目录（默认 CODEOWNERS）")
    p.add_argument("--check", action="store_true", help="只检查：文件过期或不存在时退出码为 1（CI 使用）")
    p.add_argument("--flavour", choices=["github", "gitea"], default="github",
                   help="github：GitHub 和 GitLab 的写法（默认）；gitea：Gitea 的写法（正则表达式）")
    p.set_defaults(func=cmd_codeowners)
    return parser


def main(argv=None) -> int:
    args = build_parser().parse_args(argv)
    if getattr(args, "as_of", "unset") is None:
        args.as_of = today_shanghai()
    return args.func(args)
