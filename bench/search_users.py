"""User search at 100,000 users: latency, DynamoDB calls and answers of
``InstagramService.search_users`` for a mix of queries, against its own DynamoDB Local (in
memory).

    .venv/bin/python -m bench.search_users [--users 100000] [--queries 2400] [--warmup 100]
        [--writers 2] [--seed 7]

Users get varied names (a few hundred first names and surnames from many languages, accents
included) and usernames (dots, underscores, digits), follower counts from a Pareto
distribution. Each User item and its ``entries_for(user)`` items (what the pipeline writes
from the User's stream records: a SearchEntry under ``SEARCH#{prefix}`` for each prefix of 1
to PREFIX letters of each of the user's terms, sorted by ``RANK#{rank}#{username}``) are
written directly, with several batch writers at once. A one-word query of at most PREFIX
letters reads its own partition (``limit + 1`` entries); a query of several words, or a word
longer than PREFIX, reads the partition of its longest word's first PREFIX letters (up to
SCAN_ENTRIES entries, most followed first) and keeps the entries whose terms match every
word. Then a shuffled mix of query classes runs sequentially after a warm-up; each answer is
compared with what this design should give and with what a complete index would give (the
exact username first, then every user matching every word by prefix, in rank order), both
computed in memory from the same users.
"""

from __future__ import annotations

import argparse
import asyncio
import math
import os
import random
import statistics
import time
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiodynamo.credentials import Key, StaticCredentials

from instaclone.data import Connection, Table
from instaclone.data.batch import BatchWrite
from instaclone.domain import SCHEMA, InstagramService, User
from instaclone.domain.errors import InvalidInputError
from instaclone.domain.search import PREFIX, SCAN_ENTRIES, entries_for, follower_rank
from instaclone.domain.text import fold, search_terms, words
from instaclone.domain.usernames import normalize_username
from instaclone.engine import LocalEngine, ensure_engine
from instaclone.settings import Settings

LIMIT = 20
GROUP = 250
"""Users per batch writer (about 2,500 items, 100 BatchWriteItem requests)."""

FIRST_NAMES = """
José María Lucía Sofía Martín Alejandro Javier Andrés Ángel Raúl Inés Begoña Íñigo Ramón
Jesús Carmen Pilar Rocío Álvaro Sergio Pablo Diego Marta Elena Laura Ana Isabel Teresa
Cristina Nuria Adrián Óscar Mónica Verónica Héctor Joaquín Agustín Valentina Camila Mateo
Santiago Sebastián Ximena Renée
François Zoë Hélène Élodie Théo Léa Chloé Étienne Amélie Benoît Céline Gaël Noël Jérôme
Frédéric Anaïs Loïc Aurélie Clément Camille Hugo Louis Manon Julien Nicolas Pierre Sébastien
Margaux Maëlle Raphaël Mathilde Océane Cédric Thibault
João Conceição Gonçalo Luís Tomás Sebastião Leonor Beatriz Rafael Thiago Larissa Vitória
Caio Letícia Lúcia
Jürgen Jörg Günther Björn Lena Lukas Jonas Felix Maximilian Anna Mia Hannah Katharina Ursula
Dieter Klaus Matthias Sören Jana Lea Tobias Florian Henrik Käthe
Łukasz Paweł Michał Wojciech Małgorzata Agnieszka Katarzyna Grzegorz Krzysztof Zofia
Bartłomiej Jędrzej Kasia Piotr Tomasz Magdalena Ewa
Søren Åsa Bjørn Ingrid Sigrid Astrid Lars Magnus Freja Märta Øystein Ása Frída Guðrún Þór
Sigurður Jóhanna Kristín Ólafur Halldóra
Giuseppe Francesca Giulia Lorenzo Matteo Chiara Niccolò Alessandro Federica Giovanni Marco
Luca Paolo Alessia Simone Davide Elisa Gabriele Roberta Stefano
Ömer Çağla Şule Gökhan Ayşe Mehmet Emre Zeynep Büşra İbrahim Yiğit Elif Burak Selin Doğa
Jiří Tomáš Lucie Petra Zdeněk Kateřina Ondřej Radek Markéta
Zoltán Ágnes Gergő Dóra Bence Réka Levente Tünde
Minh Thảo Phương Anh Huy Linh Trang Quân Hương
Siobhán Seán Aoife Niamh Ciarán Oisín Sinéad Pádraig
James Mary John Patricia Robert Jennifer Michael Linda David Elizabeth William Sarah Emma
Olivia Liam Noah Ava Chris Matt Jessica Emily Daniel Jacob Ethan Grace Chloe Madison Ryan
Tyler Brandon Kayla Ashley Megan Nicole Kevin Brian Jason Justin Amanda Rachel Samantha
Oliver Harry George Charlie Jack Amelia Isla Poppy Freddie Alfie Archie Ruby Evie
Wei Jing Xiaoming Yan Hao Mei Jun Lei Yuki Haruto Sakura Yui Ren Hina Sota Aoi Kenji
Priya Aarav Ananya Rohan Vikram Aditi Arjun Sneha Rahul Kavya Ishaan Neha
Ahmed Fatima Omar Layla Youssef Amira Karim Nour Hassan Leila Mariam Tariq
Kwame Ama Chidi Ngozi Tunde Zainab Amani Kofi Adaeze Thandiwe
Dmitri Olga Ivan Natalia Sergei Anastasia Alexei Yulia Nikolai Svetlana Oksana Taras
Nikos Eleni Giorgos Dimitra Yannis Katerina
"""

