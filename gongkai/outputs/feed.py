"""The Atom feed (订阅) of new and corrected disclosures, made with feedgen."""

from __future__ import annotations

import datetime as dt

from feedgen.feed import FeedGenerator

import gongkai
from gongkai.checks.ledger import EVENTS
from gongkai.model.dates import PartialDate
from gongkai.model.slug import slugify
from gongkai.pages import page_url, report_uri
from gongkai.settings import CHINA
from gongkai.site import Site

FEED_FILE = "feed.xml"


def _moment(value: PartialDate | dt.date) -> dt.datetime:
    """Midnight in China on that day. Only dates known to the day have a moment: the feed
    never turns "2023年3月" into 1 March."""
    if isinstance(value, PartialDate):
        exact = value.as_date()
        if exact is None:
            raise ValueError(f"{value.iso()} 只精确到月，没有具体日期")
        value = exact
    return dt.datetime(value.year, value.month, value.day, tzinfo=CHINA)


def atom_feed(
    site: Site, site_name: str, site_url: str = "", site_slug: str | None = None
) -> bytes:
    """Every published event and every correction, newest first; the same data gives the same
    bytes (no build time in it). The feed is named by the site name's URL name (``site_slug``,
    worked out here if not given: a build gives it, so that the child writing the feed need
    not load the dictionaries that read names)."""
    base = site_url.rstrip("/") + "/" if site_url else ""
    feed = FeedGenerator()
    feed.id(f"urn:gongkai:{site_slug or slugify(site_name)}")
    feed.title(f"{site_name}：公开与更正")
    feed.subtitle(
        "新公开的绩效目标、自评报告，以及已公开内容的更正。"
        "公开日期只精确到月的事项没有具体日期，不列入订阅，请见网站的公开时效页。"
    )
    feed.author({"name": site_name})
    feed.language("zh-CN")
    feed.generator("gongkai", gongkai.__version__)
    feed.link(href=f"{base}{FEED_FILE}", rel="self", type="application/atom+xml")
    feed.link(href=base or "./", rel="alternate", type="text/html")

    items: list[tuple[dt.datetime, str, str, str, str]] = []
    for row in site.events:
        published = row.state.published
        if published is None or not published.is_exact:
            continue
        entry = row.entry
        link = base + page_url(report_uri(entry))
        title = f"{entry.department.name}：{entry.name}（{entry.year}年度）{EVENTS[row.event]}公开"
        summary = f"公开日期 {published.chinese()}；公开时效：{row.assessment.label}。"
        items.append(
            (
                _moment(published),
                f"urn:gongkai:{entry.key}:{row.event}",
                title,
                link,
                summary,
            )
        )
    for entry in site.catalog.reports:
        link = base + page_url(report_uri(entry))
        for number, correction in enumerate(entry.report.corrections, start=1):
            title = f"更正：{entry.department.name} {entry.name}（{entry.year}年度）"
            change = f"{correction.old or '空'} → {correction.new or '空'}"
            summary = f"{correction.field}：{change}。原因：{correction.reason}"
            ident = f"urn:gongkai:{entry.key}:correction:{number}"
            items.append((_moment(correction.date), ident, title, link, summary))

    # feedgen puts entries in the order they are added, reversed: add oldest first.
    items.sort(key=lambda item: (item[0], item[1]))
    for moment, ident, title, link, summary in items:
        item = feed.add_entry()
        item.id(ident)
        item.title(title)
        item.link(href=link, rel="alternate", type="text/html")
        item.updated(moment)
        item.published(moment)
        item.summary(summary)
    feed.updated(items[-1][0] if items else _moment(site.today))
    return feed.atom_str(pretty=True)
