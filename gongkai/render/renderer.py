"""Rendering pages (页面渲染): the page kind's builder gives the figures, the kind's template
lays them out, and every value from the data is escaped."""

from __future__ import annotations

from collections.abc import Callable

from gongkai.checks.deadlines import Status
from gongkai.outputs.opendata import Download
from gongkai.pages import (
    AUDIT,
    DATA,
    DEPARTMENTS,
    HOME,
    PROJECTS,
    TIMELINESS,
    SitePage,
    department_uri,
    department_year_uri,
    page_url,
    project_uri,
    projects_list_uri,
    relative_url,
    report_uri,
    timeliness_year_uri,
    year_list_uri,
    year_uri,
)
from gongkai.render import builders
from gongkai.render.environment import environment
from gongkai.site import Site


class Renderer:
    """Renders the generated pages of one site. Links are relative, so the built folder works
    from any path, from a web server or opened from disk."""

    def __init__(
        self,
        site: Site,
        site_name: str = "",
        directory_urls: bool = True,
        site_url: str = "",
        place: Callable[[str], str] = str,
    ) -> None:
        self.site = site
        self.catalog = site.catalog
        self.site_name = site_name
        self.directory_urls = directory_urls
        self.site_url = site_url.rstrip("/") + "/" if site_url else ""
        self.env = environment()
        # Where a linked page is: in an archived version's own build, its pages across years
        # are under banben/<year>/ (gongkai.pages.placed).
        self.place = place
        # The site's own assets under their fingerprinted names (gongkai.outputs.assets).
        self.assets: dict[str, str] = {}

    def render(self, page: SitePage) -> str:
        here = page_url(page.src_uri, self.directory_urls)

        def link(src_uri: str) -> str:
            return relative_url(here, page_url(self.place(src_uri), self.directory_urls))

        def asset(path: str) -> str:
            return relative_url(here, self.assets.get(path, path))

        def files(items: list[Download]) -> list[dict[str, str]]:
            return [{"href": asset(item.path), "label": item.label} for item in items]

        context = {
            "page": page,
            "page_address": (self.site_url or "/") + here,
            "catalog": self.catalog,
            "today": self.site.today,
            "Status": Status,
            "site_name": self.site_name,
            # An internal build (with the audit page) shows where each page's data file is.
            "internal": self.site.settings.audit_page,
            "topic": self.site.settings.topic,
            # A page of an archived version (banben/<year>/): the downloads across years it
            # would link to are the newest version's, so it links to the years' files instead.
            "archived": bool(self.site.settings.version_folder),
            "link": link,
            "asset": asset,
            "files": files,
            # How a page address ends, for the list script's links: "2023/x/" or "2023/x.html".
            "page_suffix": "/" if self.directory_urls else ".html",
            "uri": {
                "home": HOME,
                "projects": PROJECTS,
                "departments": DEPARTMENTS,
                "timeliness": TIMELINESS,
                "audit": AUDIT,
                "data": DATA,
                "year": year_uri,
                "year_list": year_list_uri,
                "projects_list": projects_list_uri,
                "timeliness_year": timeliness_year_uri,
                "report": report_uri,
                "project": project_uri,
                "department": department_uri,
                "department_year": department_year_uri,
            },
            **builders.context(self.site, page),
        }
        return self.env.get_template(page.template).render(context)