SURNAMES = """
García Rodríguez Martínez Hernández López González Pérez Sánchez Ramírez Torres Flores
Rivera Gómez Díaz Muñoz Álvarez Jiménez Romero Ruiz Castillo Núñez Peña Ibáñez Gutiérrez
Vázquez Ortega Delgado Castro Morales Suárez Navarro Domínguez Márquez Cortés Guzmán
Dupont Lefèvre Lefebvre Girard Bonnet Dubois Moreau Laurent Simon Michel Leroy Roux
Fournier Morel Mercier Blanc Guérin Faure Rousseau Chevalier François Lemaître Bélanger Côté
Gagné Théberge Gauthier Lévesque Bérubé
Müller Schmidt Schneider Fischer Weber Meyer Wagner Becker Schulz Hoffmann Schäfer Koch
Bauer Richter Klein Wolf Schröder Neumann Schwarz Zimmermann Braun Krüger Hofmann Hartmann
Lange Köhler Weiß Jäger Groß Strauß Vogel Günther
Nowak Kowalski Wiśniewski Wójcik Kowalczyk Kamiński Lewandowski Zieliński Szymański Woźniak
Dąbrowski Kozłowski Jankowski Mazur Krawczyk Piotrowski Grabowski Nowakowski Pawłowski
Michalski Król Wróbel Łukaszewicz Sołtys
Rossi Russo Ferrari Esposito Bianchi Romano Colombo Ricci Marino Greco Bruno Gallo Conti
Mancini Costa Giordano Rizzo Lombardi Moretti Barbieri Fontana Caruso Mariani
Silva Santos Oliveira Souza Pereira Lima Carvalho Ferreira Rodrigues Almeida Gonçalves
Araújo Ribeiro Conceição Magalhães Cardoso Teixeira Barbosa Rocha Azevedo
Hansen Johansen Nielsen Jensen Andersen Pedersen Larsen Sørensen Johansson Karlsson Nilsson
Eriksson Åberg Lindström Håkansson Björk Öberg Lundqvist Bergström Sigurðsson Jónsdóttir
Yılmaz Kaya Demir Şahin Çelik Yıldız Yıldırım Öztürk Aydın Özdemir Arslan Doğan Kılıç
Aslan Çetin Koç Kurt
Smith Johnson Williams Brown Jones Miller Davis Wilson Anderson Taylor Thomas Moore Martin
Jackson Thompson White Harris Clark Lewis Walker Young Allen King Wright Scott Green Baker
Adams Nelson Hill Campbell Mitchell Roberts Carter Phillips Evans Turner O'Brien O'Connor
Murphy Kelly Byrne Walsh McCarthy Gallagher Doherty Kennedy Lynch
Nguyễn Trần Lê Phạm Hoàng Huỳnh Phan Vũ Võ Đặng Bùi Đỗ
Novák Svoboda Novotný Dvořák Černý Procházka Kučera Veselý Horák Němec
Nagy Kovács Tóth Szabó Horváth Varga Kiss Molnár Németh Farkas
Jansen Bakker Visser Smit Meijer Mulder Bos Vos Peters Hendriks
Papadopoulos Georgiou Nikolaidis Pappas Oikonomou
Wang Li Zhang Liu Chen Yang Huang Zhao Wu Zhou Xu Sun Ma Zhu
Patel Sharma Singh Kumar Gupta Reddy Iyer Nair Joshi Mehta Chopra Banerjee
Sato Suzuki Takahashi Tanaka Watanabe Itō Yamamoto Nakamura Kobayashi Katō Saitō Yoshida
Ivanov Smirnov Kuznetsov Popov Sokolov Lebedev Kozlov Novikov Morozov Petrov Volkov
Okafor Mensah Adeyemi Okonkwo Boateng Diallo Traoré Nkosi Abubakar Mwangi
Haddad Khalil Nasser Aziz Mansour Hamdan Saleh Farouk
"""

