"""What a change does to the registry, in words, for the person reviewing a merge request.

    review = diff_registries(old, new, as_of)     # two loaded registries, one date for both
    print(as_text(review))                        # or as_markdown(review) for a merge-request comment
    sys.exit(review.exit_code)

`diff_registries` compares records by type and id: added, changed (field by field, in
Chinese: 「名称：A → B」), removed.  Statuses and validity windows come from `lifecycle`
computed at the same `as_of` for both sides, so 「有效 → 已撤销」 means this change revoked
the title, not that time passed.  Removing a published record is a problem (ids are
permanent URLs: retire a record, never delete it; a renamed file is a deletion too), and
so are validation errors in the new state, whether or not the base already had them (a
registry with errors publishes nothing): both make `exit_code` 1.  The report says how many
of the errors the base already had.  Pure: no Git, no files; `gitrev.py` gets the base and
the CLI (`review`) compares it with the working tree — HEAD plus uncommitted and untracked
files, what staff see before committing.  Both sides are checked with the project's current
schemas (registry/schema of the working tree).
"""
from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field

from . import lifecycle
from .criteria import METRIC_LABELS, describe as describe_criterion, format_value
from .problems import Problem
from .records import (CATEGORY_LABELS, EVENT_LABELS, FUNCTION_LABELS, LEVEL_LABELS, NOTICE_KIND_LABELS,
                      RESULT_LABELS, Recognition)
from .regions import lookup as region_lookup
from .workdays import UnknownYear

KINDS = ("platform", "notice", "publicity", "form", "programme", "calendar")   # the order of the report
KIND_LABELS = {"platform": "平台", "notice": "通知", "publicity": "公示名单", "form": "表单",
               "programme": "认定项目", "calendar": "节假日安排"}
FOLDERS = {"platform": "platforms", "notice": "notices", "publicity": "publicity", "form": "forms",
           "programme": "programmes", "calendar": "calendar"}
ACTION_LABELS = {"added": "新增", "changed": "修改", "removed": "删除"}
DELETED = "编号一经发布不得删除：请改为撤销/停止发布，而不是删除文件"
RETIRE_HINT = {
    "platform": "平台不再持有称号时，在该认定的 events 中加 revoked（撤销称号）或 withdrawn（主动退出）事件",
    "form": "表单不再提供时写 published: false 和 unpublished_reason",
    "notice": "已发布的通知保留原文件；内容有误请修改文件，并在 note 中说明",
    "publicity": "已发布的公示名单保留原文件；内容有误请修改文件",
    "programme": "不再开展的认定项目保留原文件，平台的认定历史还要引用它",
}


def cn_date(day: dt.date | None) -> str:
    return f"{day.year}年{day.month}月{day.day}日" if day else "（未填）"


@dataclass
class RecordChange:
    kind: str          # platform | notice | publicity | form | programme | calendar
    id: str
    action: str        # added | changed | removed
    title: str
    lines: list[str] = field(default_factory=list)      # what the record says or what changed, in words
    statuses: list[str] = field(default_factory=list)   # statuses and windows that change as a result


@dataclass
class Review:
    as_of: dt.date
    changes: list[RecordChange] = field(default_factory=list)
    # platforms whose own file did not change but whose statuses did (e.g. a programme's validity changed)
    side_effects: list[RecordChange] = field(default_factory=list)
    attention: list[str] = field(default_factory=list)      # problems besides validation errors: deleted ids
    errors: list[Problem] = field(default_factory=list)     # the new state's errors, as `validate` prints them
    errors_at_base: int = 0                                 # how many of those already existed at the base
    new_warnings: list[Problem] = field(default_factory=list)   # warnings the base did not have
    base_label: str = ""       # filled by the caller: e.g. origin/main（3f2a9c1d0e4b）
    registry_label: str = ""   # e.g. registry（工作区，含未提交的改动）

    @property
    def exit_code(self) -> int:
        return 1 if self.errors or self.attention else 0

    def of(self, kind: str, action: str | None = None) -> list[RecordChange]:
        return [c for c in self.changes if c.kind == kind and (action is None or c.action == action)]


# -- values in words ---------------------------------------------------------------------------------
def _empty(value) -> bool:
    return value is None or value == "" or value == [] or value == {}


