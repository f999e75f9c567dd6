"""Numbers, units and measure words of English and Russian: a linguist's lists, not words of any
corpus. Used by `bot.slots` to tell whether a sentence states the kind of amount a question asks
for ("a speed" needs km/h or Mbit/s, "a lifetime" a duration, "how many ferries" a number of
ferries)."""

from __future__ import annotations

import re

from index.text import stem


def wordset(text: str) -> frozenset[str]:
    """The words of a whitespace-separated list."""
    return frozenset(text.split())

# Cardinal number words and vague quantities (a count stated in words: "five crew members",
# "пять международных мастеров", "много раз", "several times").
_EN_NUMBERS = """one two three four five six seven eight nine ten eleven twelve thirteen fourteen
    fifteen sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty
    ninety hundred hundreds thousand thousands million millions billion billions dozen dozens
    several many few numerous both couple"""
_RU_NUMBERS = """
    один одна одно одного одной одному одним одну одном два две двух двум двумя три трёх трех трём
    трем тремя четыре четырёх четырех четырём четырем четырьмя пять пяти пятью шесть шести
    шестью семь семи семью восемь восьми восемью девять девяти девятью десять десяти десятью
    сорок сорока девяносто девяноста сто ста двести двухсот триста трехсот трёхсот четыреста
    четырехсот пятьсот пятисот шестьсот семьсот восемьсот девятьсот тысяча тысячи тысяч тысячу
    миллион миллиона миллионов миллиард миллиарда миллиардов несколько нескольких несколькими
    много многих многие десятки десятков десятка сотни сотен оба обе обоих полтора полторы пара
    пару полсотни дюжина дюжины"""
_RU_TEEN = re.compile(
    r"^(одиннадцат|двенадцат|тринадцат|четырнадцат|пятнадцат|шестнадцат|семнадцат|"
    r"восемнадцат|девятнадцат|двадцат|тридцат|пятьдесят|шестьдесят|семьдесят|восемьдесят|"
    r"пятидесят|шестидесят|семидесят|восьмидесят)(ь|и|ью)?$"
)
NUMBER_WORDS = wordset(_EN_NUMBERS) | wordset(_RU_NUMBERS)
# "восьмилетний", "трёхлетнего", "пятикратный", "two-year", "eight-year-old": a number inside a word
_RU_NUM_PREFIX = (
    r"(одно|дву|двух|трех|трёх|четырех|четырёх|пяти|шести|семи|восьми|девяти|десяти|"
    r"\w+надцати|двадцати|тридцати|сорока|пятидесяти|ста|тысяче|полу)"
)
COMPOUND_NUMBER = re.compile(
    rf"^{_RU_NUM_PREFIX}\w+$|^({'|'.join(_EN_NUMBERS.split()[:20])})-\w+", re.IGNORECASE
)
# Words that scale the number before them: "48.6 million trips", "158 тыс. рублей".
MULTIPLIERS = wordset(
    """hundred hundreds thousand thousands million millions billion billions trillion mln bn m k
    half third thirds quarter quarters тыс тысяч тысячи тысяча млн миллион миллиона миллионов
    млрд миллиард миллиарда миллиардов сотни сотен треть трети четверть четверти половина
    половины"""
)


def is_number(token: str) -> bool:
    """True for a number in digits or in words ("24", "1 000", "five", "пятью", "несколько",
    "шестикратный")."""
    low = token.lower()
    return (
        low[:1].isdigit() or low in NUMBER_WORDS or bool(_RU_TEEN.match(low))
        or bool(COMPOUND_NUMBER.match(low))
    )


def is_year(token: str) -> bool:
    """True for a bare year ("2024"): a date, not a count."""
    return token.isdigit() and len(token) == 4 and 1000 <= int(token) <= 2100


