"""newsdesk: a pipeline that collects foreign-affairs news into a relational database.

This package is the top of the house: the `newsdesk` command (cli/) and the bundled sample news
network (samplenet/). Everything it runs lives below it: crawlers/, pipelines/, storage/, core/.
"""

from core.settings import version

__version__ = version()
