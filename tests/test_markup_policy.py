"""One markup policy (docs/security.md, "Markup and URLs"): text from content
is escaped by the writer of each output (HTML, XML, JSON-LD), wherever it
is shown, also where a `[[slug]]` link shows another page's title; every
address a body writes (inline, reference-style, autolink, raw HTML, attribute
lists) passes one URL policy, as an error at its line; an image from another
site is an error unless site.toml allows its host; the feed and sitemap stay
well-formed XML whatever characters a title holds. The last test opens a site
built from hostile content in a real Chromium."""

from __future__ import annotations

import dataclasses
import json
import xml.etree.ElementTree as ET

import pytest
from browser import chromium, static_server
from conftest import MINIMAL, build, build_errors, soup
from site_checks import html_pages

from generator.diagnostics import ContentErrors
from generator.feeds import render_feeds, xml_document
from generator.sanitize import clean_html, url_policy

ABOUT = "content/pages/about.md"
BIRD = "content/exercises/bird-dog.md"
ARTICLE = "content/articles/back-pain.md"
SITE = "content/site.toml"
HOSTILE_TITLE = "Bird <img src=x onerror=alert(1)> &lt;b&gt;dog&lt;/b&gt; *and* <b>cat</b>"


def about(body: str) -> str:
    """The about page with `body` (its first line is file line 4)."""
    return "---\ntitle: About\n---\n" + body


def live_markup(page) -> list[str]:
    """What of a parsed page could run or load: event handler attributes,
    and <img> or <b> elements a title would have made."""
    found = []
    for el in page.find_all(True):
        found += [f"{el.name} {name}" for name in el.attrs if name.lower().startswith("on")]
        if el.name == "img" and el.get("src") == "x":
            found.append("img src=x")
        if el.name == "b" and el.get_text() in ("cat", "dog"):
            found.append(f"<b>{el.get_text()}</b>")
    return found


def test_a_title_is_text_wherever_it_is_shown_also_through_slug_links(make_project):
    studies = MINIMAL["content/studies.yml"].replace(
        "title: Squats for runners", f"title: '{HOSTILE_TITLE}'"
    )
    root = make_project(
        {
            BIRD: MINIMAL[BIRD].replace("title: Bird dog", f"title: '{HOSTILE_TITLE}'"),
            "content/studies.yml": studies,
            ABOUT: about("See [[bird-dog]] and [[bird-dog|the *bird* dog]].\n"),
        }
    )
    out = root / "site_output"
    build(root, out)
    for path in html_pages(out):
        assert live_markup(soup(path)) == [], path.relative_to(out)
    page = soup(out / "about/index.html")
    links = page.select(".prose a.xref")
    assert [a.get_text() for a in links] == [HOSTILE_TITLE, "the bird dog"]
    assert links[1].find("em").get_text() == "bird"  # a label is the editor's Markdown
    assert soup(out / "exercises/bird-dog/index.html").h1.get_text() == HOSTILE_TITLE
    # A citation mark shows its number only; the study's title is text in the list.
    article = soup(out / "articles/back-pain/index.html")
    assert {sup.get_text() for sup in article.select("sup.cite a")} == {"1", "2"}
    assert article.select_one(".reference-list cite.ref-title").get_text() == HOSTILE_TITLE
    for path in (out / "articles/back-pain/index.html", out / "exercises/bird-dog/index.html"):
        ld = soup(path).find("script", type="application/ld+json").string
        assert "<" not in ld and HOSTILE_TITLE in json.dumps(json.loads(ld), ensure_ascii=False)


# (body from file line 4, line of the error, what the message says)
REFUSED = [
    ("See [it][r].\n\n[r]: //evil.example/x\n", 6, "protocol-relative"),
    ("See [it][r].\n\n[r]: javascript:alert(1)\n", 6, "'javascript:'"),
    ("> See [it][r].\n>\n> [r]: //evil.example/x\n", 6, "protocol-relative"),
    ("Go <//evil.example/x> now.\n", 4, "protocol-relative"),
    ("Go <javascript:alert(1)> now.\n", 4, "'javascript:'"),
    ('Go <a href="//evil.example/x">there</a>.\n', 4, "protocol-relative"),
    ("Go <a href=javascript:alert(1)>there</a>.\n", 4, "'javascript:'"),
    ('Go <a href="java&#115;cript:alert(1)">there</a>.\n', 4, "'javascript:'"),
    ('Go <a href="\\\\evil.example/x">there</a>.\n', 4, "protocol-relative"),
    # Where a line scan cannot see it: a tag over two lines, an attribute list.
    ('Go <a\nhref="//evil.example/x">there</a>.\n', 5, "protocol-relative"),
    ('One.\n\n[there](/about/){: href="javascript:alert(1)" }\n', 6, "'javascript:'"),
]


