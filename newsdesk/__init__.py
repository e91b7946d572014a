"""newsdesk: a pipeline that collects foreign-affairs news into a relational database.

This package is the top of the house: the `newsdesk` command (cli/) and the bundled sample news
network (samplenet/). Everything it runs lives below it: crawlers/, pipelines/, storage/, core/.
"""


def __getattr__(name: str):
    # The version is read on demand: importing this package must stay cheap, because `newsdesk
    # crawl` starts its crawl process before anything else is imported (crawlers/runs/prestart.py).
    if name == "__version__":
        from core.settings import version

        return version()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
