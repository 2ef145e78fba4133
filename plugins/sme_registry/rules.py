"""Semantic rules: what a schema cannot say.  Each rule cites where it comes from.

Sources: RECORDS.md (the record contract), the seeds in ../shared/seeds/:
  许工信〔2020〕154号 (Xuchang measures), 并工信字〔2023〕26号 (Taiyuan/Shanxi call),
  the 2024 Henan recommendation call and its 汇总表 notes, 苏工信中小〔2019〕224号 (Jiangsu).
Errors stop publication; warnings are shown to staff and published anyway (an
authority's decision stands even where a reported figure falls short).
"""
from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

from stdnum.cn import ric, uscc

from . import criteria as crit
from . import lifecycle, regions
from .problems import WARNING, Problems, field_path
from .records import FOLDERS, LEVEL_LABELS
from .workdays import UnknownYear

SHANGHAI = ZoneInfo("Asia/Shanghai")

# 11 digits 1[3-9]…, not inside a longer number; "+8613812345678" and "86-13812345678" are mobiles too
MOBILE_RE = re.compile(r"(?:(?<=\+86)|(?<=86-)|(?<![\d-]))1[3-9]\d{9}(?!\d)")
ID_CARD_RE = re.compile(r"(?<![0-9A-Za-z])[1-9]\d{16}[\dXx](?![0-9A-Za-z])")
# what both need (11 and 17 digits in a row): a quicker first look at a record's text
DIGIT_RUN_RE = re.compile(r"\d{11}")
HTML_RE = re.compile(r"<\s*/?\s*[a-zA-Z][^>]*>|javascript:", re.I)
DOC_YEAR_RE = re.compile(r"〔(\d{4})〕")


def today_shanghai() -> dt.date:
    return dt.datetime.now(SHANGHAI).date()


# The rules in two groups of about equal cost (at 10,000 platforms), run side by side on two cores
# (a site build runs them all in one process beside its own work instead: build.py).
GROUPS_FROM = 2000      # records from which the rules are worth a second process


def worth_two_processes(reg) -> bool:
    from . import parallel
    return parallel.workers() >= 2 and len(reg.platforms) + len(reg.notices) >= GROUPS_FROM


def check_all(reg, as_of: dt.date | None = None, one_process: bool = False) -> None:
    """Every rule; the problems come out in the order of RULES whether the rules ran in one process or two."""
    as_of = as_of or today_shanghai()
    from . import parallel
    memo = reg.rule_memo
    if one_process or not worth_two_processes(reg) \
            or (memo is not None and memo.found_old):    # remembered: most records need no check again
        for rule in RULES:
            rule(reg, as_of, reg.problems)
        return

    def run(rules):
        found = {}
        for rule in rules:
            found[rule.__name__] = Problems()
            rule(reg, as_of, found[rule.__name__])
        # what a forked worker found in each record goes back to be remembered
        return {name: probs.items for name, probs in found.items()}, (memo.found_new if memo is not None else None)

    # group A walks every string of every record: it runs in this process (the last task does),
    # where touching the records copies no memory pages as it would in a forked worker; with it
    # the region rule, which keeps the two groups about even (0.25 and 0.28 s at 10,000 platforms)
    groups = [[r for r in RULES if r not in GROUP_A], [r for r in RULES if r in GROUP_A]]
    found = {}
    for part, kept in parallel.run_all([lambda g=g: run(g) for g in groups], jobs=2, collect=False):
        found.update(part)
        if kept is not None and kept is not memo.found_new:
            for key, rules in kept.items():
                memo.found_new.setdefault(key, {}).update(rules)
    for rule in RULES:
        reg.problems.items.extend(found[rule.__name__])


