"""`prehab studies import FILE`: add studies from a CSL-JSON or BibTeX
export (Zotero, Mendeley) to content/studies.yml. New entries are appended
as text, so existing entries and comments stay exactly as they were; a study
whose DOI is already in the registry is skipped."""

from __future__ import annotations

import json
import os
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .atomic import write_atomic
from .files import MIB, Gate, Limit, Refusal, open_regular
from .placeholders import STUDY_FINDING
from .urls import slugify

STOPWORDS = {
    "a",
    "an",
    "the",
    "of",
    "and",
    "or",
    "in",
    "on",
    "for",
    "to",
    "with",
    "vs",
    "versus",
    "is",
    "are",
    "does",
    "do",
    "how",
    "what",
    "why",
    "effect",
    "effects",
    "effectiveness",
    "comparison",
    "randomized",
    "randomised",
    "trial",
    "study",
}


# A study's `design`, from what an export names it: PubMed publication types
# ("Meta-Analysis", "Randomized Controlled Trial"), a CSL `genre`, BibTeX
# `type` or keywords. Only names that say one design plainly; "Review" alone
# (systematic or not?) or "Observational Study" say none.
DESIGN_NAMES = {
    "meta analysis": "meta-analysis",
    "metaanalysis": "meta-analysis",
    "systematic review and meta analysis": "meta-analysis",
    "systematic review": "systematic-review",
    "randomized controlled trial": "rct",
    "randomised controlled trial": "rct",
    "practice guideline": "guideline",
    "guideline": "guideline",
    "cohort study": "cohort",
    "prospective cohort study": "cohort",
    "retrospective cohort study": "cohort",
    "case control study": "case-control",
    "cross sectional study": "cross-sectional",
    "case series": "case-series",
}
# When an export names several (PubMed gives a meta-analysis both), the most specific.
DESIGN_ORDER = ("meta-analysis", "systematic-review", "guideline", "rct", "cohort")
DESIGN_ORDER += ("case-control", "cross-sectional", "case-series")
DESIGN_FIELDS = ("genre", "type", "publicationtype", "pubtype", "pt", "keyword", "keywords")


def design_of(fields: dict) -> str | None:
    """The design that `fields` (an exported entry, any case of key) name
    plainly, or None."""
    found = set()
    for key, value in fields.items():
        if re.sub(r"[-_\s]+", "", str(key).lower()) not in DESIGN_FIELDS or not value:
            continue
        values = value if isinstance(value, list) else re.split(r"[,;\n]", str(value))
        for name in values:
            words = re.sub(r"[-_\s]+", " ", str(name)).strip().lower()
            if words in DESIGN_NAMES:
                found.add(DESIGN_NAMES[words])
    return next((design for design in DESIGN_ORDER if design in found), None)


class ImportError_(Exception):
    pass


@dataclass
class ImportResult:
    added: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # "title (reason)"


def _clean_doi(doi: str | None) -> str | None:
    if not doi:
        return None
    doi = re.sub(r"^(https?://(dx\.)?doi\.org/|doi:\s*)", "", doi.strip(), flags=re.I)
    return doi or None


def from_csl_json(text: str) -> list[dict]:
    items = json.loads(text)
    if isinstance(items, dict):
        items = [items]
    studies = []
    for item in items:
        authors = [
            " ".join(p for p in (a.get("given"), a.get("family")) if p) or a.get("literal", "")
            for a in item.get("author", [])
        ]
        issued = (item.get("issued") or {}).get("date-parts") or [[None]]
        studies.append(
            {
                "title": item.get("title"),
                "authors": [a for a in authors if a],
                "year": issued[0][0],
                "journal": item.get("container-title"),
                "volume": item.get("volume"),
                "issue": item.get("issue"),
                "pages": item.get("page"),
                "doi": _clean_doi(item.get("DOI")),
                "pmid": item.get("PMID"),
                "url": item.get("URL"),
                "design": design_of(item),
            }
        )
    return studies


def from_bibtex(text: str) -> list[dict]:
    import bibtexparser
    from bibtexparser import middlewares

    library = bibtexparser.parse_string(
        text,
        append_middleware=[
            middlewares.LatexDecodingMiddleware(),
            middlewares.SeparateCoAuthors(),
            middlewares.SplitNameParts(),
        ],
    )
    studies = []
    for entry in library.entries:
        f = {k.lower(): v.value for k, v in entry.fields_dict.items()}
        authors = (
            [" ".join(a.first + a.von + a.last + a.jr) for a in f.get("author", [])]
            if isinstance(f.get("author"), list)
            else []
        )
        year = f.get("year")
        studies.append(
            {
                "title": f.get("title"),
                "authors": authors,
                "year": int(year) if str(year or "").isdigit() else None,
                "journal": f.get("journal") or f.get("journaltitle") or f.get("booktitle"),
                "volume": f.get("volume"),
                "issue": f.get("number"),
                "pages": f.get("pages"),
                "doi": _clean_doi(f.get("doi")),
                "pmid": f.get("pmid"),
                "url": f.get("url"),
                "design": design_of(f),
            }
        )
    return studies