@pytest.mark.parametrize("body, line, why", REFUSED)
def test_a_refused_address_is_an_error_at_its_line_however_it_is_written(
    make_project, body, line, why
):
    errors = build_errors(make_project({ABOUT: about(body)}))
    assert len(errors) == 1 and errors[0].startswith(f"{ABOUT}:{line}: "), errors
    assert why in errors[0], errors


@pytest.mark.parametrize(
    "fragment",
    [
        '<a href="//evil.example/x">a</a>',
        '<a href="/\\evil.example/x">a</a>',
        '<a href="java&#115;cript:alert(1)">a</a>',
        '<a href="vbscript:x">a</a>',
        '<img src="https://tracker.example/x.png" alt="t">',
        '<img src="/images/a.svg" srcset="https://tracker.example/x.png 2x" alt="t">',
        '<picture><source srcset="//tracker.example/x.png"><img src="/a.svg" alt="t"></picture>',
    ],
)
def test_the_sanitiser_drops_and_names_every_address_the_policy_refuses(fragment):
    cleaned, refused = clean_html(fragment)
    assert "evil" not in cleaned and "tracker" not in cleaned and "script" not in cleaned
    assert len(refused) == 1 and refused[0][0] in ("unsafe-url", "external-image")
    assert url_policy(refused[0][2], image="<a" not in fragment, allowed_hosts=()) is not None


def test_an_image_from_another_site_is_an_error_unless_its_host_is_allowed(make_project):
    body = (
        'Raw <img src=https://tracker.example/x.png alt="A pixel">.\n\n'
        "![A chart](https://tracker.example/chart.png)\n"
    )
    errors = build_errors(make_project({ABOUT: about(body)}))
    assert [e.split(": image ")[0] for e in errors] == [f"{ABOUT}:4", f"{ABOUT}:6"], errors
    for error in errors:
        assert "tracker.example, another site" in error
        assert "copy the image under content/images/" in error
        assert '[images] allowed_hosts = ["tracker.example"]' in error

    allowed = MINIMAL[SITE] + '\n[images]\nallowed_hosts = ["Tracker.example"]\n'
    root = make_project({ABOUT: about(body), SITE: allowed})
    out = root / "site_output"
    build(root, out)
    sources = [img["src"] for img in soup(out / "about/index.html").select(".prose img")]
    assert sources == ["https://tracker.example/x.png", "https://tracker.example/chart.png"]

    # Another host, or an image of the front matter (resized and printed), stays an error.
    other = body.replace("tracker.example/chart", "cdn.example/chart")
    front = MINIMAL[BIRD].replace(
        "dose:", "image:\n  src: https://tracker.example/bird.png\n  alt: A bird dog\ndose:"
    )
    errors = build_errors(make_project({ABOUT: about(other), BIRD: front, SITE: allowed}))
    assert len(errors) == 2, errors
    assert errors[0].startswith("content/exercises/bird-dog.md:8: image.src ") and (
        "allowed_hosts" not in errors[0]
    )
    assert errors[1].startswith(f"{ABOUT}:6: image 'https://cdn.example/chart.png' loads from")


def test_an_allowed_host_must_be_a_host_name(make_project):
    site = MINIMAL[SITE] + '\n[images]\nallowed_hosts = ["https://images.example.org/"]\n'
    errors = build_errors(make_project({SITE: site}))
    assert errors == [
        "content/site.toml:11: setting 'images.allowed_hosts': 'https://images.example.org/' "
        "is not a host name; write the name alone, e.g. 'images.example.org' "
        "(no https://, no path)"
    ]


def test_a_base_url_that_would_break_out_of_an_attribute_is_refused(make_project):
    site = MINIMAL[SITE].replace('"https://fixture.example"', '"https://x.example/\\"onload=x"')
    errors = build_errors(make_project({SITE: site}))
    assert errors == [
        "content/site.toml:2: setting 'base_url': may not hold spaces, quotes, '<', '>' or "
        "backslashes; write a plain address such as 'https://example.org'"
    ]