# Names of several words (particles), written as one entry with "+".
SURNAMES_MULTI = ["de+Jong", "de+Vries", "van+den+Berg", "van+Dijk", "De+Luca", "Dos+Santos"]

# Letters that NFKD does not decompose: their ASCII spelling in a username (fold() now writes
# them so too).
ASCII = str.maketrans(
    {"ł": "l", "ø": "o", "æ": "ae", "œ": "oe", "ß": "ss", "đ": "d", "ð": "d", "þ": "th", "ı": "i"}
)

DECORATIONS: list[Callable[[str], str]] = [
    lambda n: n,
    lambda n: f"✨ {n} ✨",
    lambda n: f"{n} 🌸",
    lambda n: n.upper(),
    lambda n: n.lower(),
    lambda n: f"{n} | photography",
    lambda n: f"Dr. {n}",
]


def ascii_word(word: str) -> str:
    """'Łukasz' → 'lukasz', "O'Brien" → 'obrien' (what a person types as a username)."""
    return "".join(c for c in fold(word).translate(ASCII) if c.isascii() and c.isalnum())


def _weights(n: int) -> list[float]:
    """Zipf-like popularity: a few names are common, most are rare."""
    return [1 / (rank + 1) ** 0.6 for rank in range(n)]


@dataclass
class Population:
    users: list[User]
    terms: list[list[str]]
    by_username: dict[str, int]
    partitions: dict[str, list[tuple[str, int]]]
    """SearchEntry items: prefix → (sort key, user index), sorted by sort key (``RANK#…``), as
    DynamoDB holds ``SEARCH#{prefix}``."""


@dataclass
class Loaded:
    population: Population
    kinds: Counter[str]
    """Items written, by kind (User, SearchEntry)."""
    seconds: float
    sizes: Counter[str]
    """SearchEntry items per ``SEARCH#`` partition."""
    per_user: list[int]
    """SearchEntry items of each user."""


