"""scrapy-redis internals newsdesk relies on, each checked before it is used.

The distributed scheduler (crawlers/distributed/queue.py) pops a request and marks its worker busy
in one Lua script, so it decodes the popped bytes itself, with the queue's `_decode_request`. When
a release no longer has it, the same decoding is done from the public pieces it is made of (the
queue's serializer and Scrapy's request_from_dict), and that is recorded.
"""

from __future__ import annotations

import functools

from compat import record

LIBRARY = "scrapy_redis"


@functools.cache
def _has_decoder(queue_class: type) -> bool:
    found = callable(getattr(queue_class, "_decode_request", None))
    return record(LIBRARY, "decode_request", found,
                  "" if found else "queue._decode_request is gone: decoded with the queue's serializer")


def decode_request(queue, encoded: bytes):
    if _has_decoder(type(queue)):
        return queue._decode_request(encoded)
    from scrapy.utils.request import request_from_dict

    return request_from_dict(queue.serializer.loads(encoded), spider=queue.spider)