CONTROLS = "Back\x01 pain\x0b\x1f \ufffe"


def test_a_control_character_in_a_title_never_makes_the_feed_invalid(make_project):
    title = json.dumps(CONTROLS)  # YAML reads the \\u escapes of a double-quoted value
    article = MINIMAL[ARTICLE].replace("title: Lower back pain when running", f"title: {title}")
    root = make_project({ARTICLE: article})
    out = root / "site_output"
    try:
        build(root, out)
    except ContentErrors as refused:  # refused by the front-matter checks: also fine
        assert all(d.path == ARTICLE for d in refused.report.errors), refused.report.errors
    else:
        feed = ET.parse(out / "feed.xml").getroot()
        titles = [t.text for t in feed.iter("{http://www.w3.org/2005/Atom}title")]
        assert "Back pain " in titles
        ET.parse(out / "sitemap.xml")
        ld = soup(out / "articles/back-pain/index.html").find("script", type="application/ld+json")
        assert json.loads(ld.string)["headline"] == CONTROLS


def test_the_xml_writers_drop_the_characters_xml_forbids(fixture_build):
    """The writers themselves, whatever the checks before them let through."""
    graph = fixture_build[1].graph
    article = graph.articles[0]
    hostile = dataclasses.replace(
        article, meta=article.meta.model_copy(update={"title": CONTROLS, "summary": "\x00\x08"})
    )
    graph = dataclasses.replace(
        graph,
        config=graph.config.model_copy(update={"title": "Site\x02", "description": "\x1b[0m"}),
        articles=(hostile, *graph.articles[1:]),
    )
    html = {("articles", a.slug, "body"): "<p>Body\x0c text</p>" for a in graph.articles}
    outputs = render_feeds(graph, ["/", "/about/\x07"], html)
    feed = ET.fromstring(outputs[0].data)
    assert feed.find("{http://www.w3.org/2005/Atom}title").text == "Site"
    entry = feed.find("{http://www.w3.org/2005/Atom}entry")
    assert entry.find("{http://www.w3.org/2005/Atom}title").text == "Back pain "
    assert "Body text" in entry.find("{http://www.w3.org/2005/Atom}content").text
    ET.fromstring(outputs[1].data)
    root = ET.Element("x", {"a": "\x01b"})
    root.text = "\ud7ff\ue000\U0001f600\x7f\x85"  # allowed, though discouraged: kept
    assert ET.fromstring(xml_document(root)).text == root.text


