"""Stage 5, render (machine-readable outputs): the Atom feed, the sitemap and
robots.txt. Built with ElementTree so every text is escaped, and written by
`xml_document`, which drops the characters XML 1.0 forbids (a control
character in a title would otherwise make the whole feed unreadable); dates
come from content, never from the clock."""

from __future__ import annotations

import datetime as dt
import html
import re
import xml.etree.ElementTree as ET

from .model import Output, SiteGraph

ATOM = "http://www.w3.org/2005/Atom"
SITEMAP = "http://www.sitemaps.org/schemas/sitemap/0.9"
FEED_SIZE = 20
# Everything but the characters XML 1.0 allows (tab, newline, carriage
# return, and U+0020 to U+10FFFF without the surrogates, U+FFFE and U+FFFF).
NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _stamp(day: dt.date) -> str:
    return f"{day.isoformat()}T00:00:00Z"


def render_feeds(graph: SiteGraph, page_urls: list[str], html: dict[tuple, str]) -> list[Output]:
    origin = graph.config.origin
    sitemap = f"{origin}{graph.urls.asset('sitemap.xml')}"
    return [
        Output("feed.xml", _atom(graph, origin, html)),
        Output("sitemap.xml", _sitemap(graph, origin, page_urls)),
        Output("robots.txt", f"User-agent: *\nAllow: /\n\nSitemap: {sitemap}\n".encode()),
    ]


def _atom(graph: SiteGraph, origin: str, html: dict[tuple, str]) -> bytes:
    ET.register_namespace("", ATOM)
    cfg = graph.config
    feed = ET.Element(f"{{{ATOM}}}feed", {"xml:lang": cfg.language})
    ET.SubElement(feed, f"{{{ATOM}}}title").text = cfg.title
    ET.SubElement(feed, f"{{{ATOM}}}subtitle").text = cfg.description
    ET.SubElement(feed, f"{{{ATOM}}}id").text = origin + graph.urls.home()
    ET.SubElement(feed, f"{{{ATOM}}}link", {"href": origin + graph.urls.home()})
    ET.SubElement(
        feed, f"{{{ATOM}}}link", {"rel": "self", "href": origin + graph.urls.asset("feed.xml")}
    )
    articles = graph.articles[:FEED_SIZE]
    newest = max((a.meta.updated or a.meta.date for a in articles), default=dt.date(2000, 1, 1))
    ET.SubElement(feed, f"{{{ATOM}}}updated").text = _stamp(newest)
    for article in articles:
        entry = ET.SubElement(feed, f"{{{ATOM}}}entry")
        ET.SubElement(entry, f"{{{ATOM}}}title").text = article.title
        ET.SubElement(entry, f"{{{ATOM}}}id").text = origin + article.url
        ET.SubElement(entry, f"{{{ATOM}}}link", {"href": origin + article.url})
        ET.SubElement(entry, f"{{{ATOM}}}published").text = _stamp(article.meta.date)
        ET.SubElement(entry, f"{{{ATOM}}}updated").text = _stamp(
            article.meta.updated or article.meta.date
        )
        author = ET.SubElement(entry, f"{{{ATOM}}}author")
        ET.SubElement(author, f"{{{ATOM}}}name").text = graph.get(
            "authors", article.meta.author
        ).meta.name
        ET.SubElement(entry, f"{{{ATOM}}}summary").text = article.meta.summary
        content = ET.SubElement(entry, f"{{{ATOM}}}content", {"type": "html"})
        content.text = _absolute_links(html[("articles", article.slug, "body")], origin)
        for tag in article.meta.tags:
            ET.SubElement(entry, f"{{{ATOM}}}category", {"term": tag})
    return xml_document(feed)


def xml_document(root: ET.Element) -> bytes:
    """`root` as a UTF-8 XML 1.0 document. ElementTree escapes '<', '&' and
    quotes but writes any other character as it is: each text, tail and
    attribute value is first stripped of the characters XML 1.0 forbids."""
    for element in root.iter():
        if element.text:
            element.text = NOT_XML.sub("", element.text)
        if element.tail:
            element.tail = NOT_XML.sub("", element.tail)
        for name, value in element.attrib.items():
            element.set(name, NOT_XML.sub("", value))
    return (
        b'<?xml version="1.0" encoding="utf-8"?>\n'
        + ET.tostring(root, encoding="utf-8", xml_declaration=False)
        + b"\n"
    )


def _absolute_links(fragment: str, origin: str) -> str:
    """Feed readers resolve links against the feed, not the page: make site
    links absolute (href="/x" -> href="https://site/x"). The sanitiser wrote
    every attribute as name="value"; the origin goes in escaped."""
    origin = html.escape(origin, quote=True)
    return fragment.replace('href="/', f'href="{origin}/').replace('src="/', f'src="{origin}/')


def _sitemap(graph: SiteGraph, origin: str, page_urls: list[str]) -> bytes:
    ET.register_namespace("", SITEMAP)
    urlset = ET.Element(f"{{{SITEMAP}}}urlset")
    modified = {n.url: (n.meta.updated or n.meta.date) for n in graph.articles}
    for url in sorted(page_urls):
        entry = ET.SubElement(urlset, f"{{{SITEMAP}}}url")
        ET.SubElement(entry, f"{{{SITEMAP}}}loc").text = origin + url
        if url in modified:
            ET.SubElement(entry, f"{{{SITEMAP}}}lastmod").text = modified[url].isoformat()
    return xml_document(urlset)
