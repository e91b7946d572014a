"""Deduplication: MinHash signatures, the exact / near-duplicate / revision passes, and the writer
that decides and stores one article in one transaction (writer.ArticleWriter). Stage 700
(pipelines/store.py), `newsdesk reprocess`, `newsdesk dedup --rebuild` and the benchmarks use it."""
