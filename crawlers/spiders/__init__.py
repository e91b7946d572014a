"""Hand-written spiders, for outlets the sources file alone cannot describe.

Most outlets need none: crawlers/loader.py builds their spiders from crawlers/sources.yaml. A
source that needs code names its class here with `kind: ClassName`; the class subclasses
FeedSpider, NewsSitemapSpider or SectionSpider and overrides one hook, no more.
"""