# Rules whose problems in a record follow from its file alone, or for a platform also from the
# files of the programmes it is recognised under (and from the code): what they found is
# remembered between runs by those files' digests (parsecache.py), so a rebuild after one change
# checks one record again.
def _each(reg, problems: Problems, rule: str, records, check) -> None:
    """check(record, problems) for each (kind, record) of `records`, or what it found last time."""
    memo = reg.rule_memo
    found_in = memo.found if memo is not None else None
    for kind, rec in records:
        key = _memo_key(reg, memo, kind, rec) if memo is not None else None
        if key is None:
            check(rec, problems)
            continue
        found = found_in(key)
        if found is not None and rule in found:
            problems.items.extend(found[rule])
            continue
        own = Problems()
        check(rec, own)
        memo.keep_found(key, rule, own.items)
        problems.items.extend(own.items)


def _memo_key(reg, memo, kind: str, rec) -> tuple | None:
    """The record's file as messages name it, the digest of its bytes and, for a platform, those
    of its programmes' files; None when a digest is unknown (then the rules check it)."""
    key = memo.record_keys.get((kind, rec.id), False)
    if key is False:
        own = reg.digests.get(f"{kind}:{rec.id}")
        deps = tuple(reg.digests.get(f"programme:{r.programme}") for r in rec.recognitions) if kind == "platform" else ()
        key = memo.record_keys[(kind, rec.id)] = None if own is None or None in deps else (rec.path, own, deps)
    return key


def _ref(problems: Problems, reg, record, path: tuple, folder: str, target: str | None, what: str) -> bool:
    """Report an unresolved reference; True when it resolves (or its file exists but is broken)."""
    if target is None:
        return False
    if target in reg.table(folder):
        return True
    if target in reg.present.get(folder, ()):
        return False  # the target has its own errors; do not report it twice
    problems.add(record.path, record.line(*path), field_path(path),
                 f"引用的{what}“{target}”不存在：{folder}/ 目录中没有 {target}.yaml。请检查编号拼写。",
                 rule="ref.unresolved")
    return False


def rule_references(reg, as_of, problems):
    """RECORDS.md: every reference must resolve."""
    for p in reg.programmes.values():
        _ref(problems, reg, p, ("measures",), "notices", p.measures, "管理办法通知")
        for i, r in enumerate(p.requires):
            _ref(problems, reg, p, ("requires", i), "programmes", r, "前置认定项目")
            if r == p.id:
                problems.add(p.path, p.line("requires", i), f"requires[{i}]", "认定项目不能以自身为前置条件。", rule="ref.self")
    for n in reg.notices.values():
        for i, r in enumerate(n.programmes):
            _ref(problems, reg, n, ("programmes", i), "programmes", r, "认定项目")
        for i, r in enumerate(n.attachments):
            _ref(problems, reg, n, ("attachments", i), "forms", r, "附件表单")
    for f in reg.forms.values():
        _ref(problems, reg, f, ("programme",), "programmes", f.programme, "认定项目")
    for pub in reg.publicity.values():
        _ref(problems, reg, pub, ("programme",), "programmes", pub.programme, "认定项目")
        _ref(problems, reg, pub, ("notice",), "notices", pub.notice, "通知")
        _ref(problems, reg, pub, ("outcome",), "notices", pub.outcome, "结果通知")
        for i, e in enumerate(pub.entries):
            _ref(problems, reg, pub, ("entries", i), "platforms", e, "平台")
    for pl in reg.platforms.values():
        for rec in pl.recognitions:
            base = ("recognitions", rec.index)
            _ref(problems, reg, pl, base + ("programme",), "programmes", rec.programme, "认定项目")
            _ref(problems, reg, pl, base + ("notice",), "notices", rec.notice, "通知")
            for j, ev in enumerate(rec.events):
                _ref(problems, reg, pl, base + ("events", j, "notice"), "notices", ev.notice, "通知")