def _value(label: str, old, new, fmt=str) -> list[str]:
    if old == new:
        return []
    if _empty(old):
        return [f"{label}：新增 {fmt(new)}"]
    if _empty(new):
        return [f"{label}：删除（原为 {fmt(old)}）"]
    return [f"{label}：{fmt(old)} → {fmt(new)}"]


def _text(label: str, old, new) -> list[str]:
    """Long text (Markdown bodies, summaries): say that it changed, not how."""
    if old == new:
        return []
    if _empty(old):
        return [f"{label}：新增"]
    if _empty(new):
        return [f"{label}：删除"]
    return [f"{label}：已修改"]


def _items(label: str, old: list, new: list, fmt=str) -> list[str]:
    added = [x for x in new if x not in old]
    removed = [x for x in old if x not in new]
    out = []
    if added:
        out.append(f"{label}：新增 {'、'.join(fmt(x) for x in added)}")
    if removed:
        out.append(f"{label}：删除 {'、'.join(fmt(x) for x in removed)}")
    if not out and old != new:
        out.append(f"{label}：顺序调整")
    return out


def _yes_no(value) -> str:
    return "是" if value else "否"


def _region(code) -> str:
    r = region_lookup(code) if code else None
    return f"{r.full_name}（{code}）" if r else str(code)


def _contact(value: dict) -> str:
    names = {"phone": "电话", "email": "邮箱", "address": "地址", "name": "联系人"}
    return "，".join(f"{names.get(k, k)} {v}" for k, v in value.items())


def _named(table: dict, attr: str):
    """Format an id with the record's name: 许昌市中小企业融资服务平台（xc-finance-hub）."""
    def fmt(rid):
        rec = table.get(rid) if rid else None
        return f"{getattr(rec, attr)}（{rid}）" if rec else str(rid)
    return fmt


def _deadline(d) -> str:
    when = f"{cn_date(d.starts)}至{cn_date(d.on)}" if d.starts else cn_date(d.on)
    return f"{when} {d.what}"


def _validity(v) -> str:
    if v is None:
        return "（未填）"
    starts = {"announcement_date": "自公告之日起", "next_year": "自公告次年1月1日起"}.get(v.starts, v.starts)
    if v.ends == "none" or v.years is None:
        return f"{starts}长期有效（撤销为止）"
    ends = {"year_end": "至第{n}年12月31日", "anniversary": "满{n}年为止"}.get(v.ends, v.ends)
    return f"{v.years}年，{starts}{ends.format(n=v.years)}"


def _star(n) -> str:
    return f"{n}星" if n else "无星级"


def _event(ev) -> str:
    parts = [cn_date(ev.on), EVENT_LABELS.get(ev.type, ev.type)]
    if ev.result:
        parts.append(RESULT_LABELS.get(ev.result, ev.result))
    if ev.star:
        parts.append(_star(ev.star))
    text = " ".join(parts)
    extra = [x for x in (ev.reason, f"通知 {ev.notice}" if ev.notice else "",
                         "不撤销称号" if ev.revokes is False else "") if x]
    return text + (f"（{'，'.join(extra)}）" if extra else "")


def _window(w: lifecycle.Window) -> str:
    return f"{cn_date(w.valid_from)}至{cn_date(w.valid_until)}" if w.valid_until else f"{cn_date(w.valid_from)}起，长期有效"


# -- platforms: recognitions and their statuses -------------------------------------------------------
def _rec_key(rec: Recognition):
    return (rec.programme, rec.on)


def _rec_label(rec: Recognition, programmes: dict) -> str:
    prog = programmes.get(rec.programme)
    return f"{prog.name if prog else rec.programme} {rec.on.year}年认定"


