"""A record's text that is one paragraph of plain text skips Python-Markdown (markdown_safe's fast
path): its HTML must be exactly what Python-Markdown writes for it, or a page would change with
the path taken."""
from __future__ import annotations

import random
from pathlib import Path

import yaml

from registry_site import markdown_safe as md

REPO = Path(__file__).resolve().parents[2]


def markdown_html(text: str) -> str:
    """What the page held before the fast path: Python-Markdown, then the same sanitising."""
    return md._parser().convert(text)


def record_texts() -> list[str]:
    texts = []
    for path in sorted([*REPO.glob("registry/*/*.yaml"), *REPO.glob("examples/*/*.yaml")]):
        data = yaml.safe_load(path.read_text("utf-8"))
        if isinstance(data, dict):
            texts += [data[k] for k in ("summary", "body") if isinstance(data.get(k), str)]
    return texts


def test_a_plain_summary_takes_the_fast_path_and_gets_markdowns_html():
    text = "（合成数据）面向铁西区软件信息中小企业提供培训、信息、创业服务。\n"
    assert md.plain_paragraph(text)
    assert md._convert(text) == markdown_html(text) == "<p>（合成数据）面向铁西区软件信息中小企业提供培训、信息、创业服务。</p>"


def test_every_text_of_the_shipped_registry_and_examples_renders_as_markdown_would():
    texts = record_texts()
    fast = [t for t in texts if md.plain_paragraph(t)]
    assert len(fast) >= 10 and len(fast) < len(texts)      # both paths are met
    for text in texts:
        assert md._convert(text) == markdown_html(text), text


def test_text_with_markdown_in_it_is_left_to_markdown():
    for text in ["**重点**服务", "一行\n两行", "1. 第一条", "- 列表", "# 标题", "    缩进的代码", "> 引文",
                 "a & b", "<b>粗</b>", "[链接](https://www.miit.gov.cn/)", "`代码`", "表 | 格", "下_划_线",
                 "反斜杠\\*", "---", "2019) 年", " 前有空格", "\u3000全角空格开头"]:
        assert not md.plain_paragraph(text), text


def test_random_texts_take_either_path_with_the_same_html():
    """Texts drawn from the characters and shapes that matter to Markdown: whenever the fast path
    takes one, Python-Markdown writes the same HTML for it."""
    pieces = ["平台", "服务", "，", "。", "、", "（", "）", "“", "”", "：", "；", "—", "…", "·", " ", "  ", "\n", "\n\n",
              "1.", "2)", "12", "-", "+", "*", "#", ">", "<", "&", "_", "`", "[", "]", "(", ")", "!", "|", "~", "=",
              "\\", '"', "'", ":", ";", ".", ",", "/", "%", "@", "http://a.cn", "abc", "ABC", "\t", "\u3000", "\u00a0"]
    rng = random.Random(20261130)
    taken = 0
    for _ in range(20000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 8)))
        if md.plain_paragraph(text):
            taken += 1
            assert md._convert(text) == markdown_html(text), repr(text)
    assert taken > 1000