def rule_notice_dates(reg, as_of, problems):
    """RECORDS.md notices: doc_number is prefix〔YYYY〕N号 with YYYY the issue year or the year
    before; deadlines are not before the issue date; a window's start is not after its end.
    CONTRACT-EXTENSIONS.md published_on (发布日期): not before issued_on (成文日期) — a document
    is made public after it is formed (《中华人民共和国政府信息公开条例》第二十六条: 自该政府信息形成
    或者变更之日起20个工作日内及时公开; 成文日期 is the signing date, 《党政机关公文处理工作条例》第九条（十二）)."""
    for n in reg.notices.values():
        if n.published_on and n.published_on < n.issued_on:
            problems.add(n.path, n.line("published_on"), "published_on",
                         f"发布日期 {n.published_on} 早于成文日期 {n.issued_on}：文件先成文，后公开发布。请核对这两个日期。",
                         rule="notice.published-before-issue")
        if n.doc_number:
            m = DOC_YEAR_RE.search(n.doc_number)
            if m and int(m.group(1)) not in (n.issued_on.year, n.issued_on.year - 1):
                problems.add(n.path, n.line("doc_number"), "doc_number",
                             f"发文字号的年份 {m.group(1)} 与成文日期 {n.issued_on} 不符（应为 {n.issued_on.year} 年或上一年）。",
                             rule="notice.doc-year")
        for i, d in enumerate(n.deadlines):
            if d.on < n.issued_on:
                problems.add(n.path, n.line("deadlines", i, "on"), f"deadlines[{i}].on",
                             f"截止日期 {d.on} 早于成文日期 {n.issued_on}。请核对日期。", rule="notice.deadline-before-issue")
            if d.starts and d.starts > d.on:
                problems.add(n.path, n.line("deadlines", i, "from"), f"deadlines[{i}].from",
                             f"开始日期 {d.starts} 晚于截止日期 {d.on}。", rule="notice.deadline-window")
        if n.body and HTML_RE.search(n.body):
            problems.add(n.path, n.line("body"), "body", "正文含有 HTML 标签或脚本链接，发布时会被清除。请改用 Markdown。",
                         severity=WARNING, rule="markdown.html")


def rule_programmes(reg, as_of, problems):
    """RECORDS.md programmes: region is a GB/T 2260 code of the programme's level; a validity
    with no fixed term says so both ways (years: null with ends: none); stars only rate 1–5.
    From the programme's file alone: remembered (_each), so a rebuild does not read python-stdnum's
    region table for it (0.05 s)."""
    def check(p, problems):
        v = p.validity
        if (v.years is None) != (v.ends == "none"):
            problems.add(p.path, p.line("validity"), "validity",
                         "有效期规则不一致：没有固定期限时写 years: null 且 ends: none；有固定年数时 ends 写 year_end 或 anniversary。",
                         rule="programme.validity")
        if p.level == "national":
            if p.region:
                problems.add(p.path, p.line("region"), "region", "国家级认定项目不填写 region。", rule="programme.region")
            return
        r = regions.lookup(p.region or "")
        if r is None:
            problems.add(p.path, p.line("region"), "region",
                         f"行政区划代码“{p.region}”不存在（GB/T 2260）。请核对。", rule="region.unknown")
        elif p.level in ("province", "city") and r.level != p.level:
            problems.add(p.path, p.line("region"), "region",
                         f"{LEVEL_LABELS[p.level]}认定项目的地区应是{LEVEL_LABELS[p.level][:-1]}级代码，“{p.region}”（{r.full_name}）不是。",
                         rule="programme.region-level")
    _each(reg, problems, "programmes", (("programme", p) for p in reg.programmes.values()), check)


