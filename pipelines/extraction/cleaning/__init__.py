"""Cleaning passes run after trafilatura, each a small function over a list of paragraphs.

trafilatura finds the main text well but leaves boilerplate behind: repeated headline fragments
above all, plus share/follow lines, "Also read" teasers, image credits and bylines. Each pass
here removes one kind, so each can be tested, measured (bench/extraction.py) and explained alone.
"""
