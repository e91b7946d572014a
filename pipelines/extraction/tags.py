"""The last step of extraction: the article's country and organisation tags (issue 22).

The tagger (pipelines/tagging) reads the cleaned title and text, the language and the dateline the
cleaning found; the publisher's own country only breaks ties between readings of an ambiguous name.
"""

from __future__ import annotations

from core.records import ArticleData
from pipelines.tagging import tag


def with_tags(article: ArticleData, publisher_country: str | None = None) -> ArticleData:
    found = tag(article.title, article.text, language=article.language, dateline=article.dateline,
                publisher_country=publisher_country)
    article.countries = found.countries
    article.primary_country = found.primary_country
    article.organisations = found.organisations
    return article