def rule_regions(reg, as_of, problems):
    """RECORDS.md platforms: region is a county-level GB/T 2260 code that exists, and a
    recognised platform lies inside the awarding programme's region."""
    def check(pl, problems):
        r = regions.lookup(pl.region)
        if r is None:
            problems.add(pl.path, pl.line("region"), "region",
                         f"行政区划代码“{pl.region}”不存在（GB/T 2260）。请核对县（市、区）代码。", rule="region.unknown")
            return
        if r.abolished_in:
            problems.add(pl.path, pl.line("region"), "region",
                         f"行政区划代码“{pl.region}”（{r.name}）已于 {r.abolished_in} 年后撤销。如平台仍在运营，请改用现行代码。",
                         severity=WARNING, rule="region.abolished")
        if r.level != "county":
            problems.add(pl.path, pl.line("region"), "region",
                         f"平台所在地应填写县（市、区）级代码，“{pl.region}”是{ {'province': '省', 'city': '市'}[r.level] }级代码。",
                         severity=WARNING, rule="region.level")
        for rec in pl.recognitions:
            prog = reg.programmes.get(rec.programme)
            if prog and prog.region and not regions.contains(prog.region, pl.region):
                outer = regions.lookup(prog.region)
                problems.add(pl.path, pl.line("recognitions", rec.index, "programme"), f"recognitions[{rec.index}].programme",
                             f"平台所在地 {r.full_name} 不在“{prog.name}”的认定范围（{outer.full_name if outer else prog.region}）内。",
                             rule="region.outside-programme")
    _each(reg, problems, "regions", (("platform", pl) for pl in reg.platforms.values()), check)


def rule_credit_codes(reg, as_of, problems):
    """RECORDS.md: credit_code is an 18-character 统一社会信用代码 with a valid GB 32100 check
    character, except a code marked credit_code_legacy (then only a warning)."""
    def check(pl, problems):
        code = pl.operator.credit_code
        if not code or uscc.is_valid(code):
            return
        path = ("operator", "credit_code")
        try:
            expected = uscc.calc_check_digit(code[:17])
        except Exception:  # characters outside the code alphabet: the schema reported them
            return
        msg = f"统一社会信用代码“{code}”的校验位不对（按 GB 32100 第 18 位应为 {expected}）。请对照营业执照核对。"
        if pl.operator.credit_code_legacy:
            problems.add(pl.path, pl.line(*path), field_path(path), msg + "（已标注 credit_code_legacy，仅提示）",
                         severity=WARNING, rule="credit-code.legacy")
        else:
            problems.add(pl.path, pl.line(*path), field_path(path),
                         msg + "如确为早期发放的代码，可加 credit_code_legacy: true。", rule="credit-code.check")
    _each(reg, problems, "credit_codes", (("platform", pl) for pl in reg.platforms.values()), check)


def rule_recognitions(reg, as_of, problems):
    """RECORDS.md platforms: events are in date order and not before their recognition;
    `star` only where the programme rates in stars (苏工信中小〔2019〕224号: 一星 to 五星);
    one programme does not recognise a platform twice on the same day.  From the platform's file
    and its programmes' (their names and ratings): remembered (_each)."""
    def check(pl, problems):
        seen = {}
        for rec in pl.recognitions:
            base = ("recognitions", rec.index)
            key = (rec.programme, rec.on)
            if key in seen:
                problems.add(pl.path, pl.line(*base), field_path(base),
                             f"与第 {seen[key] + 1} 条认定重复（同一项目、同一日期）。", rule="recognition.duplicate")
            seen[key] = rec.index
            prog = reg.programmes.get(rec.programme)
            stars = prog is not None and prog.rating == "stars"
            if rec.star is not None and prog is not None and not stars:
                problems.add(pl.path, pl.line(*base, "star"), field_path(base + ("star",)),
                             f"“{prog.name}”不评星级，不能填写 star。", rule="recognition.star")
            if stars and rec.star is None:
                problems.add(pl.path, pl.line(*base), field_path(base),
                             f"“{prog.name}”是星级评定，请填写 star（1–5）。", severity=WARNING, rule="recognition.star-missing")
            previous = rec.on
            for j, ev in enumerate(rec.events):
                epath = base + ("events", j)
                if ev.on < rec.on:
                    problems.add(pl.path, pl.line(*epath, "on"), field_path(epath + ("on",)),
                                 f"事件日期 {ev.on} 早于认定公告日期 {rec.on}。", rule="event.before-recognition")
                elif ev.on < previous:
                    problems.add(pl.path, pl.line(*epath, "on"), field_path(epath + ("on",)),
                                 f"事件没有按日期先后排列：{ev.on} 早于上一条的 {previous}。请按时间顺序排列。", rule="event.order")
                previous = max(previous, ev.on)
                if ev.star is not None and not stars:
                    problems.add(pl.path, pl.line(*epath, "star"), field_path(epath + ("star",)),
                                 "该认定项目不评星级，事件不能填写 star。", rule="event.star")
                if ev.type in ("revoked", "renewed", "withdrawn") and ev.result:
                    problems.add(pl.path, pl.line(*epath, "result"), field_path(epath + ("result",)),
                                 f"“{ev.type}”事件不填写 result（只有考核和复评有结果）。", rule="event.result")
    _each(reg, problems, "recognitions", (("platform", pl) for pl in reg.platforms.values()), check)


