"""A resolver for crawl tests (Scrapy's DNS_RESOLVER): names under .invalid (RFC 2606, never
resolvable) fail at once with DNSLookupError, as an unresolvable host does, without a query ever
leaving the machine; every other name is resolved as Scrapy's own resolver does."""

from __future__ import annotations

from scrapy.resolver import CachingThreadedResolver
from twisted.internet import defer
from twisted.internet.error import DNSLookupError


class InvalidNamesDoNotResolve(CachingThreadedResolver):
    def getHostByName(self, name, timeout=()):
        if name.endswith(".invalid"):
            return defer.fail(DNSLookupError(f"no address associated with {name}"))
        return super().getHostByName(name, timeout)