def _recognitions(old_pl, new_pl, old_progs, new_progs) -> list[str]:
    olds = {_rec_key(r): r for r in old_pl.recognitions}
    news = {_rec_key(r): r for r in new_pl.recognitions}
    out = []
    for key, rec in news.items():
        if key not in olds:
            extra = [f"{cn_date(rec.on)}公告"] + ([_star(rec.star)] if rec.star else []) \
                + ([f"通知 {rec.notice}"] if rec.notice else [])
            out.append(f"认定：新增 {_rec_label(rec, new_progs)}（{'，'.join(extra)}）")
            out += [f"{_rec_label(rec, new_progs)}：事件 {_event(ev)}" for ev in rec.events]
    for key, rec in olds.items():
        if key not in news:
            out.append(f"认定：删除 {_rec_label(rec, old_progs)}")
    for key, new in news.items():
        old = olds.get(key)
        if old is None:
            continue
        label = _rec_label(new, new_progs)
        out += [f"{label}：{x}" for x in _value("公告通知", old.notice, new.notice)]
        out += [f"{label}：{x}" for x in _value("星级", old.star, new.star, _star)]
        old_ev = [_event(e) for e in old.events]
        new_ev = [_event(e) for e in new.events]
        out += [f"{label}：新增事件 {e}" for e in new_ev if e not in old_ev]
        out += [f"{label}：删除事件 {e}" for e in old_ev if e not in new_ev]
    return out


def _standing(pl, programmes: dict, as_of: dt.date) -> dict:
    """(programme, announced) -> (label, status code, window, current star) for each recognition."""
    out = {}
    for rec in pl.recognitions:
        prog = programmes.get(rec.programme)
        if prog is None or prog.validity is None:
            continue
        out[_rec_key(rec)] = (_rec_label(rec, programmes), lifecycle.status(rec, prog, as_of),
                              lifecycle.window(rec, prog, as_of), lifecycle.current_star(rec, as_of))
    return out


def _statuses(old_pl, new_pl, old_progs, new_progs, as_of) -> list[str]:
    old = _standing(old_pl, old_progs, as_of) if old_pl else {}
    new = _standing(new_pl, new_progs, as_of) if new_pl else {}
    labels = lifecycle.STATUS_LABELS
    out = []
    for key, (label, st, w, star) in new.items():
        if key not in old:
            out.append(f"{label}：{labels[st]}，有效期 {_window(w)}" + (f"，{_star(star)}" if star else ""))
            continue
        _, ost, ow, ostar = old[key]
        if ost != st:
            out.append(f"{label}：{labels[ost]} → {labels[st]}")
        if ow.valid_from != w.valid_from:
            out.append(f"{label}：有效期 {_window(ow)} → {_window(w)}")
        elif ow.valid_until != w.valid_until:
            until = lambda x: cn_date(x.valid_until) if x.valid_until else "长期"   # noqa: E731
            out.append(f"{label}：有效期至 {until(ow)} → {until(w)}")
        if ostar != star:
            out.append(f"{label}：星级 {_star(ostar)} → {_star(star)}")
    for key, (label, st, _w, _s) in old.items():
        if key not in new:
            out.append(f"{label}：认定记录已删除（原为 {labels[st]}）")
    return out


def _platform(old, new, o_reg, n_reg, as_of) -> list[str]:
    oo, no = old.operator, new.operator
    out = (_value("名称", old.name, new.name) + _value("运营单位", oo.name, no.name)
           + _value("统一社会信用代码", oo.credit_code, no.credit_code)
           + _value("旧版信用代码", oo.credit_code_legacy, no.credit_code_legacy, _yes_no)
           + _value("运营单位注册日期", oo.registered_on, no.registered_on, cn_date)
           + _value("地区", old.region, new.region, _region)
           + _value("类别", old.category, new.category, lambda c: CATEGORY_LABELS.get(c, c))
           + _items("服务功能", old.functions, new.functions, lambda f: FUNCTION_LABELS.get(f, f))
           + _value("网站", old.website, new.website) + _text("简介", old.summary, new.summary))
    for year in sorted(set(old.metrics) | set(new.metrics)):
        om, nm = old.metrics.get(year, {}), new.metrics.get(year, {})
        for m in sorted(set(om) | set(nm), key=lambda k: list(METRIC_LABELS).index(k) if k in METRIC_LABELS else 99):
            fmt = lambda v, m=m: format_value(m, v)   # noqa: E731
            out += _value(f"{year}年{METRIC_LABELS.get(m, (m,))[0]}", om.get(m), nm.get(m), fmt)
    return out + _recognitions(old, new, o_reg.programmes, n_reg.programmes)


def _platform_new(pl, reg, as_of) -> list[str]:
    out = [f"运营单位：{pl.operator.name}", f"地区：{_region(pl.region)}"]
    if pl.category:
        out.append(f"类别：{CATEGORY_LABELS.get(pl.category, pl.category)}")
    if pl.functions:
        out.append(f"服务功能：{'、'.join(FUNCTION_LABELS.get(f, f) for f in pl.functions)}")
    empty = type(pl)(pl.id, pl.src, operator=pl.operator)
    out += _recognitions(empty, pl, reg.programmes, reg.programmes)
    if not pl.recognitions:
        out.append("认定：暂无（公示名单上的候选平台）")
    return out