# Units by the kind of quantity they measure; each an alternation matched right after a number
# (a space or hyphen between: "90 km", "16,8 кг", "7-speed" is no unit).
_PER_HOUR = (
    r"(км|km|kilomet\w*|километр\w*|mi|miles?|мил\w*|m|м|метр\w*|met\w*)\s*(/|в|per|an?)\s*"
    r"(ч|h|час\w*|hours?|hr|с|s|сек\w*|seconds?)"
)
UNITS: dict[str, str] = {
    "speed": _PER_HOUR + r"|mph|kph|km/h|км/ч|м/с|m/s|knots?|узл\w*|узел|"
    r"[кмгkmg]бит/с|[kmg]bit/s|[kmg]bps|[kmg]b/s|мегабит\w*|гигабит\w*|megabit\w*|gigabit\w*|"
    r"об/мин|rpm",
    "duration": r"years?|yrs?|months?|weeks?|days?|hours?|hrs?|h|minutes?|mins?|seconds?|secs?|"
    r"decades?|centur\w*|cycles?|seasons?|лет|год\w*|г\.?|мес\w*|недел\w*|дн\w*|день|сут\w*|"
    r"час\w*|ч|мин\w*|сек\w*|с|десятилет\w*|век\w*|столет\w*|цикл\w*|сезон\w*",
    "length": r"km|км|m|м|cm|см|mm|мм|nm|нм|µm|мкм|микрон\w*|microns?|nanomet\w*|нанометр\w*|"
    r"mi|miles?|мил\w*|ft|feet|foot|фут\w*|in|inch\w*|дюйм\w*|"
    r"yards?|ярд\w*|метр\w*|met(er|re)s?|kilomet\w*|километр\w*|сантиметр\w*|centimet\w*|"
    r"миллиметр\w*|millimet\w*|nautical|морск\w*|верст\w*",
    "weight": r"kg|кг|g|г|t|т|тонн\w*|tonnes?|tons?|lbs?|pounds?|фунт\w*|ounces?|oz|унци\w*|"
    r"килограмм\w*|kilograms?|грамм\w*|grams?|центнер\w*|ц",
    "area": r"km²|км²|m²|м²|кв\.?\s*(км|м|мил\w*|километр\w*|метр\w*)|sq\.?\s*(km|m|mi|ft)|"
    r"square\s+\w+|квадратн\w*\s+\w+|га|hectares?|гектар\w*|acres?|акр\w*",
    "volume": r"l|л|литр\w*|lit(er|re)s?|ml|мл|m³|м³|куб\w*|cubic|gallons?|галлон\w*|баррел\w*|"
    r"barrels?",
    "power": r"w|вт|kw|квт|mw|мвт|gw|гвт|kwp|мвтп|hp|л\.\s*с|лошадин\w*|horsepower|ватт\w*|"
    r"watts?|киловатт\w*|kilowatts?|мегаватт\w*|megawatts?",
    "energy": r"wh|kwh|квт[·*⋅]?\s*ч|mwh|мвт[·*⋅]?\s*ч|gwh|гвт[·*⋅]?\s*ч|j|дж|kj|кдж|mj|мдж|"
    r"cal|кал|ккал|kcal|btu|mah|мач|ah|ач|joules?|джоул\w*",
    "temperature": r"°\s*[cfк]?|градус\w*|degrees?|kelvin|кельвин\w*",
    "voltage": r"v|в|kv|кв|volts?|вольт\w*|киловольт\w*",
    "frequency": r"hz|гц|khz|кгц|mhz|мгц|ghz|ггц|hertz|герц\w*",
    "pressure": r"pa|па|kpa|кпа|mpa|мпа|bar|бар|atm|атм\w*|psi|мм\s*рт",
    "data": r"[кмгтkmgt]?б|[kmgt]?b|bytes?|байт\w*|bits?|бит\w*",
    "percent": r"%|percent\w*|per\s*cent|процент\w*|п\.\s*п",
}
_NUMBER_TEXT = r"(?<![\w.,])(\d+(?:[.,\s\u00a0\u202f]\d+)*|\w+)"
_MULT_TEXT = (
    r"(?:\s*(?:тыс\w*|млн|млрд|миллион\w*|миллиард\w*|thousands?|millions?|billions?|mln|bn)"
    r"\.?)?(?:\s*\([^)]*\))?"
)
_UNIT_RE = {
    kind: re.compile(
        rf"{_NUMBER_TEXT}{_MULT_TEXT}\s*(?:-\s*)?(?:{alt})(?![^\W\d_])", re.IGNORECASE
    )
    for kind, alt in UNITS.items()
}
# Compound words carrying a duration or an age: "восьмилетний", "трёхлетнего", "two-year".
_DURATION_WORD = re.compile(
    rf"\b{_RU_NUM_PREFIX}(летн|месячн|недельн|дневн|часов|минутн)\w*|"
    r"\b\w+-(year|month|week|day|hour|minute)s?\b|"
    r"\b(с|from|between)\s+\d{3,4}\s*(г\.|года?)?\s*(по|до|to|until|till|and|-|–)\s*\d{3,4}|"
    r"\b\d{3,4}\s*[-–]\s*\d{2,4}\b|"
    r"\b(\d+|[ivx]+)(-?(го|м|й|th|st|nd|rd))?\s+(век\w*|centur\w*|столети\w*)|"
    r"\w+(ого|его|th|st|nd|rd)\s+(век\w*|centur\w*|столети\w*)",
    re.IGNORECASE,
)


