"""Item pipelines: validation, extraction and cleaning, deduplication passes, storage.

The order lives in one place, ITEM_PIPELINES in crawlers/settings.py.
"""
