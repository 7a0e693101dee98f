"""Part of the images stage: an SVG from content/images is served from the
site's own origin, where a script in it would run as the site. Everything
active is removed before it is published: scripts, event handlers,
`foreignObject` (HTML inside the picture), animations that rewrite links,
and every reference to another file or site (only `#id` references within
the picture stay). Each kind of removal is one warning at the file. An SVG
that declares entities is refused: it cannot be read safely."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

SVG = "http://www.w3.org/2000/svg"
XLINK = "http://www.w3.org/1999/xlink"
ET.register_namespace("", SVG)
ET.register_namespace("xlink", XLINK)

_ACTIVE = {"script", "foreignObject", "iframe", "embed", "object", "handler", "listener"}
_LINKING = {"href", f"{{{XLINK}}}href", "src"}
# Within the picture (#id), or a picture embedded in it (exporters do that).
_LOCAL_REF = re.compile(r"\s*(#|data:image/(png|jpeg|gif|webp);)", re.IGNORECASE)
_OUTSIDE_URL = re.compile(r"url\(\s*['\"]?\s*(?!#)[^)]*\)|@import", re.IGNORECASE)


class UnsafeSvg(Exception):
    """An SVG that cannot be read safely (entities, or not XML at all)."""


def clean_svg(data: bytes) -> tuple[bytes, list[str]]:
    """The SVG without its active parts, and what was removed (in words);
    the bytes unchanged when nothing was."""
    if b"<!ENTITY" in data or b"<!entity" in data:
        raise UnsafeSvg("it declares XML entities; export it again without a DOCTYPE")
    try:
        root = ET.fromstring(data)
    except ET.ParseError as exc:
        raise UnsafeSvg(f"it is not well-formed XML ({exc})") from None
    removed: dict[str, None] = {}
    _clean(root, removed)
    if not removed:
        return data, []
    return ET.tostring(root, encoding="utf-8", xml_declaration=False), list(removed)


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _clean(element: ET.Element, removed: dict[str, None]) -> None:
    for child in list(element):
        name = _local(child.tag)
        if name in _ACTIVE:
            element.remove(child)
            removed[f"<{name}>"] = None
        elif name in ("set", "animate") and _local(child.get("attributeName", "")) in (
            "href",
            "src",
        ):
            element.remove(child)
            removed[f"<{name}> changing a link"] = None
        elif name == "style" and _OUTSIDE_URL.search(child.text or ""):
            element.remove(child)
            removed["a <style> loading other files"] = None
        else:
            _clean(child, removed)
    for attribute, value in list(element.attrib.items()):
        name = _local(attribute)
        if name.lower().startswith("on"):
            del element.attrib[attribute]
            removed["event handlers (on...)"] = None
        elif attribute in _LINKING and not _LOCAL_REF.match(value):
            del element.attrib[attribute]
            removed["links to other files or sites"] = None
        elif name == "style" and _OUTSIDE_URL.search(value):
            del element.attrib[attribute]
            removed["a style loading other files"] = None
