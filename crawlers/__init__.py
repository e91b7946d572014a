"""Scrapy project: spiders built from the sources file, middlewares and extensions."""
