"""Articles that name countries and organisations, tagged by the real tagger and stored by the real
writer: what the tag tests (storage, views, filters, the API, reprocess) read back."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from core.records import ArticleData
from pipelines.dedup.writer import ArticleWriter, DedupSettings
from pipelines.extraction.tags import with_tags
from storage.models import Source

T0 = datetime(2026, 12, 1, 8, tzinfo=UTC)

# Filler that names no place: it makes the wire story article-sized, so that its copy joins its story
# (near-duplicate matching needs 120 words; the other texts are briefs, stored as stories of their own).
FILLER = ("Officials from both delegations spent the afternoon on the wording of the final statement, "
          "and several drafts were exchanged before the evening session. Observers said the tone had "
          "been constructive, although a number of technical questions remain open.\n\n"
          "Those questions will be passed to working groups that are due to report before the end of the "
          "month, a senior diplomat said, adding that nobody expected a quick result on water sharing.\n\n"
          "Trade between the two neighbours fell by a third last year, customs figures show, and traders "
          "on both sides of the line have asked for longer opening hours at the crossings.")

KYRGYZ_BORDER = (
    "Kyrgyzstan and Tajikistan sign border deal on the sidelines of SCO summit",
    "BISHKEK: Kyrgyzstan and Tajikistan signed an agreement on Tuesday settling the last disputed sections "
    "of their border, officials said, on the sidelines of a summit of the Shanghai Cooperation Organisation "
    "(SCO).\n\nThe Kyrgyz president said the deal ended decades of clashes. Tajik officials said the SCO "
    "had offered to monitor the new crossings.\n\n" + FILLER,
)
SUDAN_ENVOY = (
    "African Union envoy arrives in Khartoum as fighting spreads",
    "KHARTOUM: The African Union's envoy arrived in Sudan on Monday for talks with both warring sides, a "
    "spokesman said. The AU has suspended Sudan's membership since 2021.\n\nChad, which hosts hundreds of "
    "thousands of Sudanese refugees, asked the UN refugee agency UNHCR for more funds.",
)
NATO_FR = (
    "L'OTAN renforce sa présence en Roumanie",
    "L'Organisation du traité de l'Atlantique nord (OTAN) va déployer de nouvelles troupes en Roumanie, a "
    "annoncé mardi son secrétaire général. La Russie a dénoncé une provocation.\n\nLes alliés de l'OTAN "
    "doivent se réunir à Bruxelles la semaine prochaine.",
)


def tagged(title: str, text: str, url: str, *, language: str = "en", published: datetime | None = T0,
           publisher_country: str | None = None) -> ArticleData:
    """The article record as extraction makes it: its tags from the real tagger."""
    from pipelines.extraction.cleaning.dateline import find_dateline

    data = ArticleData(canonical_url=url, title=title, text=text, language=language, published_at=published,
                       dateline=find_dateline(text.split("\n\n")))
    return with_tags(data, publisher_country)


def add_sources(session: Session, *specs: tuple[str, str | None]) -> dict[str, int]:
    ids = {}
    for key, country in specs:
        source = Source(key=key, name=key.title(), discovery="feeds", country=country, language="en")
        session.add(source)
        session.flush()
        ids[key] = source.id
    return ids


def seed_tagged_newsroom(engine: Engine) -> dict[str, int]:
    """Four articles in three stories: the Kyrgyz border deal (on the wire, then a copy by a daily:
    one story), the AU envoy in Sudan, NATO in Romania (French). Returns article ids by name."""
    from tests.texts import syndicated_copy

    writer = ArticleWriter(DedupSettings())
    ids = {}
    with Session(engine) as session, session.begin():
        sources = add_sources(session, ("wire", "INT"), ("daily", "PK"), ("quotidien", "FR"))
        ids["kyrgyz"] = writer.write(session, tagged(*KYRGYZ_BORDER, "https://wire.example/kg-border"),
                                     source_id=sources["wire"], run_id=None).article_id
        copy = syndicated_copy(KYRGYZ_BORDER[1])
        ids["kyrgyz_copy"] = writer.write(session, tagged("Border deal signed", copy, "https://daily.example/kg",
                                                          published=T0 + timedelta(hours=2), publisher_country="PK"),
                                          source_id=sources["daily"], run_id=None).article_id
        ids["sudan"] = writer.write(session, tagged(*SUDAN_ENVOY, "https://wire.example/sudan",
                                                    published=T0 + timedelta(hours=3)),
                                    source_id=sources["wire"], run_id=None).article_id
        ids["nato_fr"] = writer.write(session, tagged(*NATO_FR, "https://quotidien.example/otan", language="fr",
                                                      published=T0 + timedelta(hours=4), publisher_country="FR"),
                                      source_id=sources["quotidien"], run_id=None).article_id
    return ids