def make_users(count: int, rng: random.Random) -> list[User]:
    firsts = FIRST_NAMES.split()
    lasts = SURNAMES.split() + SURNAMES_MULTI
    rng.shuffle(firsts)
    rng.shuffle(lasts)
    fw, lw = _weights(len(firsts)), _weights(len(lasts))
    taken: set[str] = set()
    users: list[User] = []
    for _ in range(count):
        first = rng.choices(firsts, fw)[0]
        last = rng.choices(lasts, lw)[0].replace("+", " ")
        f, lname = ascii_word(first), ascii_word(last)
        n2, year = rng.randint(0, 99), rng.randint(1965, 2010)
        pattern = rng.randrange(12)
        base = [
            f"{f}.{lname}",
            f"{f}_{lname}",
            f"{f}{lname}",
            f"{f}.{lname}{n2}",
            f"{f}{n2}",
            f"{lname}.{f}",
            f"{f}_{lname}_{year}",
            f"{f[0]}{lname}",
            f"{f}.{lname[0]}",
            f"the{f}",
            f"_{f}_",
            f"{f}.{lname}.{year % 100:02d}",
        ][pattern][:26].rstrip(".")
        username, k = base, 1
        while username in taken:
            username = f"{base}{'_' if base[-1].isdigit() else ''}{k}"
            k += 1
        taken.add(username)
        shown = rng.random()
        name = (
            first
            if shown < 0.15
            else f"{first} {rng.choice(firsts)} {last}"
            if shown < 0.25
            else f"{first} {last[0]}."
            if shown < 0.3
            else f"{first} {last}"
        )
        name = rng.choice(DECORATIONS)(name) if rng.random() < 0.1 else name
        followers = min(50_000_000, int((rng.paretovariate(1.16) - 1) * 50))
        users.append(
            User(
                username=username,
                name=name,
                follower_count=followers,
                following_count=rng.randint(0, 2000),
                photo_count=rng.randint(0, 500),
                avatar_thumb_url=(
                    f"https://cdn.example/avatars/{username}/150.jpg"
                    if rng.random() < 0.6
                    else None
                ),
            )
        )
    return users


async def load(table: Table, users: list[User], writers: int) -> Loaded:
    """Write every user and their search items; return the in-memory index, the items
    written by kind, the seconds taken and the number of items per partition."""
    gate = asyncio.Semaphore(writers)
    tasks: list[asyncio.Task[None]] = []
    partitions: dict[str, list[tuple[str, int]]] = defaultdict(list)
    terms: list[list[str]] = []
    per_user: list[int] = []
    kinds: Counter[str] = Counter()
    items = 0

    async def write(batch: BatchWrite) -> None:
        try:
            await batch.execute(concurrency=4)
        finally:
            gate.release()

    t0 = time.perf_counter()
    for start in range(0, len(users), GROUP):
        batch = table.batch_write()
        for i in range(start, min(start + GROUP, len(users))):
            user = users[i]
            batch.put(user)
            kinds["User"] += 1
            terms.append(search_terms(user.username, user.name))
            entries = entries_for(user)
            per_user.append(len(entries))
            kinds["SearchEntry"] += len(entries)
            for entry in entries:
                batch.put(entry)
                partitions[entry.prefix].append((f"RANK#{entry.rank}#{entry.username}", i))
        items += len(batch)
        await gate.acquire()
        tasks.append(asyncio.create_task(write(batch)))
        await asyncio.sleep(0)  # let the writers send while the next group is built
        if start // GROUP % 40 == 39:
            print(
                f"  … {min(start + GROUP, len(users)):,} users, {items:,} items, "
                f"{time.perf_counter() - t0:.0f} s",
                flush=True,
            )
    await asyncio.gather(*tasks)
    seconds = time.perf_counter() - t0
    assert items == sum(kinds.values())
    for run in partitions.values():
        run.sort()
    population = Population(
        users,
        terms,
        {u.username: i for i, u in enumerate(users)},
        dict(partitions),
    )
    return Loaded(
        population,
        kinds,
        seconds,
        Counter({p: len(e) for p, e in partitions.items()}),
        per_user,
    )


async def count_partition(table: Table, pk: str) -> int:
    """Items under ``pk``, counted by DynamoDB (Select=COUNT, every page)."""
    total, start = 0, None
    while True:
        payload: dict[str, Any] = {
            "TableName": table.name,
            "KeyConditionExpression": "#pk = :pk",
            "ExpressionAttributeNames": {"#pk": SCHEMA.primary.hash},
            "ExpressionAttributeValues": {":pk": {"S": pk}},
            "Select": "COUNT",
        }
        if start is not None:
            payload["ExclusiveStartKey"] = start
        response = await table.connection.call("Query", payload)
        total += int(response.get("Count", 0))
        start = response.get("LastEvaluatedKey")
        if not start:
            return total


