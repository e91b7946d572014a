"""The offline sample news network: fictional outlets served on 127.0.0.1 for the demo and tests.

``site.py`` renders every page of every outlet as bytes and describes the special cases
(``manifest``); the HTTP server beside it only serves those pages.
"""
