"""Runs: starting a crawl process and following it (runner, process), the `crawl_runs` record of
every crawl (recorder), its log file (logs) and how its counters read (counters). The SQL of the
table is storage/runs.py; `newsdesk runs` shows them."""