# -- the query mix -------------------------------------------------------------------------------


def _exact(query: str) -> str | None:
    try:
        return normalize_username(query.strip().removeprefix("@"))
    except InvalidInputError:
        return None


def expected(pop: Population, query: str, limit: int, complete: bool) -> list[str]:
    """The answer of a complete index (``complete``: every user with a term starting with
    each word, by rank), or of this design: the SearchEntry partition of the longest word's
    first PREFIX letters read by rank, ``limit + 1`` entries for a single word of at most
    PREFIX letters, up to SCAN_ENTRIES otherwise, kept if their terms match every word.

    Every user with a term starting with the longest word has an entry under its first
    PREFIX letters, so that whole partition, in rank order, is a complete index's candidates."""
    wanted = words(query)
    key_word = max(wanted, key=len)
    whole = len(wanted) == 1 and len(key_word) <= PREFIX
    entries = pop.partitions.get(key_word[:PREFIX], [])
    if not complete:
        entries = entries[: limit + 1 if whole else SCAN_ENTRIES]
    candidates = [i for _, i in entries]
    name = _exact(query)
    exact = pop.by_username.get(name) if name is not None else None
    found = [] if exact is None else [pop.users[exact].username]
    for i in candidates:
        if i == exact:
            continue
        if all(any(t.startswith(w) for t in pop.terms[i]) for w in wanted):
            found.append(pop.users[i].username)
        if len(found) >= limit:
            break
    return found


