"""The calendar files fold their lines themselves (calendar_files.fold), for speed: the bytes must be
exactly those icalendar writes, or a calendar that imported a file would see it change."""
from __future__ import annotations

import datetime as dt
import random

from icalendar.parser import Contentline

from registry_site import calendar_files

# characters of one to four octets, and the two that start an escape
ALPHABET = ["a", "Z", "0", " ", ",", ";", ":", "\\", "^", "é", "ß", "中", "小", "企", "业", "；", "。", "😀", "𠀀"]


def test_fold_cuts_lines_where_icalendar_cuts_them():
    rng = random.Random(7)
    lines = ["", "SUMMARY:短", "X" * 74, "X" * 75, "X" * 73 + "\\n", "X" * 72 + "\\,中", "中" * 25, "中" * 24 + "ab",
             "a" * 73 + "😀" + "b" * 80, "\\" * 200, "^" * 150, "a\\" * 90]
    for _ in range(3000):
        lines.append("".join(rng.choice(ALPHABET) for _ in range(rng.randrange(0, 400))))
    for line in lines:
        assert calendar_files.fold(line.encode("utf-8")) == Contentline(line).to_ical(), line


def test_every_line_stays_within_75_octets_and_unfolds_to_the_line():
    rng = random.Random(11)
    for _ in range(500):
        line = "DESCRIPTION:" + "".join(rng.choice(ALPHABET) for _ in range(rng.randrange(0, 600)))
        folded = calendar_files.fold(line.encode("utf-8"))
        assert all(len(part) <= 75 for part in folded.split(b"\r\n"))
        assert folded.replace(b"\r\n ", b"").decode("utf-8") == line


def test_a_whole_calendar_is_what_icalendar_writes():
    settings = {"SITENAME": "中小企业公共服务示范平台名录", "SITEURL": "https://sme.example.gov.cn"}
    cal = calendar_files._calendar(settings, "关于组织开展2026年度中小企业公共服务示范平台推荐工作的通知（时间节点）", "通知时间节点")
    for i in range(1, 4):
        cal.add_component(calendar_files._event(
            f"notices/x/deadlines/{i}@sme.example.gov.cn", dt.date(2026, 3, i), dt.date(2026, 4, i), dt.date(2026, 5, i),
            "截止：各地推荐材料报送（含电子版；逗号,分号;反斜杠\\）" * i,
            "\n".join(["请按通知要求报送", "联系电话：010-12345678", "详见：https://sme.example.gov.cn/notices/x/"] * i),
            "https://sme.example.gov.cn/notices/x/"))
    assert calendar_files.to_ical(cal) == cal.to_ical()
