"""Reuse machinery, beside the pipeline (kept free of imports, so the
"nothing changed" check of `prehab build` starts without loading pydantic):
nothing in the pipeline imports it.
A stage takes at most one optional `Reuse` value and returns the same result
with it or without it (tests/test_edit_matrix.py proves it edit by edit).

| module | owns |
|---|---|
| `fingerprint.py` | digests of plain values: the one meaning of "the same input" |
| `toolchain.py` | prehab's code, library versions, system fonts and PDF libraries |
| `memo.py` | bodies and pages remembered with the reads that made them (`Reuse`) |
| `memo_file.py` | the memo on disk: a signed base and a signed delta of what changed since |
| `cache.py` | content-hash files for PDF cards, resized images and the search index |
| `uptodate.py` | the "nothing changed" check that skips a whole build |
"""
