"""Crawling on several machines: scrapy-redis's shared queue with what a nightly news crawl needs on
top (queue), a worker's share of a run (worker_recorder), and the coordinator that seeds a run,
follows its workers and closes it (coordinator)."""