def _nfkd_fold(text: str) -> str:
    """What fold() did before: NFKD without combining marks, case-folded (Ł, ø, đ… kept)."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return unicodedata.normalize("NFC", bare.casefold())


def _accent_variants(word: str) -> list[str]:
    bare = "".join(c for c in unicodedata.normalize("NFKD", word) if not unicodedata.combining(c))
    plain = bare.lower().translate(ASCII)  # lower first: ASCII maps lower-case letters
    return [word.upper(), word.lower(), plain, plain.upper(), word]


def query_classes(
    pop: Population, rng: random.Random, sizes: Counter[str]
) -> dict[str, Callable[[], str]]:
    users, terms = pop.users, pop.terms
    accented = sorted(
        {w for w in (FIRST_NAMES + SURNAMES).split() if fold(w) != w.lower() and w.isalpha()}
    )
    by_size = [p for p, _ in sizes.most_common() if p.isalpha()]
    big3 = [p for p in by_size if len(p) == 3][:20]
    # Words of 5+ letters with the biggest partitions: a query of several words reads the
    # longest one's partition, up to SCAN_ENTRIES entries.
    big_words = [p for p in by_size if len(p) >= 5][:20]

    def some_term(min_len: int) -> str:
        while True:
            candidates = [t for t in terms[rng.randrange(len(users))] if len(t) >= min_len]
            if candidates:
                return rng.choice(candidates)

    def name_word() -> str:
        while True:
            found = [w for w in words(users[rng.randrange(len(users))].name) if len(w) >= 4]
            if found:
                return rng.choice(found)

    def two_words() -> str:
        while True:
            found = words(users[rng.randrange(len(users))].name)
            if len(found) >= 2 and len(found[-1]) >= 3:
                first, last = found[0], found[-1]
                return f"{first} {last[: rng.randint(3, min(5, len(last)))]}"

    def exact() -> str:
        name = users[rng.randrange(len(users))].username
        return rng.choice([name, name, f"@{name}", name.upper()])

    def nonsense(n: int) -> str:
        while True:
            q = "".join(rng.choice("qxzjkvwy") for _ in range(n))
            if q[:PREFIX] not in pop.partitions:
                return q

    def no_match_big() -> str:
        # The first letters of the biggest partitions, then letters nobody's name has: one
        # word of 5-7 letters, so its own (empty) partition is read.
        return rng.choice(big3) + "".join(rng.choice("qxzj") for _ in range(rng.randint(2, 4)))

    def no_match_two_words() -> str:
        # A word with a big partition, then a shorter one nobody has: the big partition is
        # read (up to SCAN_ENTRIES entries) and nothing kept.
        word = rng.choice(big_words)
        while True:
            other = "".join(rng.choice("qxzj") for _ in range(rng.randint(3, len(word) - 1)))
            if other not in pop.partitions:
                return f"{word} {other}"

    return {
        "1 letter": lambda: some_term(1)[0],
        "2 letters": lambda: some_term(2)[:2],
        "3 letters": lambda: some_term(3)[:3],
        "name prefix, 4-8 letters": lambda: (w := name_word())[: rng.randint(4, min(8, len(w)))],
        "accents / case (JOSÉ, jose)": lambda: rng.choice(_accent_variants(rng.choice(accented))),
        "two words (maria gar)": two_words,
        "exact username": exact,
        "no match, empty partition": lambda: nonsense(rng.randint(3, 7)),
        "no match, big partition": no_match_big,
        "no match, two words (maria qxz)": no_match_two_words,
    }


class CountingConnection(Connection):
    """A real connection that counts the DynamoDB calls made through it, and the items each
    Query read (ScannedCount), the Limit of each Query of a ``SEARCH#`` partition and the
    read units consumed (as tests/domain/conftest.py's does)."""

    def __init__(self, endpoint: str) -> None:
        super().__init__(
            endpoint=endpoint, region="us-east-1", credentials=StaticCredentials(Key("bench", "s"))
        )
        self.calls: Counter[str] = Counter()
        self.scanned = 0
        self.capacity = 0.0
        self.limits: Counter[int] = Counter()
        """Queries of ``SEARCH#`` partitions, by Limit (0: none)."""

    async def call(self, action: str, payload: dict[str, Any]) -> dict[str, Any]:
        self.calls[action] += 1
        if action in ("Query", "GetItem"):
            payload = {**payload, "ReturnConsumedCapacity": "TOTAL"}
        if action == "Query":
            for value in payload.get("ExpressionAttributeValues", {}).values():
                text = value.get("S") if isinstance(value, dict) else None
                if isinstance(text, str) and text.startswith("SEARCH#"):
                    self.limits[int(payload.get("Limit", 0))] += 1
        response = await super().call(action, payload)
        self.scanned += int(response.get("ScannedCount", 0))
        self.capacity += float(response.get("ConsumedCapacity", {}).get("CapacityUnits", 0.0))
        return response

    def reset(self) -> None:
        self.calls.clear()
        self.scanned = 0
        self.capacity = 0.0
        self.limits.clear()


@dataclass
class Stats:
    ms: list[float] = field(default_factory=list)
    calls: list[int] = field(default_factory=list)
    results: list[int] = field(default_factory=list)
    scanned: list[int] = field(default_factory=list)
    rcu: list[float] = field(default_factory=list)
    limits: Counter[int] = field(default_factory=Counter)
    """Queries of ``SEARCH#`` partitions by Limit (``limit + 1``: one word, its own
    partition; SCAN_ENTRIES: several words or a long one, compared with the terms)."""
    short_of_complete: int = 0
    """Answers that differ from a complete index's (matches missed past SCAN_ENTRIES)."""
    wrong: int = 0
    """Answers that differ from what this design should give: a bug."""
    examples: list[str] = field(default_factory=list)


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p * len(ordered)) - 1)]