def rule_forbidden_words(reg, as_of, problems):
    """汇总表注1 (2024 Henan call): 平台名称中不得含有“示范”字样 — applied to every programme's
    name_must_not_contain, for platforms it recognised or lists for publicity."""
    def check(pl, prog, path):
        for word in prog.name_must_not_contain:
            if word in pl.name:
                problems.add(pl.path, pl.line("name"), "name",
                             f"平台名称不得含有“{word}”字样（{prog.name}的要求），现名称为“{pl.name}”。",
                             rule="name.forbidden-word")
    for pl in reg.platforms.values():
        for rec in pl.recognitions:
            prog = reg.programmes.get(rec.programme)
            if prog:
                check(pl, prog, ("name",))
    for pub in reg.publicity.values():
        prog = reg.programmes.get(pub.programme)
        if prog:
            for e in pub.entries:
                if e in reg.platforms:
                    check(reg.platforms[e], prog, ("name",))


def _holds(reg, platform, programme_ids, day) -> bool:
    for rec in platform.recognitions:
        prog = reg.programmes.get(rec.programme)
        if rec.programme in programme_ids and prog and lifecycle.status(rec, prog, day) in lifecycle.CURRENT:
            return True
    return False


def rule_prerequisites(reg, as_of, problems):
    """并工信字〔2023〕26号 二、2: a candidate for the Shanxi provincial title must already hold a
    city title.  Generally: a programme's `requires` lists programmes of which the platform
    must hold an active title on the day of the recognition (or the first day of publicity)."""
    for pl in reg.platforms.values():
        for rec in pl.recognitions:
            prog = reg.programmes.get(rec.programme)
            if prog and prog.requires and not _holds(reg, pl, prog.requires, rec.on):
                names = "、".join(reg.programmes[r].name for r in prog.requires if r in reg.programmes)
                problems.add(pl.path, pl.line("recognitions", rec.index, "programme"),
                             f"recognitions[{rec.index}].programme",
                             f"认定为“{prog.name}”须先持有有效的{names}称号，但 {rec.on} 平台没有有效的该称号。",
                             rule="recognition.prerequisite")
    for pub in reg.publicity.values():
        prog = reg.programmes.get(pub.programme)
        if not (prog and prog.requires):
            continue
        names = "、".join(reg.programmes[r].name for r in prog.requires if r in reg.programmes)
        for i, e in enumerate(pub.entries):
            pl = reg.platforms.get(e)
            if pl and not _holds(reg, pl, prog.requires, pub.starts_on):
                problems.add(pub.path, pub.line("entries", i), f"entries[{i}]",
                             f"“{pl.name}”在公示开始日 {pub.starts_on} 没有有效的{names}称号，不能列入{prog.name}名单。",
                             rule="publicity.prerequisite")


