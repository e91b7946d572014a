"""Story texts for dedup tests: deterministic, varied, and long enough to be real articles."""

from __future__ import annotations

import random

PLACES = ["Geneva", "Bishkek", "Nairobi", "Jakarta", "Lima", "Oslo", "Doha", "Hanoi", "Accra", "Tbilisi",
          "Islamabad", "Brasilia", "Canberra", "Ankara", "Rabat", "Dhaka", "Warsaw", "Manila"]
ACTORS = ["the foreign minister", "the envoy", "the delegation", "the prime minister", "a senior official",
          "the ambassador", "the trade commissioner", "the defence secretary", "the spokesperson",
          "the deputy minister", "the special rapporteur", "the president's adviser"]
VERBS = ["said", "told reporters", "confirmed", "warned", "stressed", "announced", "argued", "noted",
         "insisted", "acknowledged", "suggested", "indicated"]
TOPICS = ["a ceasefire along the border", "tariffs on steel and aluminium", "the release of detained journalists",
          "a new pipeline agreement", "visa rules for students", "joint naval exercises", "debt relief talks",
          "a water-sharing treaty", "sanctions on shipping firms", "refugee returns", "a grain export corridor",
          "climate finance pledges", "an arms control framework", "fisheries quotas", "election observers",
          "a cultural exchange programme", "port access rights", "a prisoner exchange"]
CLAUSES = ["after two days of closed-door talks", "before the summit closes on Friday",
           "despite objections from opposition lawmakers", "following months of stalled negotiations",
           "as regional tensions continued to rise", "according to a statement released late on Tuesday",
           "in a move welcomed by neighbouring states", "amid growing pressure from business groups",
           "although details remain unclear", "with mediators from three countries present"]


def sentence(rng: random.Random) -> str:
    return (f"In {rng.choice(PLACES)}, {rng.choice(ACTORS)} {rng.choice(VERBS)} that {rng.choice(TOPICS)} "
            f"would be discussed {rng.choice(CLAUSES)}, and {rng.choice(ACTORS)} {rng.choice(VERBS)} "
            f"that {rng.choice(TOPICS)} {rng.choice(CLAUSES)}.")


def story(seed: int, paragraphs: int = 8, sentences: int = 3) -> str:
    rng = random.Random(seed)
    return "\n\n".join(" ".join(sentence(rng) for _ in range(sentences)) for _ in range(paragraphs))


def syndicated_copy(text: str, seed: int = 0) -> str:
    """How an outlet republishes a wire story: new opening line, a few words changed, the last
    paragraph cut, an "Also read" line and the agency credit added."""
    rng = random.Random(seed)
    paragraphs = text.split("\n\n")[:-1]
    paragraphs.insert(len(paragraphs) // 2, "Also read: markets rally as talks resume")
    words = paragraphs[0].split()
    for _ in range(3):
        i = rng.randrange(len(words))
        words[i] = rng.choice(["reportedly", "officially", "again", "formally"])
    paragraphs[0] = " ".join(words).replace("said", "stated", 1)
    return "\n\n".join([*paragraphs, "With input from MNA"])


def brief(seed: int) -> str:
    rng = random.Random(seed)
    return (f"{rng.choice(PLACES).upper()}: The foreign office said on Monday that talks on "
            f"{rng.choice(TOPICS)} would continue next week. A spokesperson declined to give details. "
            f"Officials from both sides are expected to meet in {rng.choice(PLACES)}.")