async def run_mix(
    app: InstagramService,
    counting: CountingConnection,
    pop: Population,
    classes: dict[str, Callable[[], str]],
    total: int,
    warmup: int,
    rng: random.Random,
) -> dict[str, Stats]:
    names = list(classes)
    plan = [names[i % len(names)] for i in range(total)]
    rng.shuffle(plan)
    for _ in range(warmup):
        await app.search_users(classes[rng.choice(names)](), LIMIT)
    stats = {n: Stats() for n in names}
    answers: dict[tuple[str, bool], list[str]] = {}
    for cls in plan:
        query = classes[cls]()
        counting.reset()
        t0 = time.perf_counter()
        found = await app.search_users(query, LIMIT)
        ms = (time.perf_counter() - t0) * 1000
        s = stats[cls]
        s.ms.append(ms)
        s.calls.append(sum(counting.calls.values()))
        s.results.append(len(found))
        s.scanned.append(counting.scanned)
        s.rcu.append(counting.capacity)
        s.limits.update(counting.limits)
        got = [m.username for m in found]
        for complete in (False, True):
            if (query, complete) not in answers:
                answers[query, complete] = expected(pop, query, LIMIT, complete)
        if got != answers[query, False]:
            s.wrong += 1
        if got != answers[query, True]:
            s.short_of_complete += 1
        if len(s.examples) < 3 and query not in s.examples:
            s.examples.append(query)
    return stats


