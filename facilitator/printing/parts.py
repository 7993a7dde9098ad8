"""A PDF made of parts rendered side by side: the programme pack's cover, weeks and vocabulary sheet.

Each part is its own HTML document, cached by its own content hash, so an edit to week 3 re-renders
week 3 alone; the missing parts render at once in the job runner's processes (jobs.py), and the
parts are joined into one tagged PDF here, their structure trees under one Document element.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass

from flask import current_app

from . import engine, jobs
from .engine import PrintOptions


@dataclass(frozen=True)
class Part:
    html: str
    options: PrintOptions
    label: str  # its entry in the PDF's bookmarks

    @property
    def key(self) -> str:
        return engine.cache_key(self.html, self.options)


def render_parts(parts: Sequence[Part]) -> list[bytes]:
    """Every part's PDF: from the cache, the missing ones rendered in parallel and stored."""
    pdfs = [engine.cached_pdf(part.key) for part in parts]
    missing = [index for index, pdf in enumerate(pdfs) if pdf is None]
    rendered = jobs.render_many([parts[index].html for index in missing], current_app.static_folder or "")
    for index, pdf in zip(missing, rendered, strict=True):
        engine.store_pdf(parts[index].key, pdf)
        pdfs[index] = pdf
    return pdfs


def pdf_reader(pdf: bytes):  # noqa: ANN201 (a pypdf PdfReader)
    """A part read once, for its page count and then for joining: parsing a tagged part costs
    about as much as joining it (bench/handouts.py)."""
    from pypdf import PdfReader

    return PdfReader(io.BytesIO(pdf))


def join_pdfs(readers: Sequence, labels: Sequence[str]) -> bytes:
    """One PDF of all pages of the parts (each a pdf_reader) in order, keeping PDF/UA tagging: the
    catalog and XMP metadata of the first part (render it with the whole document's title), every
    part's structure under one Document element, and each part's bookmarks under its label."""
    from pypdf import PdfWriter
    from pypdf.generic import ArrayObject, DictionaryObject, NameObject, NumberObject

    writer = PdfWriter()
    document = DictionaryObject({NameObject("/Type"): NameObject("/StructElem"), NameObject("/S"): NameObject("/Document"),
                                 NameObject("/K"): ArrayObject()})  # fmt: skip
    document_ref = writer._add_object(document)
    parent_nums = ArrayObject()
    parent_tree_ref = writer._add_object(DictionaryObject({NameObject("/Nums"): parent_nums}))
    root = DictionaryObject({NameObject("/Type"): NameObject("/StructTreeRoot"), NameObject("/K"): ArrayObject([document_ref]),
                             NameObject("/ParentTree"): parent_tree_ref})  # fmt: skip
    root_ref = writer._add_object(root)
    document[NameObject("/P")] = root_ref
    offset = 0
    for number, (reader, label) in enumerate(zip(readers, labels, strict=True)):
        first_page = len(writer.pages)
        writer.append(reader, outline_item=label)
        catalog = reader.trailer["/Root"]
        if number == 0:
            for name in ("/Lang", "/MarkInfo", "/ViewerPreferences", "/Metadata"):
                if name in catalog:
                    writer._root_object[NameObject(name)] = catalog.raw_get(name).clone(writer)
            writer.add_metadata({k: v for k, v in (reader.metadata or {}).items() if k in ("/Title", "/Author")})
        if "/StructTreeRoot" not in catalog:
            continue
        tree = catalog["/StructTreeRoot"]
        part_document = tree["/K"][0] if isinstance(tree["/K"], ArrayObject) else tree["/K"]
        # The part's own root and Document element become ours, so nothing of theirs is copied twice.
        translated = writer._id_translated.setdefault(id(reader), {})
        translated[catalog.raw_get("/StructTreeRoot").idnum] = root_ref.idnum
        translated[(tree.raw_get("/K")[0] if isinstance(tree["/K"], ArrayObject) else tree.raw_get("/K")).idnum] = document_ref.idnum
        for kid in part_document["/K"]:
            document["/K"].append(kid.clone(writer))
        nums = tree["/ParentTree"]["/Nums"]
        highest = -1
        for index in range(0, len(nums), 2):
            key = int(nums[index])
            highest = max(highest, key)
            parent_nums.append(NumberObject(key + offset))
            parent_nums.append(nums[index + 1].clone(writer))
        for page_number, page in enumerate(reader.pages):
            ours = writer.pages[first_page + page_number]
            if "/StructParents" in page:
                ours[NameObject("/StructParents")] = NumberObject(int(page["/StructParents"]) + offset)
            for annotation in ours.get("/Annots", ()):
                annotation = annotation.get_object()
                if "/StructParent" in annotation:
                    annotation[NameObject("/StructParent")] = NumberObject(int(annotation["/StructParent"]) + offset)
        offset += highest + 1
    root[NameObject("/ParentTreeNextKey")] = NumberObject(offset)
    writer._root_object[NameObject("/StructTreeRoot")] = root_ref
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()
