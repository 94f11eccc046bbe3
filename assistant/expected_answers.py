"""What kind of answer a question expects, and whether a sentence can hold one.

Retrieval scores barely separate answerable from unanswerable questions: a plausible paragraph
is almost always found. What separates them is whether the evidence holds the kind of thing
asked for (a date for "when", a number for "how many") and the constraints the question names
(a year). These checks are deliberately coarse and language-aware, never question-specific.
"""

from __future__ import annotations

import re
from enum import Enum


class AnswerType(Enum):
    DATE = "date"
    NUMBER = "number"
    MONEY = "money"
    PERSON = "person"
    PLACE = "place"


_EXPECT: dict[str, list[tuple[AnswerType, re.Pattern[str]]]] = {
    "en": [
        (
            AnswerType.DATE,
            re.compile(r"\b(when|what year|which year|what date|what month|since when)\b", re.I),
        ),
        (AnswerType.NUMBER, re.compile(r"\b(how many|how much|what number|how old)\b", re.I)),
        (AnswerType.MONEY, re.compile(r"\b(budget|cost|price|amount|funding|fees?)\b", re.I)),
        (
            AnswerType.PERSON,
            re.compile(r"^\s*who\b|\bwho (is|was|were|signed|proposed)\b|\bwhose name\b", re.I),
        ),
        (
            AnswerType.PLACE,
            re.compile(r"\bwhere\b|\b(which|what) (city|country|town|place)\b", re.I),
        ),
    ],
    "fr": [
        (
            AnswerType.DATE,
            re.compile(
                r"\b(quand|quelle année|quelle date|quel mois|en quelle année|depuis quand)\b", re.I
            ),
        ),
        (AnswerType.NUMBER, re.compile(r"\bcombien\b|\bquel nombre\b", re.I)),
        (AnswerType.MONEY, re.compile(r"\b(budget|coût|prix|montant|financement)\b", re.I)),
        (
            AnswerType.PERSON,
            re.compile(
                r"^\s*qui\b|\b(quel|quelle) (ministre|président|personne|diplomate)\b", re.I
            ),
        ),
        (
            AnswerType.PLACE,
            re.compile(
                r"(^|\s)où\b|\b(quelle|dans quelle) (ville|localité)\b|\bquel (pays|lieu)\b", re.I
            ),
        ),
    ],
    "zh": [
        (AnswerType.DATE, re.compile(r"何时|什么时候|哪一?年|几月|什么时间|哪一天|日期")),
        (AnswerType.NUMBER, re.compile(r"多少|几个|几位|几名|几次|几届")),
        (AnswerType.MONEY, re.compile(r"预算|费用|金额|价格|经费")),
        (AnswerType.PERSON, re.compile(r"谁|哪一?位|什么人|名字|叫什么")),
        (
            AnswerType.PLACE,
            re.compile(r"哪里|哪儿|在哪|哪座城市|哪个城市|什么地方|什么地点|哪个国家"),
        ),
    ],
}

_MONTHS = (
    r"janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|décembre|"
    r"january|february|march|april|may|june|july|august|september|october|november|december"
)
_DATE = re.compile(rf"\b(1[5-9]\d\d|20\d\d)\b|\b({_MONTHS})\b|\d+\s*[年月日]", re.I)
_YEAR = re.compile(r"(?<!\d)(1[5-9]\d\d|20\d\d)(?!\d)")
_NUMBER_WORDS = re.compile(
    r"\b(deux|trois|quatre|cinq|six|sept|huit|neuf|dix|douze|vingt|cent|mille|"
    r"two|three|four|five|six|seven|eight|nine|ten|twelve|twenty|hundred|thousand)\b"
    r"|[两二三四五六七八九十百千万]+[个位名次届国]",
    re.I,
)
_DATE_SPAN = re.compile(
    rf"\b\d{{1,2}}\s+(?:{_MONTHS})\s+\d{{4}}\b|\b(?:1[5-9]|20)\d\d\b|\d+\s*[年月日]", re.I
)
_PERSON_ZH = re.compile(
    r"(主席|总统|总理|部长|大使|秘书长)[\u4e00-\u9fff]{2,4}|[\u4e00-\u9fff]{2,4}(主席|总统|总理|部长)"
)
_PLACE_ZH = re.compile(r"在[\u4e00-\u9fff]{2,8}(举行|召开|举办)|[\u4e00-\u9fff]{1,4}(市|省|首都)")
# A place is a name after a preposition of place: "à Almaty", "in New York", "New York, le".
_PLACE = re.compile(
    r"\b(?:à|au|aux|en|dans|de|near|in|at|from)\s+(?:la\s+|le\s+|l'|the\s+)?[A-ZÀ-Ý][a-zà-ÿ]+"
    r"|^[A-ZÀ-Ý][a-zà-ÿ]+(?: [A-ZÀ-Ý][a-zà-ÿ]+)?, (?:le|the|on)\b"
)
_MONEY = re.compile(
    r"[$€£¥]\s?\d|\d[\d\s.,]*\s?(dollars?|euros?|USD|EUR|millions?|milliards?|美元|欧元|元|万|亿)",
    re.I,
)
_NAME = re.compile(r"(?<!^)\b[A-ZÀ-Ý][a-zà-ÿ]+(?:[ -][A-ZÀ-Ý][a-zà-ÿ]+)*")
# Capitalised offices and bodies: names, but of no person.
_OFFICES = frozenset(
    [
        "Ambassadeur",
        "Ambassador",
        "Représentant",
        "Président",
        "President",
        "Ministre",
        "Minister",
        "Secrétaire",
        "Secretary",
        "Organisation",
        "Organization",
        "Nations",
        "Unies",
        "United",
        "Assemblée",
        "Assembly",
        "Conseil",
        "Council",
        "Mission",
        "Gouvernement",
        "Government",
    ]
)
# A person is a name right after a title or a signature: "S.E. M. Noursoultan Nazarbayev",
# "Le président Xi Jinping", "(Signé) Kairat Umarov"; a title alone ("L'Ambassadeur ... du
# Kazakhstan") names an office, not the person who holds it.
_TITLED_NAME = re.compile(
    r"(?:\bM\.|\bMme|\bMr\.?|\bMrs\.?|\bMs\.?|\bDr\.?|S\.E\.|\b[Pp]r[ée]sident|\bministre|"
    r"\bminister|\bSecretary-General|\bSecrétaire général|\bAmbassadeur|\bAmbassador|Signé\)|"
    r"Signed\))\s+(?:M\.\s+|Mr\.?\s+)?[A-ZÀ-Ý][a-zà-ÿ]+(?:[ -][A-ZÀ-Ý][a-zà-ÿ]+)+"
)