async def folded_letters(app: InstagramService, pop: Population) -> tuple[list[str], int]:
    """Name words with letters NFKD does not decompose (Ł, ø, đ…), which fold() now writes
    plainly: for each, its folded form, how many of its holders the ASCII spelling finds
    (from their terms), and whether searching the word as written, in capitals, gives the
    same answer as its ASCII spelling. Returns the notes and how many words fail either."""
    out, failing = [], 0
    name_words = [set(words(u.name)) for u in pop.users]
    for word in sorted(
        {
            w
            for w in (FIRST_NAMES + SURNAMES).split()
            if _nfkd_fold(w).translate(ASCII) != _nfkd_fold(w)
        }
    ):
        folded, plain = fold(word), ascii_word(word)
        holders = [i for i, ws in enumerate(name_words) if folded in ws]
        if not holders:
            continue
        found = sum(1 for i in holders if any(t.startswith(plain) for t in pop.terms[i]))
        as_written = [m.username for m in await app.search_users(word.upper(), LIMIT)]
        as_plain = [m.username for m in await app.search_users(plain, LIMIT)]
        same = as_written == as_plain and bool(as_plain)
        ok = folded == plain and found == len(holders) and same
        failing += not ok
        out.append(
            f"{word} → {folded!r}: {plain!r} finds {found:,} of {len(holders):,}"
            + ("" if same else f", {word.upper()!r} answers differently")
            + ("" if ok else " (FAILS)")
        )
    return out, failing


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=2_400)
    parser.add_argument("--warmup", type=int, default=100)
    parser.add_argument(
        "--writers", type=int, default=2, help="batch writers at once (4 requests each)"
    )
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    jar = ensure_engine((Settings.from_env().home / "engine").resolve())
    with LocalEngine(jar, access_key="bench") as engine:
        counting = CountingConnection(engine.endpoint)
        try:
            table = Table(counting, "SearchUsers", SCHEMA)
            # No stream: nothing consumes it here (the entries are written directly), and
            # DynamoDB Local would keep a record of each of the ~1M writes in memory.
            request = table.create_table_request()
            request.pop("StreamSpecification")
            await counting.call("CreateTable", request)
            await table.create()  # waits until it is active
            app = InstagramService(table)
            t0 = time.perf_counter()
            users = make_users(args.users, rng)
            made = time.perf_counter() - t0
            loaded = await load(table, users, args.writers)
            pop, kinds, seconds = loaded.population, loaded.kinds, loaded.seconds
            sizes, per_user = loaded.sizes, loaded.per_user
            items = sum(kinds.values())
            print(
                f"\nloaded {len(users):,} users: {items:,} items ({kinds['User']:,} User, "
                f"{kinds['SearchEntry']:,} SearchEntry: per user mean "
                f"{statistics.mean(per_user):.1f}, p50 {statistics.median(per_user):.0f}, "
                f"p99 {pct([float(n) for n in per_user], 0.99):.0f}, max {max(per_user)}; "
                f"{len(sizes):,} SEARCH# partitions) in {seconds:.0f} s "
                f"({items / seconds:,.0f} items/s; users generated in {made:.1f} s); "
                "followers p50 "
                f"{statistics.median(u.follower_count for u in users):,.0f}, max "
                f"{max(u.follower_count for u in users):,}, ≥100k: "
                f"{sum(u.follower_count >= 100_000 for u in users):,}; ranks used: "
                f"{len({follower_rank(u.follower_count) for u in users})}",
                flush=True,
            )
            print(
                "\nlargest SEARCH# partitions (items, counted by Query Select=COUNT); a query "
                f"of several words, or of a word over {PREFIX} letters, reads at most "
                f"{SCAN_ENTRIES:,} of its partition:"
            )
            groups = [(f"{n} letter{'s' if n > 1 else ''}", n, n) for n in range(1, 6)]
            groups.append((f"6-{PREFIX} letters", 6, PREFIX))
            for label, low, high in groups:
                group = {p: c for p, c in sizes.items() if low <= len(p) <= high}
                top = Counter(group).most_common(5)
                counted = [(p, await count_partition(table, f"SEARCH#{p}")) for p, _ in top]
                assert counted == top, f"DynamoDB counts {counted}, generated {top}"
                over = [c for c in group.values() if c > SCAN_ENTRIES]
                print(
                    f"- {label} ({len(group):,} partitions, {sum(group.values()):,} items): "
                    + ", ".join(f"{p!r} {c:,}" for p, c in counted)
                    + f"; {len(over):,} partitions over {SCAN_ENTRIES:,} items"
                    + (f" ({sum(over):,} items)" if over else "")
                )
            classes = query_classes(pop, rng, sizes)
            t0 = time.perf_counter()
            stats = await run_mix(app, counting, pop, classes, args.queries, args.warmup, rng)
            run = time.perf_counter() - t0
            load_avg = os.getloadavg()[1]
            print(
                f"\n### search_users(query, limit={LIMIT}) at {len(users):,} users: "
                f"{args.queries:,} queries, sequential, after {args.warmup} warm-up\n"
            )
            print(
                "| class | queries | p50 ms | p99 ms | calls max | calls mean | results mean"
                f" | items read mean | SEARCH# queries at Limit {LIMIT + 1} / {SCAN_ENTRIES}"
                " | RCU mean"
                " | differ from complete index | e.g. |"
            )
            print("|---|---|---|---|---|---|---|---|---|---|---|---|")
            for cls, s in stats.items():
                print(
                    f"| {cls} | {len(s.ms)} | {statistics.median(s.ms):.1f} "
                    f"| {pct(s.ms, 0.99):.1f} | {max(s.calls)} | {statistics.mean(s.calls):.2f} "
                    f"| {statistics.mean(s.results):.1f} | {statistics.mean(s.scanned):.0f} "
                    f"| {s.limits[LIMIT + 1]} / {s.limits[SCAN_ENTRIES]} "
                    f"| {statistics.mean(s.rcu):.1f} | {s.short_of_complete} "
                    f"| {', '.join(repr(e) for e in s.examples)} |"
                )
            every = [m for s in stats.values() for m in s.ms]
            wrong = sum(s.wrong for s in stats.values())
            print(
                f"\n`.venv/bin/python -m bench.search_users --users {args.users}`: "
                f"{len(every):,} queries in {run:.0f} s, all classes p50 "
                f"{statistics.median(every):.1f} ms, p99 {pct(every, 0.99):.1f} ms, at most "
                f"{max(max(s.calls) for s in stats.values())} DynamoDB calls per query; "
                f"{wrong} answer(s) unlike the design's own rule; loading "
                f"{items:,} items took {seconds:.0f} s; machine load average {load_avg:.1f} "
                f"on {os.cpu_count()} cores during the queries."
            )
            notes, failing = await folded_letters(app, pop)
            if notes:
                print(
                    "\nletters NFKD keeps, now folded plainly "
                    f"({len(notes) - failing} of {len(notes)} words fine): " + "; ".join(notes)
                )
        finally:
            await counting.close()


if __name__ == "__main__":
    asyncio.run(main())