# -- notices, publicity lists, forms, programmes, calendar years ---------------------------------------
def _notice(old, new, o_reg, n_reg) -> list[str]:
    kind = lambda k: NOTICE_KIND_LABELS.get(k, k)   # noqa: E731
    return (_value("标题", old.title, new.title) + _value("类型", old.kind_code, new.kind_code, kind)
            + _value("发文机关", old.issuer, new.issuer) + _value("文号", old.doc_number, new.doc_number)
            + _value("成文日期", old.issued_on, new.issued_on, cn_date)
            + _value("发布日期", old.published_on, new.published_on, cn_date)
            + _value("索引号", old.index_number, new.index_number) + _value("主题分类", old.topic, new.topic)
            + _items("认定项目", old.programmes, new.programmes, _named(n_reg.programmes, "name"))
            + _items("截止事项", [_deadline(d) for d in old.deadlines], [_deadline(d) for d in new.deadlines])
            + _items("附件", old.attachments, new.attachments, _named(n_reg.forms, "title"))
            + _value("联系方式", old.contact, new.contact, _contact)
            + _text("依据", old.basis, new.basis) + _text("说明", old.note, new.note) + _text("正文", old.body, new.body))


def _notice_new(n, reg) -> list[str]:
    out = [f"类型：{NOTICE_KIND_LABELS.get(n.kind_code, n.kind_code)}", f"发文机关：{n.issuer}"]
    out.append(f"文号：{n.doc_number}" if n.doc_number else "文号：无")
    out.append(f"成文日期：{cn_date(n.issued_on)}")
    if n.programmes:
        out.append(f"认定项目：{'、'.join(_named(reg.programmes, 'name')(p) for p in n.programmes)}")
    out += [f"截止：{_deadline(d)}" for d in n.deadlines] or ["截止：无"]
    if n.attachments:
        out.append(f"附件：{'、'.join(_named(reg.forms, 'title')(a) for a in n.attachments)}")
    return out


def _period(pub, reg, as_of):
    """(start, end, working days, status label) of the objection period, or None if it cannot be computed."""
    prog = reg.programmes.get(pub.programme)
    try:
        end = lifecycle.publicity_end(pub, prog, reg.calendar)
    except UnknownYear:
        end = None
    if end is None:
        return None
    days = lifecycle.publicity_days(pub, prog)
    return (pub.starts_on, end, days, lifecycle.PUBLICITY_LABELS[lifecycle.publicity_status(pub.starts_on, end, as_of)])


def _period_text(p) -> str:
    if p is None:
        return "无法计算（见检查结果）"
    start, end, days, _ = p
    return f"{cn_date(start)}至{cn_date(end)}" + (f"，共 {days} 个工作日" if days else "")


def _publicity(old, new, o_reg, n_reg, as_of) -> list[str]:
    out = (_value("标题", old.title, new.title)
           + _value("认定项目", old.programme, new.programme, _named(n_reg.programmes, "name"))
           + _value("公示通知", old.notice, new.notice, _named(n_reg.notices, "title")))
    op, np_ = _period(old, o_reg, as_of), _period(new, n_reg, as_of)
    if op != np_:
        if _period_text(op) != _period_text(np_):
            out.append(f"公示期：{_period_text(op)} → {_period_text(np_)}")
        if op and np_ and op[3] != np_[3]:
            out.append(f"公示状态：{op[3]} → {np_[3]}")
    elif (old.ends_on, old.working_days) != (new.ends_on, new.working_days):
        out += _value("公示结束日（填写）", old.ends_on, new.ends_on, cn_date)
        out += _value("公示工作日数（填写）", old.working_days, new.working_days)
    names = _named({**o_reg.platforms, **n_reg.platforms}, "name")
    return (out + _value("异议受理", old.objections, new.objections, _contact)
            + _items("名单", old.entries, new.entries, names)
            + _value("结果通知", old.outcome, new.outcome, _named(n_reg.notices, "title")))


