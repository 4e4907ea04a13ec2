#!/usr/bin/env python3
"""Real parsers for the distribution tests (feeds.rs, seo.rs): fetch a URL from the test
server and print what a feed reader, an XML parser or an HTML parser makes of it, as JSON.

    distribution.py feed URL      feedparser's view of an RSS or Atom feed
    distribution.py jsonfeed URL  a JSON Feed 1.1, checked for its required members
    distribution.py xml URL       an XML document as nested {tag, attrs, text, children}
    distribution.py head URL      <link>, <meta> and JSON-LD blocks of an HTML page
"""
import calendar
import html.parser
import json
import sys
import urllib.request
import xml.etree.ElementTree as ET


def fetch(url):
    with urllib.request.urlopen(url, timeout=20) as r:
        return r.read(), r.headers.get("Content-Type", "")


def iso(struct):
    if not struct:
        return None
    return calendar.timegm(struct)


def feed(url):
    import feedparser  # installed by .ci/run

    body, ctype = fetch(url)
    d = feedparser.parse(body, response_headers={"content-type": ctype})
    out = {
        "bozo": bool(d.bozo),
        "bozo_exception": str(d.get("bozo_exception", "")),
        "version": d.version,
        "title": d.feed.get("title"),
        "link": d.feed.get("link"),
        "language": d.feed.get("language"),
        "links": [dict(rel=l.get("rel"), href=l.get("href"), type=l.get("type")) for l in d.feed.get("links", [])],
        "entries": [],
    }
    for e in d.entries:
        out["entries"].append({
            "id": e.get("id"),
            "title": e.get("title"),
            "link": e.get("link"),
            "published": iso(e.get("published_parsed")),
            "updated": iso(e.get("updated_parsed")),
            "summary": e.get("summary"),
            "content": [c.get("value") for c in e.get("content", [])],
            "tags": [t.get("term") for t in e.get("tags", [])],
            "enclosures": [dict(href=x.get("href"), type=x.get("type")) for x in e.get("enclosures", [])],
            "author": e.get("author"),
        })
    return out


def jsonfeed(url):
    body, ctype = fetch(url)
    d = json.loads(body.decode("utf-8"))
    problems = []
    if d.get("version") != "https://jsonfeed.org/version/1.1":
        problems.append("version")
    if not isinstance(d.get("title"), str):
        problems.append("title")
    if not isinstance(d.get("items"), list):
        problems.append("items")
    for i, item in enumerate(d.get("items", [])):
        if not isinstance(item.get("id"), str):
            problems.append(f"items[{i}].id")
        if "content_html" not in item and "content_text" not in item:
            problems.append(f"items[{i}].content")
    return {"content_type": ctype, "problems": problems, "feed": d}


def element(e):
    return {
        "tag": e.tag,
        "attrs": dict(e.attrib),
        "text": (e.text or "").strip(),
        "children": [element(c) for c in e],
    }


def xml(url):
    body, ctype = fetch(url)
    root = ET.fromstring(body)
    return {"content_type": ctype, "root": element(root)}


class Head(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links, self.meta, self.jsonld, self.title = [], [], [], ""
        self.anchors = []
        self._ld = None
        self._in_title = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "link":
            self.links.append(a)
        elif tag == "a":
            self.anchors.append(a)
        elif tag == "meta":
            self.meta.append(a)
        elif tag == "script" and a.get("type") == "application/ld+json":
            self._ld = []
        elif tag == "title":
            self._in_title = True

    def handle_endtag(self, tag):
        if tag == "script" and self._ld is not None:
            self.jsonld.append("".join(self._ld))
            self._ld = None
        if tag == "title":
            self._in_title = False

    def handle_data(self, data):
        if self._ld is not None:
            self._ld.append(data)
        elif self._in_title:
            self.title += data


def head(url):
    body, _ = fetch(url)
    p = Head()
    p.feed(body.decode("utf-8"))
    return {"title": p.title, "links": p.links, "meta": p.meta, "jsonld": p.jsonld, "anchors": p.anchors}


if __name__ == "__main__":
    command, url = sys.argv[1], sys.argv[2]
    print(json.dumps({"feed": feed, "jsonfeed": jsonfeed, "xml": xml, "head": head}[command](url), ensure_ascii=False))