HOSTILE_SITE = {
    SITE: MINIMAL[SITE].replace(
        'description = "A tiny fixture publication."',
        'description = "\\"><svg onload=alert(\'site\')>"',
    )
    + "\n[cta]\ntitle = \"</title><script>alert('cta')</script>\"\n"
    'text = "<img src=x onerror=alert(\'cta\')>"\nurl = "/about/"\n'
    'label = "\\" onmouseover=\\"alert(\'cta\')"\n',
    "content/studies.yml": MINIMAL["content/studies.yml"]
    .replace("title: Squats for runners", "title: '</script><script>alert(\"ld\")</script>'")
    .replace("journal: Journal of Fixtures", "journal: '<img src=x onerror=alert(\"journal\")>'"),
    BIRD: MINIMAL[BIRD]
    .replace("title: Bird dog", "title: '<img src=x onerror=alert(\"title\")>'")
    .replace(
        "summary: Opposite arm and leg reach on all fours.",
        'summary: \'"><script>alert("summary")</script>\'',
    )
    .replace("equipment: []", "equipment: ['<svg onload=alert(\"tool\")>']")
    .replace("Reach long.", "1. Reach <img src=/images/squat.svg onerror=alert('step')>."),
    ARTICLE: MINIMAL[ARTICLE].replace(
        "tags: [low back pain, strength]",
        'tags: [\'"><img src=x onerror=alert("tag")>\', strength]',
    ),
    "content/authors/ann-author.md": MINIMAL["content/authors/ann-author.md"].replace(
        "name: Ann Author", "name: '<script>alert(\"author\")</script>'"
    ),
    ABOUT: about(
        "[TOC]\n\n"
        "## Heading <img src=/images/squat.svg alt=h onerror=alert('heading')>\n\n"
        "See [[bird-dog]] and [[bird-dog|<img src=/images/squat.svg onerror=alert('label')>]] "
        "[@smith-2020-squats].\n\n"
        "<script>alert('script')</script>\n\n"
        '<img src="/images/squat.svg" alt="a" onerror="alert(\'onerror\')">\n\n'
        '<a href="/about/" onclick="alert(\'click\')">click</a>\n'
        "<details open ontoggle=\"alert('toggle')\"><summary>s</summary>d</details>\n\n"
        "<svg><script>alert('svg')</script></svg>\n"
        "<math><mi xlink:href=\"javascript:alert('math')\">m</mi></math>\n\n"
        "<iframe srcdoc=\"<script>alert('iframe')</script>\"></iframe>\n"
        '<object data="https://evil.example/x.swf"></object>'
        '<embed src="https://evil.example/x.swf">\n\n'
        '<base href="https://evil.example/">\n'
        '<link rel="stylesheet" href="https://evil.example/x.css">\n'
        "<style>@import url(https://evil.example/x.css); body{background:url(//evil.example/b)}"
        "</style>\n"
        '<meta http-equiv="refresh" content="0;url=https://evil.example/">\n'
        '<form action="https://evil.example/"><button>send</button></form>\n\n'
        '<noscript><p title="</noscript>'
        "<img src=/images/squat.svg alt=n onerror=alert('mxss')>\"></noscript>\n\n"
        "<svg><style><img src=x onerror=alert('svgstyle')></style></svg>\n\n"
        "[titled](/about/ 'x\" onmouseover=\"alert(1)') and "
        '![a" onerror="alert(2)](/images/squat.svg)\n\n'
        "A paragraph with an attribute list.\n{: onclick=\"alert('attrlist')\" }\n\n"
        "HTML[^1] and {{ 7 * 7 }}.\n\n"
        "[^1]: A note <img src=/images/squat.svg alt=f onerror=alert('footnote')>.\n\n"
        "*[HTML]: \"><img src=/images/squat.svg alt=a onerror=alert('abbr')>\n\n"
        "`<script>alert('code')</script>`\n\n"
        "```\n<script>alert('fence')</script>\n```\n"
    ),
}


# Had any inline handler survived (onmouseover, onfocus...), this would run it.
FIRE_EVERY_HANDLER = """() => {
  const kinds = ["mouseover", "mouseenter", "focus", "blur", "click", "toggle", "load", "error"];
  for (const el of document.body.querySelectorAll("*")) {
    for (const kind of kinds) {
      if (kind !== "click" || !el.closest("a, button, form")) el.dispatchEvent(new Event(kind));
    }
  }
}"""


def test_a_site_built_from_hostile_content_runs_nothing_in_a_real_browser(make_project):
    root = make_project(HOSTILE_SITE)
    out = root / "site_output"
    result = build(root, out, search=True)
    assert result.report.errors == [] and result.report.warnings, "the build kept nothing?"
    for path in html_pages(out):  # every address the pages kept is the site's
        page = soup(path)
        for el in page.find_all(True):
            for name in ("href", "src", "srcset", "action", "data", "formaction"):
                value = el.get(name) or ""
                assert not value.startswith(("//", "\\")) and "evil" not in value, (path, value)
                assert not value.lower().startswith(("javascript", "data:text")), (path, value)
    pages = [p.relative_to(out).as_posix() for p in html_pages(out)]
    assert "about/index.html" in pages and len(pages) > 15
    dialogs, errors, requests = [], [], []
    with static_server(out) as base, chromium() as browser:
        context = browser.new_context()
        context.on("request", lambda r: requests.append(r.url))
        context.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        for rel in pages + ["search/?q=onerror", "search/?q=alert"]:
            page = context.new_page()
            page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
            page.on("pageerror", lambda e, rel=rel: errors.append(f"{rel}: {e}"))
            page.on(
                "console",
                lambda m, rel=rel: errors.append(f"{rel}: {m.text}") if m.type == "error" else None,
            )
            page.goto(f"{base}/{rel}")
            page.wait_for_load_state("networkidle")
            if "?q=" in rel:  # results and excerpts, shown by search.js
                page.locator(".search-result").first.wait_for(timeout=15000)
            page.evaluate(FIRE_EVERY_HANDLER)
            page.close()
        context.close()
    assert dialogs == [] and errors == []
    assert requests and all(url.startswith((base, "data:")) for url in requests), sorted(
        {u for u in requests if not u.startswith(base)}
    )
