"""Boilerplate lines by phrase: teasers, share/follow/newsletter prompts, labels, dates and credits.

Phrase lists are per language (en, fr, es, de, ar, zh, ru, ur, plus it, pt, tr, ko); every list
applies to every page, since outlets mix languages in their templates. A line is dropped only
when it *is* such a prompt: short, and opening with the phrase (or, for a label, consisting of
it). Long lines that merely contain a phrase are text and stay.

What each rule is worth was measured on the 181-page benchmark (bench/extraction.py); the rules
are anchored at the start of the line because loose ones removed real text ("subscribing for so
many shares", "Comments by the minister ...").
"""

from __future__ import annotations

import re

# "Also read: <headline>", "Read more: ...": a teaser for another article.
TEASER_PHRASES: dict[str, list[str]] = {
    "en": ["also read", "read also", "read more", "read next", "related:", "related stories", "related articles",
           "see also", "see more", "more on this", "more:", "watch:", "watch video", "listen:", "also on "],
    "fr": ["lire aussi", "à lire aussi", "a lire aussi", "lire la suite", "voir aussi", "à voir aussi",
           "sur le même sujet"],
    "es": ["lee también", "lea también", "leer más", "te puede interesar", "ver también", "noticias relacionadas",
           "también te puede interesar", "más información"],
    "de": ["lesen sie auch", "lesen sie mehr", "auch interessant", "mehr zum thema", "weiterlesen", "zum thema:",
           "das könnte sie auch interessieren"],
    "ar": ["اقرأ أيضا", "اقرأ أيضاً", "اقرأ ايضا", "إقرأ أيضا", "اقرأ المزيد", "مواضيع ذات صلة", "للمزيد"],
    "zh": ["相关阅读", "延伸阅读", "相关新闻", "推荐阅读", "点击查看", "更多精彩"],
    "ru": ["читайте также", "читать далее", "смотрите также", "по теме:"],
    "ur": ["یہ بھی پڑھیں", "مزید پڑھیں"],
    "it": ["leggi anche", "(leggi anche"],
    "pt": ["leia também", "leia mais", "veja também"],
    "tr": ["ayrıca okuyun", "ilginizi çekebilir"],
}

# Share / follow / subscribe / app prompts, opening the line.
PROMPT_PHRASES: dict[str, list[str]] = {
    "en": ["share this", "share on", "share:", "share via", "click to share", "tweet this", "follow us",
           "follow @", "like us on", "join our", "subscribe to", "subscribe now", "sign up for", "sign up to",
           "sign up:", "get the latest", "download the", "download our", "get our app", "click here",
           "tap here", "for more news", "story continues below", "article continues below",
           "scroll to continue", "continue reading", "leave a comment", "print this", "email this",
           "report an error", "have a tip?", "like this story?", "thanks for signing up"],
    "fr": ["partager", "partagez", "abonnez-vous", "suivez-nous", "inscrivez-vous", "recevez notre"],
    "es": ["compartir", "comparte", "suscríbete", "síguenos", "recibe nuestro"],
    "de": ["teilen", "newsletter abonnieren", "jetzt abonnieren", "folgen sie uns"],
    "ar": ["شارك", "شاركوا", "تابعونا", "تابعنا على", "اشترك في"],
    "zh": ["分享到", "关注我们", "扫码关注", "责任编辑", "编辑："],
    "ru": ["поделиться", "подписывайтесь", "подпишитесь"],
    "ur": ["شیئر کریں", "ہمیں فالو کریں", "سبسکرائب کریں"],
    "it": ["condividi", "iscriviti", "seguici"],
    "pt": ["compartilhe", "siga-nos", "assine"],
    "tr": ["paylaş", "bizi takip edin"],
}

# Labels that are a whole line on their own (and can start real sentences otherwise).
LABEL_WORDS: dict[str, list[str]] = {
    "en": ["advertisement", "advertising", "sponsored", "comments", "comment", "tags", "share", "print",
           "email", "tweet", "order reprints", "thank you", "sorry!", "trending", "most read", "recommended",
           "newsletter", "related", "topics"],
    "fr": ["publicité", "commentaires", "partager"],
    "es": ["publicidad", "comentarios", "compartir"],
    "de": ["anzeige", "werbung", "kommentare", "teilen"],
    "ar": ["إعلان", "شارك", "تعليقات"],
    "zh": ["广告", "分享", "评论"],
    "ru": ["реклама", "комментарии", "поделиться"],
    "ur": ["اشتہار", "تبصرے"],
    "it": ["pubblicità", "commenti"],
    "pt": ["publicidade", "comentários"],
    "ko": ["광고"],
}

MAX_TEASER_WORDS = 30
MAX_PROMPT_WORDS = 40
MAX_SINGLE_WORD_PROMPT_WORDS = 4