def _publicity_new(pub, reg, as_of) -> list[str]:
    p = _period(pub, reg, as_of)
    out = [f"认定项目：{_named(reg.programmes, 'name')(pub.programme)}",
           f"公示期：{_period_text(p)}" + (f"（{p[3]}）" if p else "")]
    names = _named(reg.platforms, "name")
    out.append(f"名单：{len(pub.entries)} 个平台：{'、'.join(names(e) for e in pub.entries)}")
    if pub.outcome:
        out.append(f"结果通知：{_named(reg.notices, 'title')(pub.outcome)}")
    return out


def _form(old, new, o_reg, n_reg) -> list[str]:
    pub = lambda v: "发布" if v else "停止发布"   # noqa: E731
    return (_value("标题", old.title, new.title)
            + _value("认定项目", old.programme, new.programme, _named(n_reg.programmes, "name"))
            + _value("格式", old.format, new.format, str.upper) + _value("发布状态", old.published, new.published, pub)
            + _text("未发布原因", old.unpublished_reason, new.unpublished_reason)
            + _value("原件名称", old.source_name, new.source_name)
            + _text("封面", old.cover, new.cover) + _text("表格内容", old.blocks, new.blocks)
            + _items("注", old.notes, new.notes))


def _form_new(f, reg) -> list[str]:
    out = [f"格式：{f.format.upper()}"]
    if f.programme:
        out.append(f"认定项目：{_named(reg.programmes, 'name')(f.programme)}")
    if not f.published:
        out.append(f"不发布下载：{f.unpublished_reason}")
    return out


def _programme(old, new, o_reg, n_reg) -> list[str]:
    level = lambda v: LEVEL_LABELS.get(v, v)   # noqa: E731
    rating = lambda v: {"none": "无", "stars": "星级（1–5星）"}.get(v, v)   # noqa: E731
    names = _named(n_reg.programmes, "name")
    return (_value("名称", old.name, new.name) + _value("认定机关", old.authority, new.authority)
            + _value("级别", old.level, new.level, level) + _value("地区", old.region, new.region, _region)
            + _value("管理办法", old.measures, new.measures, _named(n_reg.notices, "title"))
            + _value("有效期", old.validity, new.validity, _validity)
            + _value("公示工作日数", old.publicity_working_days, new.publicity_working_days)
            + _value("评级", old.rating, new.rating, rating) + _items("前置称号", old.requires, new.requires, names)
            + _items("名称禁用词", old.name_must_not_contain, new.name_must_not_contain)
            + _items("认定条件", [describe_criterion(c) for c in old.criteria],
                     [describe_criterion(c) for c in new.criteria])
            + _text("依据", old.basis, new.basis) + _text("简介", old.summary, new.summary))


def _programme_new(p, reg) -> list[str]:
    out = [f"认定机关：{p.authority}", f"级别：{LEVEL_LABELS.get(p.level, p.level)}"]
    if p.region:
        out.append(f"地区：{_region(p.region)}")
    return out + [f"有效期：{_validity(p.validity)}"]


def _calendar(old, new, o_reg, n_reg) -> list[str]:
    return (_items("放假日", old.holidays, new.holidays, cn_date) + _items("调休上班日", old.workdays, new.workdays, cn_date)
            + _value("依据", old.source_text, new.source_text))


def _title(kind: str, rec) -> str:
    if kind == "calendar":
        return f"{rec.id}年节假日安排"
    return getattr(rec, "name", None) or getattr(rec, "title", "") or rec.id


def _changed_lines(kind, old, new, o_reg, n_reg, as_of) -> list[str]:
    if kind == "platform":
        return _platform(old, new, o_reg, n_reg, as_of)
    if kind == "publicity":
        return _publicity(old, new, o_reg, n_reg, as_of)
    return {"notice": _notice, "form": _form, "programme": _programme, "calendar": _calendar}[kind](old, new, o_reg, n_reg)


def _new_lines(kind, rec, reg, as_of) -> list[str]:
    if kind == "platform":
        return _platform_new(rec, reg, as_of)
    if kind == "publicity":
        return _publicity_new(rec, reg, as_of)
    return {"notice": _notice_new, "form": _form_new, "programme": _programme_new,
            "calendar": lambda r, _reg: [f"放假日 {len(r.holidays)} 天，调休上班日 {len(r.workdays)} 天"]}[kind](rec, reg)


