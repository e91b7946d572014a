"""Scrapy's per-response check for generator callbacks that return a value is off
(WARN_ON_GENERATOR_RETURN_VALUE, crawlers/settings.py: it parsed the callback's source for every
page); this test makes the same check once, over every spider method we wrote."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import scrapy
from scrapy.utils.misc import is_generator_with_return_value

import crawlers
import crawlers.spiders
from crawlers import settings


def our_spider_classes() -> set[type]:
    modules = [importlib.import_module(f"crawlers.{info.name}") for info in pkgutil.iter_modules(crawlers.__path__)
               if info.name.endswith("_spider")]
    modules += [importlib.import_module(f"crawlers.spiders.{info.name}")
                for info in pkgutil.iter_modules(crawlers.spiders.__path__)]
    return {value for module in modules for value in vars(module).values()
            if inspect.isclass(value) and issubclass(value, scrapy.Spider) and value.__module__.startswith("crawlers")}


def test_the_per_response_check_is_off():
    assert settings.WARN_ON_GENERATOR_RETURN_VALUE is False


def test_no_spider_generator_returns_a_value():
    checked = []
    for spider_class in our_spider_classes():
        for name, function in vars(spider_class).items():
            if inspect.isgeneratorfunction(function):
                assert not is_generator_with_return_value(function), f"{spider_class.__name__}.{name} returns a value"
                checked.append(name)
    assert "parse_article" in checked