def rule_publicity(reg, as_of, problems):
    """许工信〔2020〕154号 第十一条（四）: 拟认定名单公示5个工作日.  RECORDS.md publicity: the period
    counts China's working days; ends_on, when written, equals the computed last working day;
    a year neither chinesecalendar nor registry/calendar covers is an error."""
    for pub in reg.publicity.values():
        prog = reg.programmes.get(pub.programme)
        n = lifecycle.publicity_days(pub, prog)
        if n is None:
            problems.add(pub.path, pub.line("starts_on"), "working_days",
                         "公示期天数未知：请填写 working_days，或在认定项目中填写 publicity_working_days。", rule="publicity.days")
            continue
        try:
            end = reg.calendar.last_working_day(pub.starts_on, n)
        except UnknownYear as exc:
            problems.add(pub.path, pub.line("starts_on"), "starts_on",
                         f"{exc.year} 年的节假日安排未知（{_library_years_text()}，registry/calendar/ 中也没有 {exc.year}.yaml），"
                         f"无法推算公示截止日。请按国务院办公厅的通知添加 registry/calendar/{exc.year}.yaml。",
                         rule="calendar.unknown-year")
            continue
        if not reg.calendar.is_workday(pub.starts_on):
            problems.add(pub.path, pub.line("starts_on"), "starts_on",
                         f"公示开始日 {pub.starts_on} 不是工作日，公示期从下一个工作日算起。", severity=WARNING,
                         rule="publicity.start-not-workday")
        if pub.ends_on and pub.ends_on != end:
            problems.add(pub.path, pub.line("ends_on"), "ends_on",
                         f"公示截止日应为 {end}（从 {pub.starts_on} 起 {n} 个工作日，已扣除周末和法定节假日），不是 {pub.ends_on}。",
                         rule="publicity.ends-on")
        if pub.outcome and pub.outcome in reg.notices:
            out = reg.notices[pub.outcome]
            if out.issued_on <= end:
                problems.add(pub.path, pub.line("outcome"), "outcome",
                             f"结果通知的日期 {out.issued_on} 不在公示期结束（{end}）之后。", rule="publicity.outcome-date")
        for i, e in enumerate(pub.entries):
            pl = reg.platforms.get(e)
            if pl is None:
                continue
            if pub.outcome and not any(r.programme == pub.programme and r.notice == pub.outcome for r in pl.recognitions):
                problems.add(pub.path, pub.line("entries", i), f"entries[{i}]",
                             f"结果已公布（{pub.outcome}），但平台 {e} 没有对应的认定记录。如未获认定请忽略。",
                             severity=WARNING, rule="publicity.entry-not-recognised")


def _library_years_text() -> str:
    from .workdays import LIBRARY_YEARS
    return f"chinesecalendar 收录 {LIBRARY_YEARS.start}–{LIBRARY_YEARS.stop - 1} 年"


def rule_criteria(reg, as_of, problems):
    """Programme criteria (e.g. 汇总表注3; 许工信〔2020〕154号 第七条、第八条) against the platform's
    figures of the latest year before the recognition.  Warnings: the authority's decision
    is published even where a figure falls short, but staff see it."""
    def check(pl, problems):
        for rec in pl.recognitions:
            prog = reg.programmes.get(rec.programme)
            if not prog or not prog.criteria:
                continue
            year, outcomes = crit.check_platform(prog.criteria, pl, rec.on)
            if year is None:
                continue
            for i, out in enumerate(outcomes):
                if out.result not in (crit.FAIL, crit.NOT_REPORTED):
                    continue
                clause = out.criterion.get("clause", "")
                if out.result == crit.FAIL:
                    shown = f"，报送为 {crit.format_value(out.criterion['metric'], out.value)}" if out.value is not None else ""
                    msg = f"{year} 年指标不符合“{out.text}”（{prog.name}，{clause}）{shown}。"
                else:
                    msg = f"{year} 年未报送“{out.text}”所需指标（{prog.name}，{clause}），无法核对。"
                problems.add(pl.path, pl.line("metrics", str(year)), f"metrics.{year}", msg,
                             severity=WARNING, rule=f"criteria.{out.result}")
    _each(reg, problems, "criteria", (("platform", pl) for pl in reg.platforms.values() if pl.metrics), check)


def _strings(value, path=()):
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from _strings(v, path + (k,))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _strings(v, path + (i,))


