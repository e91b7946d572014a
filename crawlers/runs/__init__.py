"""What happens around a crawl run: its health verdict (health.py, measures.py) and alerts (alerts.py).

`after_run.assess_finished_run(run_id)` is called wherever a run is closed (the run recorder of a
crawl process, the distributed coordinator); it judges the run and alerts on a change, and never
fails the run.
"""