# -- the comparison ----------------------------------------------------------------------------------
def _problem_key(p: Problem, anchor: str):
    """A problem's identity across the two trees: its path relative to the registry's layers' common
    folder (the extracted base mirrors the repository), field and message; lines move with edits."""
    path = os.path.relpath(os.path.abspath(p.path), anchor)
    return (path, p.field, p.message, p.severity)


def _anchor(reg) -> str:
    folders = [str(x) for x in (reg.layers or [reg.root.resolve()])]
    common = os.path.commonpath(folders)
    return os.path.dirname(common) if len(folders) == 1 else common


def diff_registries(old, new, as_of: dt.date) -> "Review":
    """What changes from registry `old` (the base) to `new`, statuses computed at `as_of` on both sides."""
    review = Review(as_of)
    for kind in KINDS:
        folder = FOLDERS[kind]
        o_table, n_table = old.table(folder), new.table(folder)
        o_ids, n_ids = old.present.get(folder, set()), new.present.get(folder, set())
        removed, added = [], []
        for rid in sorted(o_ids | n_ids):
            o, n = o_table.get(rid), n_table.get(rid)
            if rid not in n_ids:
                ch = RecordChange(kind, rid, "removed", _title(kind, o) if o else rid)
                if kind == "platform" and o:
                    ch.statuses = _statuses(o, None, old.programmes, new.programmes, as_of)
                removed.append(ch)
            elif rid not in o_ids:
                ch = RecordChange(kind, rid, "added", _title(kind, n) if n else rid)
                if n is None:
                    ch.lines = ["记录有错误，无法读出内容（见检查结果）"]
                else:
                    ch.lines = _new_lines(kind, n, new, as_of)
                added.append(ch)
            elif n is None:
                review.changes.append(RecordChange(kind, rid, "changed", _title(kind, o) if o else rid,
                                                   ["记录有错误，无法逐项比较（见检查结果）"]))
            elif o is None:
                review.changes.append(RecordChange(kind, rid, "changed", _title(kind, n),
                                                   ["基准版本中此记录有错误；现在的内容："] + _new_lines(kind, n, new, as_of)))
            else:
                statuses = _statuses(o, n, old.programmes, new.programmes, as_of) if kind == "platform" else []
                if o.src.data == n.src.data:
                    if statuses:
                        review.side_effects.append(RecordChange(kind, rid, "changed", _title(kind, n), [], statuses))
                    continue
                lines = _changed_lines(kind, o, n, old, new, as_of) or ["内容有改动（不影响上列各项）"]
                review.changes.append(RecordChange(kind, rid, "changed", _title(kind, n), lines, statuses))
        for ch in added:
            n = n_table.get(ch.id)
            if kind == "platform" and n:
                ch.statuses = _statuses(None, n, old.programmes, new.programmes, as_of)
            review.changes.append(ch)
        for ch in removed:
            review.changes.append(ch)
            if kind == "calendar":
                continue
            o = o_table.get(ch.id)
            renamed = [a.id for a in added if o is not None and (
                (n_table.get(a.id) is not None and n_table[a.id].src.data == o.src.data) or a.title == ch.title)]
            hint = f"（看起来是把编号 {ch.id} 改成了 {renamed[0]}：编号就是网址，改名也不行）" if renamed else ""
            review.attention.append(f"{KIND_LABELS[kind]}“{ch.title}”（{ch.id}）被删除{hint}。{DELETED}。"
                                    + (f"{RETIRE_HINT[kind]}。" if kind in RETIRE_HINT else ""))
    review.changes.sort(key=lambda c: (KINDS.index(c.kind), list(ACTION_LABELS).index(c.action), c.id))
    # validation: the new state's errors fail the review; say which the base already had
    o_anchor, n_anchor = _anchor(old), _anchor(new)
    base_keys = {_problem_key(p, o_anchor) for p in old.problems.sorted()}
    review.errors = new.problems.errors
    review.errors_at_base = sum(1 for p in review.errors if _problem_key(p, n_anchor) in base_keys)
    review.new_warnings = [p for p in new.problems.warnings if _problem_key(p, n_anchor) not in base_keys]
    return review


# -- rendering ---------------------------------------------------------------------------------------
def _counts(review: Review, kind: str) -> str:
    parts = [f"{ACTION_LABELS[a]} {len(review.of(kind, a))} 条" for a in ACTION_LABELS if review.of(kind, a)]
    return "，".join(parts)


