"""A booklet: several tagged PDFs (the cover, then every card) joined into
one that is still tagged. pypdf joins pages but drops each part's structure
tree (what a screen reader reads); this module carries the trees over and
joins them under one root, so the booklet reads like its cards without
laying any card out again.

Each part's tree refers to its pages (/Pg), its link annotations (/OBJR)
and its root (/P of the top elements); those references are mapped to the
joined file's objects. A page's /StructParents and an annotation's
/StructParent are keys of the part's parent tree: each part's keys are
shifted past the parts before it."""

from __future__ import annotations

import io

from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    BooleanObject,
    DictionaryObject,
    IndirectObject,
    NameObject,
    NumberObject,
    PdfObject,
    TextStringObject,
)


def join_tagged(parts: list[tuple[bytes, str]], title: str, author: str, language: str) -> bytes:
    """One tagged PDF of `parts`, each (PDF, the bookmark to its first page)."""
    writer = PdfWriter()
    root = writer._add_object(
        DictionaryObject({NameObject("/Type"): NameObject("/StructTreeRoot")})
    )
    # one Document element for the whole booklet; each part's own Document
    # becomes a Part of it (a tagged PDF has one top element)
    document = writer._add_object(
        DictionaryObject(
            {
                NameObject("/Type"): NameObject("/StructElem"),
                NameObject("/S"): NameObject("/Document"),
                NameObject("/P"): root,
            }
        )
    )
    kids, nums, offset = ArrayObject(), ArrayObject(), 0
    for data, bookmark in parts:
        reader = PdfReader(io.BytesIO(data))
        refs = {}  # the part's object number -> the joined file's object
        tree = reader.trailer["/Root"].get("/StructTreeRoot")
        if tree is not None:
            refs[tree.indirect_reference.idnum] = document
        first = len(writer.pages)
        for page in reader.pages:
            _add_page(writer, page, offset, refs)
        writer.add_outline_item(bookmark, first)
        if tree is None:
            continue
        copy = _Copier(writer, refs)
        top = tree.get_object().raw_get("/K")
        for kid in top if isinstance(top, ArrayObject) else [top]:
            element = copy(kid)
            if element.get_object().get("/S") == "/Document":
                element.get_object()[NameObject("/S")] = NameObject("/Part")
            kids.append(element)
        pairs = _numbers(tree["/ParentTree"].get_object())
        for key, value in pairs:
            nums.extend([NumberObject(key + offset), copy(value)])
        offset += max((key for key, _ in pairs), default=-1) + 1
    document.get_object()[NameObject("/K")] = kids
    root_object = root.get_object()
    root_object[NameObject("/K")] = ArrayObject([document])
    root_object[NameObject("/ParentTree")] = writer._add_object(
        DictionaryObject({NameObject("/Nums"): nums})
    )
    root_object[NameObject("/ParentTreeNextKey")] = NumberObject(offset)
    catalog = writer._root_object
    catalog[NameObject("/StructTreeRoot")] = root
    catalog[NameObject("/MarkInfo")] = DictionaryObject(
        {NameObject("/Marked"): BooleanObject(True)}
    )
    catalog[NameObject("/Lang")] = TextStringObject(language)
    catalog[NameObject("/ViewerPreferences")] = DictionaryObject(
        {NameObject("/DisplayDocTitle"): BooleanObject(True)}
    )
    writer.add_metadata({"/Title": title, "/Author": author})
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _add_page(writer: PdfWriter, page, offset: int, refs: dict) -> None:
    """The page, added, with its parent-tree keys shifted and its own and
    its annotations' object numbers mapped for the tree."""
    added = writer.add_page(page)
    refs[page.indirect_reference.idnum] = added.indirect_reference
    if "/StructParents" in page:
        added[NameObject("/StructParents")] = NumberObject(page["/StructParents"] + offset)
    old = page.get("/Annots") or []
    new = added.get("/Annots") or []
    for before, after in zip(old, new, strict=False):
        if not isinstance(before, IndirectObject) or not isinstance(after, IndirectObject):
            continue  # an annotation written inline: no tree element can point at it
        refs[before.idnum] = after
        annotation = after.get_object()
        if "/StructParent" in annotation:
            key = annotation["/StructParent"] + offset
            annotation[NameObject("/StructParent")] = NumberObject(key)


def _numbers(tree: DictionaryObject) -> list[tuple[int, PdfObject]]:
    """The (key, value) pairs of a number tree, its /Kids walked."""
    pairs = []
    found = tree.get("/Nums") or []
    for i in range(0, len(found) - 1, 2):
        pairs.append((int(found[i]), found[i + 1]))
    for kid in tree.get("/Kids") or []:
        pairs += _numbers(kid.get_object())
    return pairs


class _Copier:
    """Copies structure objects into the joined file; an object already
    there (a page, an annotation, the root, an element copied before) is
    referred to, not copied again."""

    def __init__(self, writer: PdfWriter, refs: dict):
        self.writer, self.refs = writer, refs

    def __call__(self, value):
        if isinstance(value, IndirectObject):
            if value.idnum not in self.refs:
                placeholder = self.writer._add_object(DictionaryObject())
                self.refs[value.idnum] = placeholder
                copied = self(value.get_object())
                if isinstance(copied, DictionaryObject):
                    placeholder.get_object().update(copied)
                else:  # an indirect array or number: stored as it is
                    self.writer._objects[placeholder.idnum - 1] = copied
            return self.refs[value.idnum]
        if isinstance(value, DictionaryObject):
            return DictionaryObject({NameObject(k): self(v) for k, v in value.items()})
        if isinstance(value, ArrayObject):
            return ArrayObject(self(v) for v in value)
        return value