def _texts(value, out: list) -> list:
    """Every string in a record's data (_strings without the paths: the common case needs none)."""
    kind = type(value)
    if kind is str:
        out.append(value)
    elif kind is dict:
        for v in value.values():
            _texts(v, out)
    elif kind is list:
        for v in value:
            _texts(v, out)
    return out


def rule_personal_data(reg, as_of, problems):
    """RECORDS.md: a record holds no personal data — no private mobile number, no ID-card number.
    Office telephones and official e-mail boxes are public."""
    def check(rec, problems):
        everything = "\n".join(_texts(rec.src.data, []))
        if not DIGIT_RUN_RE.search(everything) or not (MOBILE_RE.search(everything) or ID_CARD_RE.search(everything)):
            return  # one search per record; look field by field only on a hit
        for path, text in _strings(rec.src.data):
            if path == ("operator", "credit_code"):
                continue
            if MOBILE_RE.search(text):
                problems.add(rec.path, rec.line(*path), field_path(path),
                             "含有手机号码。记录中不得出现个人手机号码，请改用办公电话。", rule="privacy.mobile")
            for m in ID_CARD_RE.finditer(text):
                if ric.is_valid(m.group(0)):
                    problems.add(rec.path, rec.line(*path), field_path(path),
                                 "含有居民身份证号码。记录中不得出现个人身份证号码，请删除。", rule="privacy.id-card")
    _each(reg, problems, "personal_data", ((FOLDERS[folder][0], rec) for folder in PERSONAL_DATA_FOLDERS
                                          for rec in reg.table(folder).values()), check)


PERSONAL_DATA_FOLDERS = ("programmes", "notices", "forms", "publicity", "platforms")


def rule_forms(reg, as_of, problems):
    """INDEX.md / issue 2: an attachment a source names but does not include is listed as not
    published, never invented: such a form has no blocks and says why."""
    for f in reg.forms.values():
        if not f.published:
            if f.blocks:
                problems.add(f.path, f.line("blocks"), "blocks", "未公布的表单（published: false）不应有版块内容。",
                             rule="form.unpublished-blocks")
            if not f.unpublished_reason:
                problems.add(f.path, f.line("published"), "unpublished_reason",
                             "未公布的表单请填写 unpublished_reason，说明原因（例如原文未附该附件）。", rule="form.unpublished-reason")
        elif not f.blocks:
            problems.add(f.path, f.line("blocks"), "blocks",
                         "表单没有任何版块。若原文未附该表，请写 published: false 并说明原因。", rule="form.empty")


def rule_calendar(reg, as_of, problems):
    """RECORDS.md calendar/<year>.yaml: the State Council's arrangement for one year."""
    for y in reg.calendar_years.values():
        year = int(y.id)
        for field_name, days in (("holidays", y.holidays), ("workdays", y.workdays)):
            for i, d in enumerate(days):
                if d.year != year:
                    problems.add(y.path, y.line(field_name, i), f"{field_name}[{i}]",
                                 f"日期 {d} 不在 {year} 年内。", rule="calendar.year")
        for i, d in enumerate(y.workdays):
            if d in y.holidays:
                problems.add(y.path, y.line("workdays", i), f"workdays[{i}]",
                             f"{d} 同时列为放假和调休上班。", rule="calendar.both")
            elif d.weekday() < 5:
                problems.add(y.path, y.line("workdays", i), f"workdays[{i}]",
                             f"{d} 是周一至周五，本来就是工作日；workdays 只列调休上班的周末。",
                             severity=WARNING, rule="calendar.workday-weekday")


RULES = [rule_references, rule_notice_dates, rule_programmes, rule_regions, rule_credit_codes,
         rule_recognitions, rule_forbidden_words, rule_prerequisites, rule_publicity, rule_criteria,
         rule_personal_data, rule_forms, rule_calendar]
GROUP_A = {rule_personal_data, rule_credit_codes, rule_forbidden_words, rule_references, rule_notice_dates, rule_regions,
           rule_forms, rule_calendar}
