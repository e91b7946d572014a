"""Extraction: one fetched page in, one clean article record out (decoding, metadata, trafilatura,
the cleaning passes, dates, language), run in worker processes. `extractor.extract_page` is the
entry point; stage 200 (pipelines/extract.py), `newsdesk extract` and `newsdesk reprocess` call it."""
