"""Generate a valid synthetic registry of N platforms, reproducibly (same seed, same files).

    python bench/synth.py --platforms 10000 --seed 1 --out /tmp/reg10k

    from bench.synth import generate           # or: sys.path.insert(0, "bench"); import synth
    stats = generate("/tmp/reg1k", platforms=1000, seed=1)

The registry is self-contained (no `extends`): one national programme, one programme per
province for the 31 provinces, and city programmes for up to three real prefecture-level
cities per province (codes from the GB/T 2260 table the validator uses; municipalities have
no city programme).  Around them: result notices (one per programme and year), calls with
deadlines, assessment and revocation notices, publicity lists (about one per 20 platforms,
2019–2026, ends_on computed with the working-day calendar), and platforms in real county-level
regions with 1–3 recognitions, events, metrics and valid credit codes.

Variety that exercises the rules: province 140000 requires a city title (as Shanxi does) and
counts validity from the announcement to the anniversary; province 320000 rates in stars with
no fixed term (as Jiangsu does) and has re-evaluations; city and province programmes carry
criteria (including per-function and any_of ones) and about 2 % of reported figures fall
short, which the validator reports as warnings.  The output validates with 0 errors.

Files are written with plain string templates (no yaml.dump), so 10,000 platforms take
a few seconds.
"""
from __future__ import annotations

import argparse
import datetime as dt
import random
import shutil
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT / "plugins") not in sys.path:
    sys.path.insert(0, str(ROOT / "plugins"))

from stdnum.cn import uscc  # noqa: E402

from sme_registry import regions  # noqa: E402
from sme_registry.schemas import SCHEMA_DIR  # noqa: E402
from sme_registry.workdays import WorkdayCalendar  # noqa: E402

MARKER = "# synthetic registry written by bench/synth.py"
PROVINCES = ("110000 120000 130000 140000 150000 210000 220000 230000 310000 320000 330000 340000 350000 "
             "360000 370000 410000 420000 430000 440000 450000 460000 500000 510000 520000 530000 540000 "
             "610000 620000 630000 640000 650000").split()
# rough weights: more platforms where there are more SMEs
WEIGHTS = {"440000": 9, "320000": 9, "330000": 8, "370000": 7, "410000": 6, "510000": 5, "420000": 5,
           "430000": 5, "350000": 5, "340000": 5, "130000": 4, "310000": 4, "110000": 4, "500000": 3,
           "210000": 3, "360000": 3, "610000": 3, "450000": 3, "140000": 3, "120000": 2, "530000": 2,
           "520000": 2, "220000": 2, "230000": 2, "150000": 2, "620000": 1, "650000": 1, "460000": 1,
           "640000": 1, "630000": 1, "540000": 1}
REQUIRES_CITY = "140000"   # like Shanxi: a city title first; validity from announcement to anniversary
STARS = "320000"           # like Jiangsu: star ratings, no fixed term
CITIES_PER_PROVINCE = 3
YEARS = range(2018, 2027)          # result notices (December of each year)
PUBLICITY_YEARS = range(2019, 2027)
LAST_YEAR = 2026

FUNCTIONS = ("information", "technology", "entrepreneurship", "training", "financing")
INDUSTRIES = ("装备制造", "电子信息", "新材料", "食品加工", "纺织服装", "生物医药", "现代农业", "汽车零部件",
              "建材", "精细化工", "文化创意", "现代物流", "家居制造", "节能环保", "软件信息", "五金机电")
KINDS = {"information": "信息", "technology": "技术", "entrepreneurship": "创业", "training": "培训",
         "financing": "融资"}
SPECIAL = ("检验检测", "工业设计", "数字化转型", "知识产权", "科技成果转化", "质量标准")
CODE_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
EXCLUDED_NAMES = {"市辖区", "县", "市", "省直辖县级行政区划", "自治区直辖县级行政区划"}