def make_id(study: dict, taken: set[str]) -> str:
    """firstauthor-year-keyword, e.g. 'cai-2017-lower'; a suffix if taken."""
    family = study["authors"][0].split()[-1] if study["authors"] else "anon"
    words = [
        w
        for w in slugify(study.get("title") or "").split("-")
        if w and w not in STOPWORDS and not w.isdigit()
    ]
    base = "-".join(
        p for p in (slugify(family), str(study.get("year") or "nd"), words[0] if words else "") if p
    )
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}-{n}", n + 1
    return candidate


EXPORT_LIMIT = Limit(64 * MIB, "a fixed limit for an export", "export fewer studies at a time")
REGISTRY_LIMIT = Limit(64 * MIB, "a fixed limit for content/studies.yml", "split it")


def read_export(source: Path) -> str:
    """The export's text: a regular file (never a pipe that would block), capped.
    It may be anywhere (the user names it); the registry is read through the gate."""
    with os.fdopen(open_regular(source), "rb") as handle:
        data = handle.read(EXPORT_LIMIT.bytes + 1)
    if len(data) > EXPORT_LIMIT.bytes:
        raise ValueError(EXPORT_LIMIT.message(len(data)))
    return data.decode("utf-8")


def import_studies(project: Path, source: Path) -> ImportResult:
    """Raises ValueError (the export), OSError (reading it) or files.Refusal
    (content/studies.yml is a link out of the project, a pipe, too large)."""
    registry = project / "content/studies.yml"
    text = read_export(source)
    studies = (
        from_csl_json(text)
        if source.suffix.lower() in (".json", ".csljson") or text.lstrip().startswith(("[", "{"))
        else from_bibtex(text)
    )
    exists = os.path.lexists(registry)  # a link or a pipe there too: the gate says why
    existing_text = Gate(project).read(registry, REGISTRY_LIMIT).decode() if exists else ""
    existing = yaml.safe_load(existing_text) or {}
    dois = {
        str(v.get("doi", "")).lower()
        for v in existing.values()
        if isinstance(v, dict) and v.get("doi")
    }
    taken = set(existing)
    result = ImportResult()
    new_entries = {}
    for study in studies:
        title = study.get("title") or "(untitled)"
        if (
            not study.get("title")
            or not study.get("authors")
            or not study.get("year")
            or not study.get("journal")
        ):
            result.skipped.append(f"{title} (needs a title, authors, year and journal)")
            continue
        if not (study.get("doi") or study.get("pmid") or study.get("url")):
            result.skipped.append(f"{title} (no DOI, PubMed id or URL)")
            continue
        if study.get("doi") and study["doi"].lower() in dois:
            result.skipped.append(f"{title} (DOI {study['doi']} is already in content/studies.yml)")
            continue
        study_id = make_id(study, taken)
        taken.add(study_id)
        if study.get("doi"):
            dois.add(study["doi"].lower())
        entry = {
            k: (str(v) if k in ("volume", "issue", "pages", "pmid") else v)
            for k, v in study.items()
            if v not in (None, "", [])
        }
        entry["finding"] = STUDY_FINDING.text  # the build refuses it until it is replaced
        new_entries[study_id] = entry
        result.added.append(study_id)
    if new_entries:
        block = yaml.safe_dump(new_entries, sort_keys=False, allow_unicode=True, width=100)
        separator = "" if not existing_text or existing_text.endswith("\n") else "\n"
        # a new file renamed over the old: never written through a link
        write_atomic(registry, (existing_text + separator + block).encode("utf-8"))
    return result


def run_command(args) -> int:
    """`prehab studies import FILE` (generator/cli.py parses it; its exit codes)."""
    if not args.file.is_file():
        what = "not a regular file" if os.path.exists(args.file) else "no such file"
        print(f"error: {what}: {args.file}", file=sys.stderr)
        return 2  # usage
    try:
        result = import_studies(args.project, args.file)
    except ValueError as exc:  # UnicodeDecodeError too
        print(f"error: cannot read {args.file} as CSL-JSON or BibTeX: {exc}", file=sys.stderr)
        return 1  # content
    except OSError as exc:
        print(f"error: cannot read {args.file}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    except Refusal as exc:
        print(f"error: {exc}; nothing was imported", file=sys.stderr)
        return 1
    for study_id in result.added:
        print(f"added {study_id}")
    for skipped in result.skipped:
        print(f"skipped {skipped}")
    print(
        f"{len(result.added)} added, {len(result.skipped)} skipped; "
        "write each new study's 'finding' in content/studies.yml"
    )
    return 0