_FRACTION = re.compile(
    r"\b(half|third|quarter|majority|minority|половин\w*|треть|трети|четверт\w*|"
    r"большинств\w*|меньшинств\w*)\b",
    re.IGNORECASE,
)


def states_unit(text: str, kinds: frozenset[str]) -> bool:
    """True when `text` states a number with a unit of one of `kinds` ("up to 60 km/h")."""
    if "percent" in kinds and _FRACTION.search(text):
        return True  # "two thirds", "половина": a share in words
    for kind in kinds:
        for m in _UNIT_RE[kind].finditer(text):
            if is_number(m.group(1)):
                return True
        if kind == "duration" and _DURATION_WORD.search(text):
            return True
    return False


def _table(text: str) -> dict[str, frozenset[str]]:
    """`word word …: kind kind` lines as {word: kinds}."""
    out: dict[str, frozenset[str]] = {}
    for line in text.strip().splitlines():
        keys, kinds = line.split(":")
        out.update(dict.fromkeys(keys.split(), frozenset(kinds.split())))
    return out


# Measure nouns (by stem prefix) and the kinds of units that state them. Left out on purpose,
# being other things as often: "power" (authority), "area" (a place), "mass" (a liturgy),
# "volume" (a book), "life", "pressure", "share".
MEASURES = _table("""
    speed velocit скорост: speed
    lifetime lifespan duration срок продолжительн длительн age возраст: duration
    length height width depth distance range diameter radius altitude elevation: length
    длин высот ширин глубин расстояни дальност запас диаметр радиус: length
    weight вес масс: weight
    площад: area
    объем объём: volume
    мощност: power
    temperature температур: temperature
    voltage напряжени: voltage
    frequency частот: frequency
    давлени: pressure
    percentage процент доля долю: percent
""")
# "How fast/far/long/…" and "Сколько весит/длится…": the measure asked without a measure noun.
HOW_MEASURES = _table("""
    fast: speed
    far tall high deep wide: length
    heavy весит весят весил: weight
    old длится длилась длился длилось продлится времени лет: duration
    long: duration length
    процентов: percent
""")
# Counted nouns that are units themselves: "how many years" is a duration, "сколько процентов"
# a percentage, "how many square miles" an area; "how many times / people" is any number.
COUNT_UNITS = _table("""
    square квадратн: area
    year month week day hour minut second decad centuri: duration
    лет год месяц недел дне дней час минут секунд век сезон: duration
    percent процент: percent
    mile kilomet километр метр meter metr: length
    pound kilogram tonn килограмм тонн: weight
""")
ANY_COUNT = wordset("time times раз people persons person человек людей")


# Words of a sentence as `bot.slots` reads them, and when two words are one.
_TOKEN = re.compile(  # a number glued to letters ("Лос0Анджелес", "F1") is no number
    r"(?<![^\W\d_])\d+(?:[\u00a0\u202f ]\d{3})*(?:[.,]\d+)*(?![^\W\d_])|"
    r"[^\W\d_]+(?:[-'’][^\W\d_]+)*|[^\w\s]"
)
EN_STOP = wordset(
    """did do does were was are is be been have has had will would can could should shall may
    might must of in on at for from to that who which whom with by per as into than about after
    before during over under between the a an and or there their its his her they it he she"""
)
RU_STOP = wordset(
    """в во на у из за от до по с со к ко о об обо при для между через под над перед без и или
    а но ли же бы это этот эта эти то там"""
)
RU_ADJ = re.compile(r"(ых|их|ые|ие|ая|яя|ое|ее|ую|юю|ого|его|ому|ему|ыми|ими)$")


def tokens(text: str) -> list[str]:
    """Numbers (digit groups whole), words and punctuation marks."""
    return _TOKEN.findall(text)


_IRREGULAR = wordset("people staff children men women police personnel cattle crew teeth feet mice")


def is_plural(word: str) -> bool:
    """An English plural noun, by its form ("ferries", "people"; not "bus", "basis")."""
    low = word.lower()
    if low in _IRREGULAR:
        return True
    return low.endswith("s") and not low.endswith(("ss", "us", "is")) and len(low) > 3


def same_stem(a: str, b: str) -> bool:
    """True for one word in two forms ("ferry" / "ferries", "цилиндров" / "цилиндровый")."""
    sa, sb = stem(a.lower()), stem(b.lower())
    short, long = sorted((sa, sb), key=len)
    return sa == sb or (len(short) >= 5 and long.startswith(short))
