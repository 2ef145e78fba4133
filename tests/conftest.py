"""Shared fixtures for the registry-core tests.

`small_registry` builds a small, valid registry in a temporary folder: real-looking
Chinese records, valid GB/T 2260 codes and valid 统一社会信用代码.  Tests change one
record at a time (`write` a whole YAML text, or `replace` one piece of it) and look for
the problem the validator must report, by rule, file, line and message.

Test modules import the helpers below as `sme_testkit` (see the end of this file): other
test folders have their own conftest.py, so the bare module name `conftest` is ambiguous.
"""
from __future__ import annotations

import datetime as dt
import sys
import textwrap
from pathlib import Path

import pytest
from stdnum.cn import uscc

from sme_registry.registry import load_registry

AS_OF = dt.date(2024, 11, 20)
REPO = Path(__file__).resolve().parents[1]


def credit_code(first17: str) -> str:
    """A valid 统一社会信用代码: the 17 given characters plus the GB 32100 check character."""
    return first17 + uscc.calc_check_digit(first17)


def wrong_check(code: str) -> str:
    """The same code with a check character that is not the right one."""
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    for ch in alphabet:
        if ch != code[-1]:
            return code[:-1] + ch
    raise AssertionError  # pragma: no cover


XC_CODE = credit_code("91411000MA44ABCD1")   # 许昌 operator
JS_CODE = credit_code("91320102MA1XYW123")   # 南京 operator
FIN_CODE = credit_code("91411002MA45QWER7")  # 许昌 candidate