CITY_CRITERIA = """criteria:
  - {metric: years_registered, min: 1, clause: "第七条（一）"}
  - {metric: total_assets, min: 50, clause: "第七条（二）"}
  - {metric: service_staff, min: 8, clause: "第七条（三）"}
  - {metric: qualified_staff_share, min: 0.8, clause: "第七条（三）"}
  - {metric: partner_institutions, min: 5, clause: "第七条（四）"}
  - {metric: discounted_service_share, min: 0.2, clause: "第七条（五）"}
  - {metric: enterprises_served, min: 50, clause: "第七条（六）"}
  - {metric: satisfaction, min: 0.8, clause: "第七条（六）"}
  - {when_category: comprehensive, metric: functions_count, min: 2, clause: "第八条"}
  - {when_function: training, metric: training_person_times, min: 600, clause: "第八条（四）"}
  - when_function: financing
    clause: "第八条（五）"
    any_of:
      - all_of:
          - {metric: financing_activities, min: 5}
          - {metric: financing_arranged, min: 10000}
      - {metric: new_guarantees, min: 5000}
"""
PROVINCE_CRITERIA = """criteria:
  - {metric: years_registered, min: 2, clause: "汇总表注3"}
  - {metric: total_assets, min: 200, clause: "汇总表注3"}
  - {metric: service_staff, min: 15, clause: "汇总表注3"}
  - {metric: partner_institutions, min: 5, clause: "汇总表注3"}
  - {metric: discounted_service_share, min: 0.2, clause: "汇总表注3"}
  - {metric: enterprises_served, min: 80, clause: "汇总表注3"}
"""


# -- regions ---------------------------------------------------------------------------------
def _current(code: str, level: str):
    r = regions.lookup(code)
    if (r is None or r.level != level or r.abolished_in or r.name in EXCLUDED_NAMES or "直辖" in r.name
            or "示范" in r.name):
        return None
    return r


def region_table(cities_per_province: int = CITIES_PER_PROVINCE):
    """{province code: (province Region, [(city Region or None, [county Region...]), ...])}.

    Cities are the first current prefecture-level units in code order (the capital first);
    a municipality has no city programme, its counties hang under None."""
    table = {}
    for p in PROVINCES:
        prov = regions.lookup(p)
        cities = []
        for i in range(1, 100):
            code = f"{p[:2]}{i:02d}00"
            city = _current(code, "city")
            raw = regions.lookup(code)
            if raw is None or raw.abolished_in:
                continue
            counties = [c for j in range(1, 100) if (c := _current(f"{code[:4]}{j:02d}", "county"))]
            if not counties:
                continue
            if city is None and raw.name == "市辖区":   # municipality districts
                cities.append((None, counties))
            elif city is not None:
                cities.append((city, counties))
            if sum(1 for c, _ in cities if c is not None) >= cities_per_province:
                break
        table[p] = (prov, cities)
    return table


# -- helpers ---------------------------------------------------------------------------------
def credit_code(county: str, n: int) -> str:
    org, k = "", n
    for _ in range(7):
        org = CODE_ALPHABET[k % 31] + org
        k //= 31
    body = f"91{county}MA{org}"
    return body + uscc.calc_check_digit(body)


def _d(day: dt.date) -> str:
    return day.isoformat()


def _num(x) -> str:
    return f"{x:g}" if isinstance(x, float) else str(x)


def _flow(d: dict) -> str:
    return "{" + ", ".join(f"{k}: {_num(v)}" for k, v in d.items()) + "}"


