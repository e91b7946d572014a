"""Boilerplate lines by phrase: share/follow/newsletter prompts, teasers, ads and image credits.

The phrase lists are per language (en, fr, es, de, ar, zh, ru, ur, and a few more); all lists
apply to every page, since outlets mix languages in their templates. A line is dropped when it
*is* such a prompt: it starts with one of the phrases and is short, or it is a credit line.
Long lines that merely contain a phrase are text and stay.
"""

from __future__ import annotations

import re

# Phrases that open a boilerplate line; matched case-insensitively at the start of the line.
LEADING_PHRASES: dict[str, list[str]] = {
    "en": [
        "also read", "read also", "read more", "read next", "related:", "related stories", "related articles",
        "recommended", "more from", "more on this", "see also", "watch:", "watch video", "listen:",
        "advertisement", "sponsored", "story continues below", "article continues below", "scroll to continue",
        "share this", "share on", "share:", "share via", "click to share", "tweet this", "follow us",
        "follow @", "like us on", "join our", "subscribe to", "subscribe now", "sign up for",
        "sign up to", "get the latest", "download the", "download our", "get our app", "newsletter",
        "click here", "tap here", "for more news", "copyright ©", "© copyright",
        "all rights reserved", "this article was", "this story was", "this story has been", "updated:",
        "published:", "posted on", "last updated", "photo:", "photo credit", "photograph:", "image:",
        "image credit", "image source", "picture:", "file photo", "credit:", "caption:", "video:",
        "comments", "leave a comment", "print this", "email this", "report an error", "tags:", "topics:",
        "trending", "most read", "don't miss", "you may also like", "you might also like", "we recommend",
    ],
    "fr": [
        "lire aussi", "à lire aussi", "a lire aussi", "lire la suite", "voir aussi", "publicité",
        "partager", "partagez", "abonnez-vous", "suivez-nous", "inscrivez-vous", "newsletter",
        "crédit photo", "photo :", "crédits", "commentaires", "sur le même sujet", "à voir aussi",
    ],
    "es": [
        "lee también", "lea también", "leer más", "te puede interesar", "publicidad", "compartir",
        "comparte", "suscríbete", "síguenos", "foto:", "fotografía:", "imagen:", "comentarios",
        "noticias relacionadas", "más información", "ver también", "también te puede interesar",
    ],
    "de": [
        "lesen sie auch", "lesen sie mehr", "auch interessant", "mehr zum thema", "anzeige", "werbung",
        "teilen", "newsletter", "abonnieren", "folgen sie uns", "bild:", "foto:", "quelle:",
        "kommentare", "weiterlesen", "zum thema", "das könnte sie auch interessieren",
    ],
    "ar": [
        "اقرأ أيضا", "اقرأ أيضاً", "اقرأ ايضا", "إقرأ أيضا", "اقرأ المزيد", "إعلان", "شارك", "شاركوا",
        "تابعونا", "تابعنا", "اشترك", "للمزيد", "مواضيع ذات صلة", "الصورة:", "صورة:",
    ],
    "zh": [
        "相关阅读", "延伸阅读", "相关新闻", "推荐阅读", "广告", "分享到", "分享", "关注我们", "扫码关注",
        "责任编辑", "编辑：", "图片来源", "图：", "来源：", "点击查看", "更多精彩",
    ],
    "ru": [
        "читайте также", "читать далее", "подробнее", "реклама", "поделиться", "подписывайтесь",
        "подпишитесь", "фото:", "фото -", "источник:", "комментарии", "по теме", "смотрите также",
    ],
    "ur": [
        "یہ بھی پڑھیں", "مزید پڑھیں", "اشتہار", "شیئر کریں", "ہمیں فالو کریں", "سبسکرائب کریں", "تصویر:",
    ],
    "it": ["leggi anche", "pubblicità", "condividi", "iscriviti", "seguici"],
    "pt": ["leia também", "leia mais", "publicidade", "compartilhe", "siga-nos", "assine"],
    "tr": ["ayrıca okuyun", "ilginizi çekebilir", "reklam", "paylaş", "bizi takip edin"],
}
# A line starting with a phrase is boilerplate only if it is short: a teaser, not a paragraph.
MAX_PROMPT_CHARS = 160

# Whole-line patterns: image credits and agency/photo attributions, in any language.
CREDIT_LINE = re.compile(
    r"""^(
        [\(\[]?\s*(photo|photograph|image|picture|file|foto|bild|crédit|credit|source|fuente|quelle|фото|صورة|تصویر)
            [^\n]{0,40}?(by|:|/|-|–|—)\s*[^\n]{1,80}[\)\]]?
      | [\(\[]\s*(afp|ap|reuters|getty|epa|xinhua|anadolu|app|ani|pti|ips|efe|dpa|ansa|tass|ria)[^\n]{0,60}[\)\]]
      | (©|\(c\))\s*[^\n]{1,80}
      | (getty\s+images|reuters|afp|ap\s+photo|epa)(\s*/\s*[^\n]{1,60})?
    )\s*$""",
    re.IGNORECASE | re.VERBOSE,
)

# Multi-word phrases (and phrases ending in ":") are specific enough to open any short line.
# A single word ("Comments", "Share", "Anzeige", "شارك") is also an ordinary word that starts real
# sentences, so it only counts when it stands alone or is followed by a separator or a count.
_PHRASES = sorted({p for phrases in LEADING_PHRASES.values() for p in phrases}, key=len, reverse=True)
_SPECIFIC = tuple(p for p in _PHRASES if " " in p or p.endswith((":", "-")) or not p.isalpha())
_SINGLE_WORDS = tuple(p for p in _PHRASES if p not in _SPECIFIC)
_AFTER_SINGLE_WORD = re.compile(r"^[\s:|\-–—»>(\[\d)\].]*$")


def _single_word_prompt(lowered: str) -> bool:
    for word in _SINGLE_WORDS:
        if lowered.startswith(word):
            rest = lowered[len(word):]
            if not rest or _AFTER_SINGLE_WORD.match(rest) or rest[0] in ":|-–—»>":
                return True
    return False


def is_boilerplate_line(line: str) -> bool:
    lowered = line.casefold().strip(" \t-–—•*>»|")
    if not lowered:
        return True
    if len(line) <= MAX_PROMPT_CHARS and (lowered.startswith(_SPECIFIC) or _single_word_prompt(lowered)):
        return True
    return len(line) <= 140 and bool(CREDIT_LINE.match(line.strip()))


def remove_boilerplate_lines(paragraphs: list[str]) -> list[str]:
    return [paragraph for paragraph in paragraphs if not is_boilerplate_line(paragraph)]