# The question word that leads a (part of a) question; a later "quand"/"when" is a conjunction
# ("lequel l'exerçait quand la lettre a été envoyée" asks for a country, not a date).
_INTERROGATIVE = {
    "en": re.compile(r"\b(what|which|who|whom|whose|how|why|where|when)\b", re.I),
    "fr": re.compile(
        r"\b(quel|quelle|quels|quelles|lequel|laquelle|lesquels|lesquelles|qui|que|quoi|"
        r"comment|pourquoi|combien|où|quand)\b",
        re.I,
    ),
}


# Ordinals from the second on, in the three languages ("the second summit", "la deuxième
# session", "第二次峰会"). "first" is left out: it is mostly an adverb ("who first proposed").
_ORDINAL_WORDS = {
    2: "second|deuxième|seconde?",
    3: "third|troisième",
    4: "fourth|quatrième",
    5: "fifth|cinquième",
    6: "sixth|sixième",
    7: "seventh|septième",
    8: "eighth|huitième",
    9: "ninth|neuvième",
    10: "tenth|dixième",
}
_ZH_DIGITS = "零一二三四五六七八九十"


def _ordinal_forms(n: int) -> re.Pattern[str]:
    zh = _ZH_DIGITS[n] if n <= 10 else ""
    return re.compile(
        rf"\b(?:{_ORDINAL_WORDS[n]})\b|\b{n}(?:st|nd|rd|th|e|er|ème|ᵉ)\b"
        rf"|第(?:{n}|{zh})(?![0-9十])",
        re.I,
    )


_ORDINALS = {n: _ordinal_forms(n) for n in _ORDINAL_WORDS}


def ordinals_named(question: str) -> set[int]:
    """The ordinals (2nd to 10th) a question names: constraints its answer must meet."""
    return {n for n, pattern in _ORDINALS.items() if pattern.search(question)}


def holds_ordinal(n: int, text: str) -> bool:
    """Whether `text` names the n-th, in any of the three languages."""
    return bool(_ORDINALS[n].search(text))


def expected_types(question: str, lang: str) -> set[AnswerType]:
    leader = _INTERROGATIVE[lang].search(question) if lang in _INTERROGATIVE else None
    kinds = set()
    for kind, pattern in _EXPECT.get(lang, []):
        match = pattern.search(question)
        if match and (leader is None or kind is AnswerType.MONEY or match.start() <= leader.end()):
            kinds.add(kind)
    return kinds


def years_asked(question: str) -> set[str]:
    return set(_YEAR.findall(question))


def holds_type(kind: AnswerType, sentence: str, question: str) -> bool:
    if kind is AnswerType.DATE:
        return bool(_DATE.search(sentence))
    if kind is AnswerType.NUMBER:
        without_dates = _DATE_SPAN.sub(" ", sentence)
        return bool(re.search(r"\d", without_dates) or _NUMBER_WORDS.search(without_dates))
    if kind is AnswerType.MONEY:
        return bool(_MONEY.search(sentence))
    if kind is AnswerType.PERSON:
        titled = {m.group() for m in _TITLED_NAME.finditer(sentence) if m.group() not in question}
        named = {
            m
            for m in _NAME.findall(sentence)
            # a person's name has two words at least: "Guillaume Apollinaire", not "Chine"
            if m.lower() not in question.lower()
            and len(words := re.split(r"[ -]", m)) > 1
            and not set(words) <= _OFFICES
        }
        return bool(_PERSON_ZH.search(sentence) or titled or named)
    places = {m.group() for m in _PLACE.finditer(sentence)}
    new_places = {p for p in places if p.split()[-1].lower() not in question.lower()}
    return bool(_PLACE_ZH.search(sentence) or new_places)


def answers_kind(question: str, lang: str, sentence: str) -> bool:
    """Can `sentence` hold what the question asks for (its types, and any year it names)?"""
    years = years_asked(question)
    if years and not any(year in sentence for year in years):
        return False
    # A multi-part question ("where and when") may be answered part by part: one kind is enough.
    kinds = expected_types(question, lang)
    if AnswerType.MONEY in kinds:  # "how much is the budget": only an amount answers it
        kinds = {AnswerType.MONEY}
    return not kinds or any(holds_type(kind, sentence, question) for kind in kinds)
