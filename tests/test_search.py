"""Search that finds what people type (in headless Chromium, over HTTP and from file://):
Chinese words and fragments, pinyin with and without spaces, initials, mixed, figures as written,
indicator texts and the department; polyphonic characters read in context."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from browsing import open_page, serve
from conftest import copy_project, mkdocs_build

from gongkai.outputs.fulltext import NAME, PageText, Section, _terms, name_terms

EXTRA = {
    # name: (slug, initial budget in yuan) — polyphonic characters in context
    "会计核算服务费": 36000,
    "银行手续费": 4200,
    "重点人员稳控经费": 61000,
    "长期驻守补助": 27000,
    "行政运行经费": 93000,
}


def test_name_terms_read_polyphones_in_context() -> None:
    assert "kuaijihesuanfuwufei" in name_terms("会计核算服务费")
    assert "yinhangshouxufei" in name_terms("银行手续费")
    assert "zhongdian" in name_terms("重点人员稳控经费")
    assert "changqi" in name_terms("长期驻守补助")
    assert "xingzheng" in name_terms("行政运行经费")
    # From any syllable on, spelled or by initials.
    terms = name_terms("保安费用")
    assert {"baoan", "baoanfeiyong", "feiyong", "bafy", "fy"} <= terms
    assert "baoa" not in terms  # whole syllables only


def _project(root: Path) -> Path:
    project = copy_project(root / "project")
    listing = project / "data/departments.yml"
    listing.write_text(
        listing.read_text(encoding="utf-8")
        + "  - slug: xiqu-caizhengju\n    name: 攀枝花市西区财政局\n    short_name: 西区财政局\n",
        encoding="utf-8",
    )
    folder = project / "data/2024/xiqu-caizhengju"
    folder.mkdir(parents=True)
    for name, amount in EXTRA.items():
        (folder / f"{amount}.yml").write_text(
            f"name: {name}\nbudget:\n  - year: 2024\n    initial: {amount}\n    executed: {amount}\n",
            encoding="utf-8",
        )
    return project


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("search")
    project = _project(root)
    served, offline = root / "served", root / "offline"
    assert mkdocs_build(project, served).returncode == 0
    result = mkdocs_build(project, offline, env={"GONGKAI_OFFLINE": "1"})
    assert result.returncode == 0, result.stderr
    assert (offline / "2023/baoan-feiyong.html").is_file()  # pages as files, for file://
    return {"http": served, "file": offline}


QUERIES = [
    ("保安", "2023/baoan-feiyong"),
    ("安费", "2023/baoan-feiyong"),
    ("保安费用", "2023/baoan-feiyong"),
    ("baoanfeiyong", "2023/baoan-feiyong"),
    ("baoan feiyong", "2023/baoan-feiyong"),
    ("bafy", "2023/baoan-feiyong"),
    ("BAFY", "2023/baoan-feiyong"),
    ("ｂａｆｙ", "2023/baoan-feiyong"),
    ("保安 feiyong", "2023/baoan-feiyong"),
    ("接访", "2023/jiefang-feiyong"),
    ("jiefang", "2023/jiefang-feiyong"),
    ("jffy", "2023/jiefang-feiyong"),
    ("驻京驻蓉", "2023/zhujing-zhurong-xinfang-weiwen-jingfei"),
    ("zhujingzhurong", "2023/zhujing-zhurong-xinfang-weiwen-jingfei"),
    ("zjzrxfwwjf", "2023/zhujing-zhurong-xinfang-weiwen-jingfei"),
    ("矛盾化解", "2023/maodun-huajie-he-yinan-xinfang-wenti-feiyong"),
    ("疑难", "2023/maodun-huajie-he-yinan-xinfang-wenti-feiyong"),
    ("yinan", "2023/maodun-huajie-he-yinan-xinfang-wenti-feiyong"),
    ("核算", "2024/kuaijihesuan-fuwufei"),
    ("计核", "2024/kuaijihesuan-fuwufei"),
    ("kuaiji", "2024/kuaijihesuan-fuwufei"),
    ("yinhang", "2024/yinhang-shouxufei"),
    ("zhongdian", "2024/zhongdian-renyuan-wenkong-jingfei"),
    ("changqi", "2024/changqi-zhushou-buzhu"),
    ("xingzheng", "2024/xingzheng-yunxing-jingfei"),
    ("xzyxjf", "2024/xingzheng-yunxing-jingfei"),
    ("150000", "2023/zhujing-zhurong-xinfang-weiwen-jingfei"),
    ("15万元", "2023/zhujing-zhurong-xinfang-weiwen-jingfei"),
    ("20000", "2023/jiefang-feiyong"),
    ("2万元", "2023/jiefang-feiyong"),
    ("9.3万元", "2024/xingzheng-yunxing-jingfei"),
    ("信访工作顺利开展", "2023/baoan-feiyong"),
    ("保障全区和谐稳定", "2023/zhujing-zhurong-xinfang-weiwen-jingfei"),
    ("西区信访局", "bumen/xiqu-xinfangju"),
    ("xinfangju", "bumen/xiqu-xinfangju"),
    ("财政局", "bumen/xiqu-caizhengju"),
    # The reports' own text (full text, by bigrams), with the section it is in.
    ("劝返", "2023/zhujing-zhurong-xinfang-weiwen-jingfei"),
    ("保安人员", "2023/baoan-feiyong"),
    ("攀信联办发", "2023/zhujing-zhurong-xinfang-weiwen-jingfei"),
    ("攀信联办发〔2016〕80号", "2023/zhujing-zhurong-xinfang-weiwen-jingfei"),
    ("〔2016〕80号", "2023/zhujing-zhurong-xinfang-weiwen-jingfei"),
    ("进京赴蓉", "2023/zhujing-zhurong-xinfang-weiwen-jingfei"),
]

# Queries that must find nothing: words not on any page, fragments not next to each other.
NOTHING = ["不存在的项目名称", "火星探测", "保安火星", "qwxyzq", "安保费"]


@pytest.fixture(scope="module", params=["http", "file"])
def search_page(
    request: pytest.FixtureRequest, sites: dict[str, Path], browser: object
) -> Iterator[tuple[str, object]]:
    mode = request.param
    if mode == "http":
        with serve(sites["http"]) as url:
            page, _, _ = open_page(browser, url)
            yield mode, page
            page.close()  # type: ignore[attr-defined]
    else:
        page = browser.new_page()  # type: ignore[attr-defined]
        page.goto((sites["file"] / "index.html").as_uri())
        page.wait_for_load_state()
        yield mode, page
        page.close()


def first_result(page: object, query: str) -> tuple[str, str]:
    box = page.locator(".gk-search input[name=query]")  # type: ignore[attr-defined]
    box.click()
    box.fill("")
    box.type(query)
    meta = page.locator(".gk-search .md-search-result__meta")  # type: ignore[attr-defined]
    # The script marks the query whose answer is shown in full: earlier, the test waited a
    # fixed 150 ms after the first "找到" (which can still be the previous query's).
    page.wait_for_function(  # type: ignore[attr-defined]
        "q => document.querySelector('.gk-search .md-search-result__meta')"
        ".getAttribute('data-gk-answered') === q",
        arg=query,
    )
    assert meta.inner_text().startswith("找到"), (query, meta.inner_text())
    link = page.locator(".gk-search .md-search-result__link").first  # type: ignore[attr-defined]
    return link.get_attribute("href"), link.inner_text()


@pytest.mark.browser
@pytest.mark.parametrize(("query", "expected"), QUERIES, ids=[q for q, _ in QUERIES])
def test_query_finds_the_page_first(
    search_page: tuple[str, object], query: str, expected: str
) -> None:
    mode, page = search_page
    href, _ = first_result(page, query)
    href = href.split("#")[0]  # a match in the text links to its section
    suffix = f"{expected}.html" if mode == "file" else f"{expected}/"
    if mode == "file" and expected.startswith("bumen/"):
        suffix = f"{expected}.html"
    assert href.endswith(suffix), (query, href)


@pytest.mark.browser
def test_results_show_name_year_and_department_and_open(search_page: tuple[str, object]) -> None:
    _, page = search_page
    _, text = first_result(page, "保安费用")
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    assert lines[:2] == ["保安费用", "2023 · 西区信访局"]
    # The project's own yearly page first, its page across years next.
    second = page.locator(".gk-search .md-search-result__link").nth(1).get_attribute("href")  # type: ignore[attr-defined]
    assert "xiangmu/baoan-feiyong" in second
    page.locator(".gk-search .md-search-result__link").first.click()  # type: ignore[attr-defined]
    page.wait_for_url(re.compile(r"2023/baoan-feiyong(/|\.html)"))  # type: ignore[attr-defined]
    assert page.locator("article h1").inner_text() == "保安费用"  # type: ignore[attr-defined]
    page.go_back()  # type: ignore[attr-defined]
    page.wait_for_load_state()  # type: ignore[attr-defined]


@pytest.mark.browser
def test_a_phrase_in_the_text_opens_its_section_with_the_passage(
    search_page: tuple[str, object],
) -> None:
    _, page = search_page
    href, _ = first_result(page, "攀信联办发")
    assert "#" in href  # the section where the words are, not the top of the page
    snippet = page.locator(".gk-search .md-search-result__item .gk-snippet").first  # type: ignore[attr-defined]
    assert "攀信联办发" in snippet.inner_text()
    assert snippet.locator("mark").inner_text() == "攀信联办发"


@pytest.mark.browser
def test_the_site_own_pages_are_searchable(search_page: tuple[str, object]) -> None:
    _, page = search_page
    first_result(page, "预算法")
    links = page.locator(".gk-search .md-search-result__link")  # type: ignore[attr-defined]
    hrefs = [links.nth(i).get_attribute("href") for i in range(links.count())]
    assert any("about" in h for h in hrefs) and any("shixiao" in h for h in hrefs), hrefs


@pytest.mark.browser
@pytest.mark.parametrize("query", NOTHING)
def test_nothing_found_says_so(search_page: tuple[str, object], query: str) -> None:
    _, page = search_page
    box = page.locator(".gk-search input[name=query]")  # type: ignore[attr-defined]
    box.click()
    box.fill(query)
    page.wait_for_function(
        "() => /没有找到/.test(document.querySelector('.gk-search .md-search-result__meta').textContent)"
    )  # type: ignore[attr-defined]
    assert page.locator(".gk-search .md-search-result__item").count() == 0  # type: ignore[attr-defined]


def test_index_is_split_and_material_index_is_empty(sites: dict[str, Path]) -> None:
    search = sites["http"] / "search"
    shards = list((search / "s").glob("*.js"))
    texts = list((search / "t").glob("*.js"))
    assert shards and texts and (search / "gongkai-settings.js").is_file()
    assert max(p.stat().st_size for p in search.rglob("*.js")) < 200_000
    material = search / "search_index.json"
    assert '"docs": []' in material.read_text(encoding="utf-8")
    assert os.path.getsize(material) < 1000


def test_no_term_spans_two_parts_of_a_page() -> None:
    # Each field's texts are read together: 项目保 and 安全 side by side are no 保安, and
    # 12 and 3 no 123 — a search for either would find a page that does not hold it.
    page = PageText(
        "2023/x/",
        "标题",
        names=["保安费用"],
        sections=[
            Section("a", "甲", "项目保"),
            Section("b", "乙", "安全 12"),
            Section("c", "丙", "3"),
        ],
    )
    terms = _terms(page)
    assert "保安" in terms and terms["保安"] == NAME  # from the name, not the two sections
    page.names = ["费用"]
    terms = _terms(page)
    assert "项目" in terms and "安全" in terms and "12" in terms and "3" in terms
    assert "保安" not in terms and "123" not in terms and "甲乙" not in terms


def test_the_terms_of_a_text_are_those_of_its_whole_normalised_form() -> None:
    """The index skips translating full-width forms where none can change a term (most
    texts hold full-width commas and brackets only): on 20,000 random texts of full-width
    and ASCII digits, letters, points and commas, thousands, CJK and other marks, the terms
    are those of the text normalised in full, as the search box normalises a query."""
    import random

    from gongkai.outputs.fulltext import _term_text, bigrams, normalise, words

    pieces = [*"1９0０.．,，Ａａ Zｚ保安费用（）：；-－+＋_＿١", "000", "０００", "1，000", "8.00"]
    chosen = random.Random(25)
    for _ in range(20_000):
        text = "".join(chosen.choice(pieces) for _ in range(chosen.randint(0, 24)))
        fast, whole = _term_text(text), normalise(text)
        assert bigrams(fast) | words(fast) == bigrams(whole) | words(whole), repr(text)
    assert "1000" in words(_term_text("共1，000元，优 ≥ 90，良"))
