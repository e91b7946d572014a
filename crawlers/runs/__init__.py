"""Runs: starting a crawl process and following it (runner, process), the `crawl_runs` record of
every crawl (recorder), its log file (logs), how its counters read (counters, measures), and its
health verdict against the source's own history (health, overview) with alerts on a change
(alerts). `after_run.assess_finished_run(run_id)` is called wherever a run is closed (the run
recorder of a crawl process, the distributed coordinator) and never fails the run. The SQL of the
table is storage/runs.py; `newsdesk runs` and `newsdesk health` show them.
"""