def dedent(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


def line_of(text: str, needle: str) -> int:
    """1-based line of the only line of `text` containing `needle`."""
    hits = [i for i, ln in enumerate(text.splitlines(), 1) if needle in ln]
    assert len(hits) == 1, f"{needle!r} found on lines {hits}"
    return hits[0]


BASE = {
    "programmes/xuchang-city.yaml": f"""\
        # yaml-language-server: $schema=../schema/programme.schema.json
        name: 许昌市中小企业公共服务示范平台
        authority: 许昌市工业和信息化局
        level: city
        region: "411000"
        validity:
          years: 3
          starts: next_year
          ends: year_end
        publicity_working_days: 5   # 第十一条（四）：公示5个工作日
        rating: none
        requires: []
        name_must_not_contain: [示范]
        criteria:
          - {{metric: years_registered, min: 1, clause: "第七条（一）"}}
          - {{metric: total_assets, min: 50, clause: "第七条（二）"}}
          - {{metric: service_staff, min: 8, clause: "第七条（三）"}}
          - {{metric: enterprises_served, min: 50, clause: "第七条（六）"}}
          - {{when_function: training, metric: training_person_times, min: 600, clause: "第八条（四）"}}
        """,
    "programmes/henan-province.yaml": """\
        # yaml-language-server: $schema=../schema/programme.schema.json
        name: 河南省中小企业公共服务示范平台
        authority: 河南省工业和信息化厅
        level: province
        region: "410000"
        validity:
          years: 3
          starts: next_year
          ends: year_end
        rating: none
        requires: [xuchang-city]
        name_must_not_contain: [示范]
        """,
    "programmes/jiangsu-star.yaml": """\
        # yaml-language-server: $schema=../schema/programme.schema.json
        name: 江苏省中小企业公共服务星级平台
        authority: 江苏省工业和信息化厅
        level: province
        region: "320000"
        validity:
          years: null
          starts: announcement_date
          ends: none
        rating: stars
        """,
    "programmes/national.yaml": """\
        # yaml-language-server: $schema=../schema/programme.schema.json
        name: 国家中小企业公共服务示范平台
        authority: 工业和信息化部
        level: national
        validity:
          years: 3
          starts: next_year
          ends: year_end
        """,
    "notices/xuchang-2021-recognition.yaml": """\
        # yaml-language-server: $schema=../schema/notice.schema.json
        title: 关于公布2021年度许昌市中小企业公共服务示范平台名单的通知
        kind: result
        issuer: 许昌市工业和信息化局
        doc_number: 许工信〔2021〕188号
        issued_on: 2021-12-20
        programmes: [xuchang-city]
        contact: {phone: "0374-2965056", email: gxjzxqyk2965056@163.com}
        body: |
          各县（市、区）工业和信息化主管部门：

          经县（市、区）推荐、专家评审和公示，认定许昌市中小企业技术创新服务平台为2021年度许昌市中小企业公共服务示范平台。
        """,
    "notices/xuchang-2024-call.yaml": """\
        # yaml-language-server: $schema=../schema/notice.schema.json
        title: 关于开展2024年度许昌市中小企业公共服务示范平台认定工作的通知
        kind: call
        issuer: 许昌市工业和信息化局
        doc_number: 许工信〔2024〕120号
        issued_on: 2024-10-28
        programmes: [xuchang-city, henan-province]
        deadlines:
          - {on: 2024-11-25, what: 推荐文件及申报材料报送市工业和信息化局中小企业科}
        attachments: [xuchang-recommendation-form, xuchang-2024-summary-table]
        contact: {phone: "0374-2965056", email: gxjzxqyk2965056@163.com}
        body: |
          各县（市、区）工业和信息化主管部门：

          请于11月25日前将推荐文件及申报材料报送市工业和信息化局中小企业科。联系电话：0374-2965056。
        """,
    "forms/xuchang-recommendation-form.yaml": """\
        # yaml-language-server: $schema=../schema/form.schema.json
        title: 许昌市中小企业公共服务示范平台推荐表
        programme: xuchang-city
        format: docx
        cover: {fields: [示范平台运营单位名称, 推荐县（市、区）, 填报日期], maker: 许昌市工业和信息化局制}
        blocks:
          - checkboxes: {label: 测评方法, options: [上门拜访, 电话询问, 网络互动, 书面征求, 其他]}
          - text: {label: 对区域中小企业发展的影响和作用, lines: 6}
          - signature: {label: 县（市、区）工业和信息化主管部门推荐意见, seal: true, date: true}
        """,
    "forms/xuchang-2024-summary-table.yaml": """\
        # yaml-language-server: $schema=../schema/form.schema.json
        title: 2024年度许昌市中小企业公共服务示范平台汇总表
        programme: xuchang-city
        format: xlsx
        published: false
        unpublished_reason: 原文列为附件2但未附内容，无法据实转录。
        blocks: []
        """,
    "publicity/xuchang-2024-publicity.yaml": """\
        # yaml-language-server: $schema=../schema/publicity.schema.json
        title: 2024年度许昌市中小企业公共服务示范平台拟认定名单公示
        programme: xuchang-city
        notice: xuchang-2024-call
        starts_on: 2024-12-02
        ends_on: 2024-12-06
        objections: {phone: "0374-2965056", email: gxjzxqyk2965056@163.com, address: 许昌市工业和信息化局中小企业科}
        entries: [xc-tech-service-center, xc-finance-hub]
        """,
    "platforms/xc-tech-service-center.yaml": f"""\
        # yaml-language-server: $schema=../schema/platform.schema.json
        name: 许昌市中小企业技术创新服务平台
        operator:
          name: 许昌智造科技服务有限公司
          credit_code: "{XC_CODE}"
          registered_on: 2015-06-01
        region: "411002"
        category: specialized
        functions: [technology, training]
        website: https://www.example.cn
        summary: |
          面向许昌市装备制造业中小企业提供检验检测、技术咨询和技能培训服务。
          服务热线：0374-2965056。
        metrics:
          2020: {{total_assets: 520, service_staff: 18, enterprises_served: 120, training_person_times: 900}}
        recognitions:
          - programme: xuchang-city
            notice: xuchang-2021-recognition
            on: 2021-12-20
            events:
              - {{on: 2023-02-20, type: assessment, result: pass}}
              - {{on: 2024-02-26, type: assessment, result: pass}}
          - programme: henan-province
            on: 2022-12-15
        """,
    "platforms/xc-finance-hub.yaml": f"""\
        # yaml-language-server: $schema=../schema/platform.schema.json
        name: 许昌市中小企业融资服务平台
        operator:
          name: 许昌普惠金融服务有限公司
          credit_code: "{FIN_CODE}"
        region: "411002"
        recognitions: []
        """,
    "platforms/js-xuanwu-service-hub.yaml": f"""\
        # yaml-language-server: $schema=../schema/platform.schema.json
        name: 南京市玄武区中小企业综合服务平台
        operator:
          name: 南京玄武创业服务中心有限公司
          credit_code: "{JS_CODE}"
        region: "320102"
        category: comprehensive
        functions: [information, entrepreneurship]
        recognitions:
          - programme: jiangsu-star
            on: 2012-06-30
            star: 3
            events:
              - {{on: 2019-05-31, type: re_evaluation, result: pass, star: 4}}
        """,
}
BASE = {rel: dedent(text) for rel, text in BASE.items()}


class RegistryDir:
    """A registry folder a test may change, with helpers to load it and find problems."""

    def __init__(self, root: Path):
        self.root = root

    def path(self, rel: str) -> Path:
        return self.root / rel

    def write(self, rel: str, text: str | bytes, *, dedent_text: bool = True) -> Path:
        """Write a record exactly (bytes) or from a YAML string (dedented, leading newline dropped)."""
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(dedent(text) if dedent_text else text, "utf-8")
        return path

    def text(self, rel: str) -> str:
        return (self.root / rel).read_text("utf-8")

    def replace(self, rel: str, old: str, new: str) -> str:
        """Replace the only occurrence of `old` in a record; return the new text."""
        text = self.text(rel)
        assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times in {rel}"
        text = text.replace(old, new)
        self.write(rel, text, dedent_text=False)
        return text

    def remove(self, rel: str) -> None:
        (self.root / rel).unlink()

    def load(self, as_of: dt.date | None = AS_OF, **kw):
        return load_registry(self.root, as_of=as_of, **kw)

    def is_file(self, problem, rel: str) -> bool:
        return Path(problem.path).resolve() == (self.root / rel).resolve()

    def find(self, reg, *, rule=None, file=None, line=None, field=None, severity=None, contains=None):
        out = []
        for p in reg.problems.sorted():
            if rule is not None and p.rule != rule:
                continue
            if file is not None and not self.is_file(p, file):
                continue
            if line is not None and p.line != line:
                continue
            if field is not None and p.field != field:
                continue
            if severity is not None and p.severity != severity:
                continue
            if contains is not None and contains not in p.message:
                continue
            out.append(p)
        return out

    def only(self, reg, **kw):
        """The one problem matching `kw`; fails with the full list otherwise."""
        hits = self.find(reg, **kw)
        assert len(hits) == 1, f"expected one problem matching {kw}, got {hits}; all: {describe(reg)}"
        return hits[0]


def describe(reg) -> str:
    return "\n".join(f"{p.format()}  [{p.rule}]" for p in reg.problems.sorted()) or "(no problems)"


def build(root: Path, files: dict[str, str] = BASE) -> RegistryDir:
    root.mkdir(parents=True, exist_ok=True)
    r = RegistryDir(root)
    for rel, text in files.items():
        r.write(rel, text, dedent_text=False)
    return r


@pytest.fixture
def small_registry(tmp_path) -> RegistryDir:
    return build(tmp_path / "registry")


@pytest.fixture
def empty_registry(tmp_path) -> RegistryDir:
    """A registry with only the programmes, for tests that write their own records."""
    return build(tmp_path / "registry", {k: v for k, v in BASE.items() if k.startswith("programmes/")})


# The helpers under an unambiguous name for `from sme_testkit import ...` in the test modules.
sys.modules.setdefault("sme_testkit", sys.modules[__name__])
