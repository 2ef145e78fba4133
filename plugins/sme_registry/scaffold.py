"""`new <type>`: a new record with a free id, the schema comment and the fields to fill."""
from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from .schemas import SCHEMA_DIR
from .yamlsource import ID_RE

TEMPLATES = {
    "programme": """name: 
authority: 
level: city                      # national | province | city | county
region: ""                       # GB/T 2260 代码，加引号，例如 "411000"
validity:
  years: 3
  starts: next_year              # announcement_date | next_year
  ends: year_end                 # year_end | anniversary | none
publicity_working_days: 5
rating: none                     # none | stars
requires: []
name_must_not_contain: []
criteria: []
""",
    "notice": """title: 
kind: call                       # call | measures | publicity | result | revocation | re_evaluation | other
issuer: 
doc_number:                      # 可选，形如 许工信〔{year}〕1号；没有就删掉这一行
issued_on: {today}
programmes: []
deadlines: []                    # - {{on: {today}, what: 报送材料}}
attachments: []                  # 表单编号
body: |
  正文（Markdown）
""",
    "form": """title: 
programme: 
format: docx                     # docx | xlsx
cover: {{fields: [], maker: }}
blocks:
  - heading: 
notes: []
""",
    "publicity": """title: 
programme: 
starts_on: {today}
# working_days: 5                # 不填则用认定项目的 publicity_working_days
objections: {{phone: "", email: , address: }}
entries: []                      # 平台编号，按公布顺序
""",
    "platform": """name: 
operator:
  name: 
  # credit_code: "91411000XXXXXXXXXX"   # 统一社会信用代码，18 位
  # registered_on: 2015-06-01
region: ""                       # 县（市、区）代码，加引号
# category: specialized          # comprehensive | specialized
# functions: [technology]        # information | technology | entrepreneurship | training | financing
summary: |
  
recognitions: []
""",
}
FOLDER = {"programme": "programmes", "notice": "notices", "form": "forms", "publicity": "publicity",
          "platform": "platforms"}


def free_id(folder: Path, stem: str) -> str:
    candidate, n = stem, 2
    while (folder / f"{candidate}.yaml").exists():
        candidate, n = f"{stem}-{n}", n + 1
    return candidate


def new_record(registry: Path, kind: str, rid: str | None, today: dt.date) -> Path:
    folder = registry / FOLDER[kind]
    folder.mkdir(parents=True, exist_ok=True)
    if rid is None:
        rid = free_id(folder, f"new-{kind}")
    elif not ID_RE.match(rid):
        raise ValueError(f"编号“{rid}”不合法：只能用小写英文字母、数字和“-”，3–80 个字符。")
    elif (folder / f"{rid}.yaml").exists():
        raise FileExistsError(f"{folder / (rid + '.yaml')} 已存在。编号不能重复使用，请换一个，例如 {free_id(folder, rid)}。")
    schema = Path(os.path.relpath(SCHEMA_DIR, folder.resolve()))
    body = TEMPLATES[kind].format(today=today.isoformat(), year=today.year)
    path = folder / f"{rid}.yaml"
    path.write_text(f"# yaml-language-server: $schema={schema.as_posix()}/{kind}.schema.json\n{body}", "utf-8")
    return path