# Prompts that may sit anywhere in a short line: "... sign up for our newsletter", "Follow her on Twitter".
PROMO_ANYWHERE = re.compile(
    r"\b(our|daily|weekly|free|email|morning|evening)\s+newsletters?\b|\bnewsletters?\s*(here|now|today|:)"
    r"|\bsign(ing)? up\b.{0,40}\bnewsletter|\bfollow (us|him|her|them|\w+) on (twitter|x|facebook|instagram|telegram|whatsapp)\b"
    r"|\bget the .{1,30} app\b|\bin your inbox\b|\bto your inbox\b|\byoutube channel\b|\bwhatsapp channel\b",
    re.IGNORECASE,
)
# "Updated: 12 Nov 2026", "Published 3 hours ago", "5 min read", "기사입력 : 2018-08-25".
DATE_LINE = re.compile(
    r"^\W*((updated|published|posted|last (updated|modified)|mis à jour|publié le|actualizado|aktualisiert|"
    r"обновлено|опубликовано)\b.{0,40}\d.{0,20}|\d{4}-\d{2}-\d{2}(t[\d:+.\-z]+)?|기사입력.{0,30}|"
    r"\w+-feira, \d{1,2} de \w+ de \d{4}.{0,12}|tempo de leitura: .{1,20}|(\d+ )?min(ute)?s? read|"
    r"lesezeit:? .{1,12}|temps de lecture:? .{1,12})\W*$",
    re.IGNORECASE,
)
# Image credits and agency photo attributions, in any language.
CREDIT_LINE = re.compile(
    r"""^(
        [\(\[]?\s*(photo|photograph|image|picture|file\ photo|foto|bild|crédit\ photo|credit|fuente|quelle|фото|صورة|تصویر|图片来源|图)
            [^\n]{0,40}?(by|:|/|-|–|—|：)\s*[^\n]{1,80}[\)\]]?
      | [\(\[]\s*(afp|ap|reuters|getty(\ images)?|epa|xinhua|anadolu|app|ani|pti|ips|efe|dpa|ansa|tass|ria)[^\n]{0,60}[\)\]]
      | (getty\s+images|ap\s+photo|epa-efe)(\s*/\s*[^\n]{1,60})?
    )\s*$""",
    re.IGNORECASE | re.VERBOSE,
)


def _phrases(table: dict[str, list[str]]) -> tuple[str, ...]:
    return tuple(sorted({p.casefold() for phrases in table.values() for p in phrases}, key=len, reverse=True))


_TEASERS = _phrases(TEASER_PHRASES)
_PROMPTS = _phrases(PROMPT_PHRASES)
_LABELS = frozenset(_phrases(LABEL_WORDS))
_STRIP = " \t-–—•*>»|:·.!"
_COUNT_SUFFIX = re.compile(r"\s*[\(\[]?\d+[\)\]]?$")


def _opening(phrases: tuple[str, ...]) -> re.Pattern:
    """One regex for "the line opens with one of these phrases", ending at a word boundary
    ("share" is not "shares", "teilen" not "teilnehmen"); phrases ending in ":" need none."""
    words = [re.escape(p) for p in phrases if p[-1].isalnum()]
    others = [re.escape(p) for p in phrases if not p[-1].isalnum()]
    return re.compile(rf"^(?:(?:{'|'.join(words)})(?!\w)|(?:{'|'.join(others) or '(?!)'}))")


# A one-word prompt ("Partager", "Teilen", "شارك") is also a verb that opens real sentences
# ("شارك الرئيس في القمة": the president took part in the summit): it counts only in a line of
# a few words ("Partager sur Facebook").
_SINGLE_WORD = tuple(p for p in _PROMPTS if " " not in p and p[-1].isalnum())
_TEASER_OPENING = _opening(_TEASERS)
_PROMPT_OPENING = _opening(tuple(p for p in _PROMPTS if p not in _SINGLE_WORD))
_SINGLE_WORD_OPENING = _opening(_SINGLE_WORD)


def is_label_line(line: str) -> bool:
    """A line that is only a label ("Advertisement", "Comments (12)", "Anzeige")."""
    lowered = _COUNT_SUFFIX.sub("", line.casefold().strip(_STRIP)).strip(_STRIP)
    return lowered in _LABELS


def is_boilerplate_line(line: str) -> bool:
    stripped = line.strip()
    lowered = stripped.casefold().lstrip(" \t-–—•*>»|[(")
    if not lowered:
        return True
    words = len(stripped.split())
    if words <= MAX_TEASER_WORDS and _TEASER_OPENING.match(lowered):
        return True
    if words <= MAX_PROMPT_WORDS and (_PROMPT_OPENING.match(lowered) or PROMO_ANYWHERE.search(stripped)):
        return True
    if words <= MAX_SINGLE_WORD_PROMPT_WORDS and _SINGLE_WORD_OPENING.match(lowered):
        return True
    if words <= 6 and is_label_line(stripped):
        return True
    if words <= 12 and DATE_LINE.match(stripped):
        return True
    return len(stripped) <= 140 and bool(CREDIT_LINE.match(stripped))


def remove_boilerplate_lines(paragraphs: list[str]) -> list[str]:
    return [paragraph for paragraph in paragraphs if not is_boilerplate_line(paragraph)]