def _header(review: Review) -> list[str]:
    where = review.registry_label or "登记库"
    base = f"对比基准版本 {review.base_label}" if review.base_label else "对比基准版本"
    return [f"{where}{base}的改动", f"状态和有效期两边都按 {cn_date(review.as_of)} 计算。"]


def _verdict(review: Review) -> str:
    reasons = []
    if review.errors:
        reasons.append(f"有 {len(review.errors)} 个检查错误")
    if review.attention:
        reasons.append(f"删除了 {len(review.attention)} 条已发布的记录")
    if reasons:
        return f"结论：不能合并（{'；'.join(reasons)}）。请先处理上面的问题。"
    return "结论：检查通过，可以合并。"


def _error_lines(review: Review) -> list[str]:
    out = [p.format() for p in review.errors]
    if review.errors:
        out.append(f"发现 {len(review.errors)} 个错误。错误修正之前不会发布。")
        if review.errors_at_base:
            out.append(f"其中 {review.errors_at_base} 个在基准版本中已经存在（不是这次改动引起的，但同样要修正）。")
    else:
        out.append("检查通过：改动后的登记库没有错误。")
    if review.new_warnings:
        out.append(f"这次改动新出现 {len(review.new_warnings)} 个警告（不妨碍发布，请核对）：")
        out += [p.format() for p in review.new_warnings]
    return out


def as_text(review: Review) -> str:
    out = _header(review)
    if review.attention:
        out += ["", "需要注意："] + [f"  ！{a}" for a in review.attention]
    if not review.changes and not review.side_effects:
        out += ["", "登记库没有实质改动（记录内容与基准版本相同）。"]
    for kind in KINDS:
        changes = review.of(kind)
        if not changes:
            continue
        out += ["", f"{KIND_LABELS[kind]}：{_counts(review, kind)}"]
        for ch in changes:
            out.append(f"  {ACTION_LABELS[ch.action]}：{ch.title} [{ch.id}]")
            out += [f"    - {x}" for x in ch.lines]
            out += [f"    - 状态：{x}" for x in ch.statuses]
    if review.side_effects:
        out += ["", "状态随之变化的平台（平台记录本身未改）："]
        for ch in review.side_effects:
            out.append(f"  {ch.title} [{ch.id}]")
            out += [f"    - 状态：{x}" for x in ch.statuses]
    out += ["", "检查结果："] + [f"  {x}" for x in _error_lines(review)]
    out += ["", _verdict(review)]
    return "\n".join(out)


_MD_SPECIAL = str.maketrans({c: "\\" + c for c in "\\`*_[]<>#|~"})


def _md(text: str) -> str:
    return text.translate(_MD_SPECIAL)


def as_markdown(review: Review) -> str:
    """For a merge-request comment: headings, lists, the errors in a code block."""
    head = _header(review)
    out = ["## 登记库变更摘要", "", _md(head[0]) + "。" + _md(head[1])]
    if review.attention:
        out += ["", "### ⚠️ 需要注意", ""] + [f"- {_md(a)}" for a in review.attention]
    if not review.changes and not review.side_effects:
        out += ["", "登记库没有实质改动（记录内容与基准版本相同）。"]
    for kind in KINDS:
        changes = review.of(kind)
        if not changes:
            continue
        out += ["", f"### {KIND_LABELS[kind]}（{_counts(review, kind)}）", ""]
        for ch in changes:
            out.append(f"- **{ACTION_LABELS[ch.action]}** {_md(ch.title)}（`{ch.id}`）")
            out += [f"  - {_md(x)}" for x in ch.lines]
            out += [f"  - 状态：{_md(x)}" for x in ch.statuses]
    if review.side_effects:
        out += ["", "### 状态随之变化的平台（平台记录本身未改）", ""]
        for ch in review.side_effects:
            out.append(f"- {_md(ch.title)}（`{ch.id}`）")
            out += [f"  - 状态：{_md(x)}" for x in ch.statuses]
    out += ["", "### 检查结果", "", "```text"] + _error_lines(review) + ["```"]
    out += ["", f"**{_verdict(review)}**"]
    return "\n".join(out)


RENDERERS = {"text": as_text, "markdown": as_markdown}