class Synth:
    def __init__(self, platforms: int, seed: int):
        self.n = platforms
        self.seed = seed
        self.rng = random.Random(seed)
        self.cal = WorkdayCalendar()
        self.table = region_table()
        self.programmes: dict[str, dict] = {}
        self.notices: dict[str, str] = {}            # id -> file text
        self.notice_dates: dict[tuple, dt.date] = {}  # (programme, kind, year) -> issued_on
        self.groups: dict[tuple, list[str]] = {}      # (programme, year) -> platform ids recognised
        self.files: list[tuple[str, str]] = []        # (relative path, text)
        self._programmes()

    # -- programmes ----------------------------------------------------------------------
    def _programmes(self):
        self.programmes["national"] = {"level": "national", "name": "国家中小企业公共服务示范平台（合成）",
                                       "authority": "工业和信息化部", "region": None}
        for p, (prov, cities) in self.table.items():
            pid = f"prov-{p}"
            self.programmes[pid] = {"level": "province", "region": p, "province": p,
                                    "name": f"{prov.name}中小企业公共服务示范平台（合成）",
                                    "authority": f"{prov.name}工业和信息化厅",
                                    "cities": [f"city-{c.code}" for c, _ in cities if c is not None]}
            for city, counties in cities:
                if city is None:
                    continue
                self.programmes[f"city-{city.code}"] = {
                    "level": "city", "region": city.code, "province": p, "counties": counties,
                    "name": f"{city.name}中小企业公共服务示范平台（合成）",
                    "authority": f"{city.name}工业和信息化局"}
        for pid, prog in self.programmes.items():
            self.files.append((f"programmes/{pid}.yaml", self._programme_text(pid, prog)))

    def _programme_text(self, pid, prog) -> str:
        lines = [f"# yaml-language-server: $schema={SCHEMA_DIR}/programme.schema.json",
                 f"name: {prog['name']}", f"authority: {prog['authority']}", f"level: {prog['level']}"]
        if prog["region"]:
            lines.append(f'region: "{prog["region"]}"')
        if prog.get("province") == STARS and prog["level"] == "province":
            lines += ["validity: {years: null, starts: announcement_date, ends: none}", "rating: stars"]
        elif prog.get("province") == REQUIRES_CITY and prog["level"] == "province":
            lines += ["validity: {years: 3, starts: announcement_date, ends: anniversary}",
                      "publicity_working_days: 5", "rating: none", f"requires: [{', '.join(prog['cities'])}]"]
        else:
            lines += ["validity: {years: 3, starts: next_year, ends: year_end}", "publicity_working_days: 5",
                      "rating: none"]
        if prog["level"] in ("province", "national"):
            lines.append("name_must_not_contain: [示范]")
        text = "\n".join(lines) + "\n"
        if prog["level"] == "city":
            text += CITY_CRITERIA
        elif prog["level"] == "province" and prog["region"] != STARS:
            text += PROVINCE_CRITERIA
        return text + "summary: 基准测试用的合成认定项目，非真实信息。\n"

    def validity_end(self, pid: str, on: dt.date) -> dt.date | None:
        prog = self.programmes[pid]
        if prog.get("province") == STARS and prog["level"] == "province":
            return None
        if prog.get("province") == REQUIRES_CITY and prog["level"] == "province":
            try:
                return on.replace(year=on.year + 3) - dt.timedelta(days=1)
            except ValueError:
                return on.replace(year=on.year + 3, day=28) - dt.timedelta(days=1)
        return dt.date(on.year + 3, 12, 31)

    # -- notices -------------------------------------------------------------------------
    def notice(self, pid: str, kind: str, year: int) -> tuple[str, dt.date]:
        """The id and date of the programme's notice of `kind` for `year` (created on first use)."""
        key = (pid, kind, year)
        nid = f"{pid}-{year}-{kind.replace('_', '-')}"
        if key in self.notice_dates:
            return nid, self.notice_dates[key]
        rng, prog = self.rng, self.programmes[pid]
        if kind == "result":
            day = dt.date(year, 12, rng.randint(8, 25))
            title = f"关于公布{year}年度{prog['name']}名单的通知"
        elif kind == "re_evaluation":
            day = dt.date(year, 6, rng.randint(10, 28))
            title = f"关于{prog['name']}复评结果的通知"
        elif kind == "assessment":
            day = dt.date(year, 3, rng.randint(10, 28))
            title = f"关于{year - 1}年度{prog['name']}考核结果的通报"
        else:  # revocation
            day = dt.date(year, 6, rng.randint(10, 25))
            title = f"关于撤销部分{prog['name']}称号的通知"
        self.notice_dates[key] = day
        kind_code = {"result": "result", "assessment": "other", "revocation": "revocation",
                     "re_evaluation": "re_evaluation"}[kind]
        self.notices[nid] = (f"# yaml-language-server: $schema={SCHEMA_DIR}/notice.schema.json\n"
                             f"title: {title}（合成）\nkind: {kind_code}\nissuer: {prog['authority']}\n"
                             f"issued_on: {_d(day)}\nprogrammes: [{pid}]\n"
                             f"body: |\n  （合成数据，非真实文件）{title}。\n")
        if kind == "result":   # every result has its call, issued in September
            call_day = dt.date(year, 9, rng.randint(1, 20))
            cid = f"{pid}-{year}-call"
            self.notices[cid] = (
                f"# yaml-language-server: $schema={SCHEMA_DIR}/notice.schema.json\n"
                f"title: 关于开展{year}年度{prog['name']}申报工作的通知（合成）\nkind: call\n"
                f"issuer: {prog['authority']}\nissued_on: {_d(call_day)}\nprogrammes: [{pid}]\n"
                f"deadlines:\n"
                f"  - {{on: {_d(call_day + dt.timedelta(days=14))}, what: 报送拟推荐名单}}\n"
                f"  - {{on: {_d(call_day + dt.timedelta(days=24))}, what: 报送推荐文件及申报材料}}\n"
                f"contact: {{phone: \"0000-{rng.randint(1000000, 9999999)}\", email: office@example.gov.cn}}\n"
                f"body: |\n  （合成数据，非真实文件）请各地按要求组织申报。\n")
        return nid, day

    # -- platforms -----------------------------------------------------------------------
    def platforms(self):
        rng = self.rng
        provinces = list(self.table)
        weights = [WEIGHTS[p] for p in provinces]
        for i in range(1, self.n + 1):
            p = rng.choices(provinces, weights)[0]
            prov, cities = self.table[p]
            city, counties = rng.choice(cities)
            county = rng.choice(counties)
            pid = f"p{i:06d}"
            self.files.append((f"platforms/{pid}.yaml", self._platform(pid, i, p, city, county)))

    def _recognitions(self, pid, p, city):
        """[(programme id, year, star)] in date order, 1–3 of them."""
        rng = self.rng
        prov_id = f"prov-{p}"
        recs = []
        if city is not None and rng.random() < 0.7:
            y1 = rng.choice(YEARS[:-1])
            recs.append([f"city-{city.code}", y1, None])
            if rng.random() < 0.35 and y1 + 1 <= LAST_YEAR:
                y2 = rng.randint(y1 + 1, min(y1 + 3, LAST_YEAR))   # city title active all of y2
                recs.append([prov_id, y2, rng.randint(1, 5) if p == STARS else None])
                if rng.random() < 0.2 and y2 + 1 <= LAST_YEAR:
                    recs.append(["national", rng.randint(y2 + 1, LAST_YEAR), None])
            elif rng.random() < 0.15 and y1 + 3 <= LAST_YEAR:
                recs.append([f"city-{city.code}", y1 + 3, None])   # re-applied in the expiry year
        elif p == REQUIRES_CITY:
            # no city title: the province cannot recognise it; a national title instead (or a city one)
            recs.append(["national", rng.choice(YEARS), None] if city is None or rng.random() < 0.3
                        else [f"city-{city.code}", rng.choice(YEARS), None])
        else:
            y = rng.choice(YEARS)
            recs.append([prov_id, y, rng.randint(1, 5) if p == STARS else None])
            if rng.random() < 0.15 and y + 1 <= LAST_YEAR:
                recs.append(["national", rng.randint(y + 1, LAST_YEAR), None])
        return recs

    def _events(self, prog_id, on: dt.date, star, keep_until: dt.date | None):
        """Events in date order; none that ends the title on or before `keep_until`."""
        rng, out = self.rng, []
        end = self.validity_end(prog_id, on)
        stars = star is not None
        last = min(end.year if end else LAST_YEAR, LAST_YEAR)
        for year in range(on.year + 1, last + 1):
            r = rng.random()
            if stars:
                if r < 0.25:
                    nid, day = self.notice(prog_id, "re_evaluation", year)
                    if day <= on:
                        continue
                    can_end = keep_until is None or day > keep_until
                    if can_end and rng.random() < 0.05:
                        out.append(f"      - {{on: {_d(day)}, type: re_evaluation, result: fail, "
                                   f"reason: 复评不合格, notice: {nid}}}")
                        return out
                    star = max(1, min(5, star + rng.choice((-1, 0, 0, 1))))
                    out.append(f"      - {{on: {_d(day)}, type: re_evaluation, result: pass, star: {star}, "
                               f"notice: {nid}}}")
                continue
            if r < 0.35:
                nid, day = self.notice(prog_id, "assessment", year)
                if day <= on or (end and day > end):
                    continue
                can_end = keep_until is None or day > keep_until
                if can_end and rng.random() < 0.03:
                    out.append(f"      - {{on: {_d(day)}, type: assessment, result: fail, "
                               f"reason: 年度考核不合格, notice: {nid}}}")
                    return out
                out.append(f"      - {{on: {_d(day)}, type: assessment, result: pass, notice: {nid}}}")
            elif r < 0.36 and self.programmes[prog_id]["level"] != "city":
                nid, day = self.notice(prog_id, "revocation", year)
                if day <= on or (end and day > end) or (keep_until and day <= keep_until):
                    continue
                out.append(f"      - {{on: {_d(day)}, type: revoked, reason: 年度服务企业数量不足, notice: {nid}}}")
                return out
            elif r < 0.365:
                day = dt.date(year, 7, 1 + rng.randrange(28))
                if day <= on or (end and day > end) or (keep_until and day <= keep_until):
                    continue
                out.append(f"      - {{on: {_d(day)}, type: withdrawn, reason: 运营单位申请退出}}")
                return out
        return out

    def _metrics(self, year: int, functions, category, short: bool) -> str:
        rng = self.rng
        m = {"total_assets": rng.randint(300, 5000), "service_staff": rng.randint(15, 60),
             "qualified_staff_share": round(rng.uniform(0.8, 0.98), 2),
             "partner_institutions": rng.randint(5, 30),
             "discounted_service_share": round(rng.uniform(0.2, 0.6), 2),
             "enterprises_served": rng.randint(80, 600), "satisfaction": round(rng.uniform(0.85, 0.99), 2)}
        for f in functions:
            if f == "information":
                m["information_offline_enterprises"] = rng.randint(60, 300)
                m["information_activities"] = rng.randint(5, 30)
            elif f == "technology":
                m["technology_activities"] = rng.randint(5, 30)
            elif f == "entrepreneurship":
                m["entrepreneurship_activities"] = rng.randint(5, 30)
            elif f == "training":
                m["training_person_times"] = rng.randint(600, 5000)
            else:
                m["financing_activities"] = rng.randint(5, 30)
                m["financing_arranged"] = rng.randint(10000, 80000)
        if short:  # one figure below every threshold: a criteria warning, as in real data
            m[rng.choice(("enterprises_served", "service_staff", "total_assets"))] = rng.randint(1, 7)
        return f"  {year}: {_flow(m)}"

    def _platform(self, pid, i, p, city, county) -> str:
        rng = self.rng
        recs = self._recognitions(pid, p, city)
        # dates from the result notices; a province title that requires the city one keeps it alive
        dated = []
        for prog_id, year, star in recs:
            nid, day = self.notice(prog_id, "result", year)
            dated.append((prog_id, day, nid, star))
        dated.sort(key=lambda r: r[1])
        keep_until = None
        if p == REQUIRES_CITY:
            prov_days = [d for g, d, _, _ in dated if g == f"prov-{p}"]
            keep_until = max(prov_days) if prov_days else None
        first_year = dated[0][1].year
        category = "comprehensive" if rng.random() < 0.35 else "specialized"
        k = rng.randint(2, 4) if category == "comprehensive" else rng.randint(1, 2)
        functions = rng.sample(FUNCTIONS, k)
        industry = rng.choice(INDUSTRIES)
        if category == "comprehensive":
            name = f"{county.name}中小企业综合服务平台"
        elif rng.random() < 0.3:
            name = f"{county.name}{industry}{rng.choice(SPECIAL)}服务平台"
        else:
            name = f"{county.name}{industry}{KINDS[functions[0]]}服务平台"
        historical = rng.random() < 0.1   # name + operator + region only
        out = [f"# yaml-language-server: $schema={SCHEMA_DIR}/platform.schema.json",
               f"name: {name}", "operator:", f"  name: {county.name}合成{industry}服务有限公司{i}号"]
        if not historical:
            reg_on = dt.date(rng.randint(1998, first_year - 3), rng.randint(1, 12), rng.randint(1, 28))
            out += [f'  credit_code: "{credit_code(county.code, i)}"', f"  registered_on: {_d(reg_on)}"]
        out.append(f'region: "{county.code}"')
        if not historical:
            out += [f"category: {category}", f"functions: [{', '.join(functions)}]",
                    f"website: https://p{i}.example.cn", "summary: |",
                    f"  （合成数据）面向{county.name}{industry}中小企业提供{'、'.join(KINDS[f] for f in functions)}服务。"]
            if rng.random() < 0.6:
                years = sorted({d.year - 1 for _, d, _, _ in dated})
                out.append("metrics:")
                out += [self._metrics(y, functions, category, rng.random() < 0.02) for y in years]
        out.append("recognitions:")
        for prog_id, day, nid, star in dated:
            self.groups.setdefault((prog_id, day.year), []).append(pid)
            out += [f"  - programme: {prog_id}", f"    notice: {nid}", f"    on: {_d(day)}"]
            if star:
                out.append(f"    star: {star}")
            hold = keep_until if prog_id.startswith("city-") else None
            events = [] if historical else self._events(prog_id, day, star, hold)
            if events:
                out.append("    events:")
                out += events
        return "\n".join(out) + "\n"

    # -- publicity -----------------------------------------------------------------------
    def publicity(self):
        rng = self.rng
        # the star-rating programme has no publicity period; every other programme has 5 working days
        groups = sorted(g for g in self.groups if g[1] in PUBLICITY_YEARS and g[0] != f"prov-{STARS}")
        count = min(len(groups), max(1, self.n // 20))
        for prog_id, year in sorted(rng.sample(groups, count)):
            nid, result_day = self.notice(prog_id, "result", year)
            start = result_day - dt.timedelta(days=20)
            while not self.cal.is_workday(start):
                start += dt.timedelta(days=1)
            days = 7 if rng.random() < 0.1 else None
            end = self.cal.last_working_day(start, days or 5)
            prog = self.programmes[prog_id]
            entries = self.groups[(prog_id, year)]
            with_outcome = rng.random() < 0.9 and end < result_day
            lines = [f"# yaml-language-server: $schema={SCHEMA_DIR}/publicity.schema.json",
                     f"title: {year}年度{prog['name']}拟认定名单公示",
                     f"programme: {prog_id}", f"starts_on: {_d(start)}"]
            if days:
                lines.append(f"working_days: {days}")
            lines += [f"ends_on: {_d(end)}",
                      f'objections: {{phone: "0000-{rng.randint(1000000, 9999999)}", '
                      f"email: gongshi@example.gov.cn, address: {prog['authority']}（合成地址）}}",
                      f"entries: [{', '.join(entries)}]"]
            if with_outcome:
                lines.append(f"outcome: {nid}")
            self.files.append((f"publicity/{prog_id}-{year}.yaml", "\n".join(lines) + "\n"))

    def write(self, out: Path):
        for sub in ("programmes", "notices", "publicity", "platforms"):
            (out / sub).mkdir(parents=True, exist_ok=True)
        (out / "registry.yaml").write_text(
            f"{MARKER} (platforms={self.n}, seed={self.seed})\n"
            f"# yaml-language-server: $schema={SCHEMA_DIR}/registry.schema.json\n"
            "title: 合成登记库（基准测试用，非真实数据）\ndemo: true\n", "utf-8")
        for rel, text in self.files:
            (out / rel).write_text(text, "utf-8")
        for nid, text in self.notices.items():
            (out / "notices" / f"{nid}.yaml").write_text(text, "utf-8")


def generate(out_dir, platforms: int = 1000, seed: int = 1) -> dict:
    """Write a synthetic registry of `platforms` platforms to `out_dir`; return counts.

    `out_dir` must be empty, missing, or a registry this function wrote before (it is replaced)."""
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise FileExistsError(f"{out} is a file, not a folder")
    if out.exists() and any(out.iterdir()):
        manifest = out / "registry.yaml"
        if not (manifest.exists() and manifest.read_text("utf-8").startswith(MARKER)):
            raise FileExistsError(f"{out} is not empty and was not written by bench/synth.py; refusing to replace it")
        shutil.rmtree(out)
    s = Synth(platforms, seed)
    s.platforms()
    s.publicity()
    s.write(out)
    kinds = {}
    for rel, _ in s.files:
        kinds[rel.split("/")[0]] = kinds.get(rel.split("/")[0], 0) + 1
    kinds["notices"] = len(s.notices)
    kinds["files"] = sum(kinds.values()) + 1
    return kinds


def registry_in(work: Path, platforms: int, seed: int = 1) -> Path:
    """work/reg-<platforms>, generated unless an identical one is there (the benchmarks' `--keep`)."""
    registry = Path(work) / f"reg-{platforms}"
    manifest = registry / "registry.yaml"
    if not (manifest.exists() and manifest.read_text("utf-8").startswith(f"{MARKER} (platforms={platforms}, seed={seed})")):
        generate(registry, platforms, seed=seed)
    return registry


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--platforms", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", required=True)
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    stats = generate(args.out, args.platforms, args.seed)
    print(f"wrote {args.out}: " + ", ".join(f"{k} {v}" for k, v in stats.items())
          + f" in {time.perf_counter() - t0:.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
