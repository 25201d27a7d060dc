"""User search at 100,000 users: latency, DynamoDB calls and answers of
``InstagramService.search_users`` for a mix of queries, against its own DynamoDB Local (in
memory).

    .venv/bin/python -m bench.search_users [--users 100000] [--queries 2400] [--warmup 100]
        [--writers 2] [--seed 7]

Users get varied names (a few hundred first names and surnames from many languages, accents
included) and usernames (dots, underscores, digits), follower counts from a Pareto
distribution. Each User item and its ``entries_for(user)`` items (what the pipeline writes
from the User's stream records: SearchEntry items under ``SEARCH#{1-3 letters}``, read by
queries of 1-3 letters, and SearchTerm items under ``TERM#{first 3 letters}``, read with
``begins_with`` by longer queries) are written directly, with several batch writers at once.
Then a shuffled mix of query classes runs sequentially after a warm-up; each answer is
compared with what this design should give and with what a complete index would give (the
exact username first, then every match in rank order), both computed in memory from the same
users.
"""

from __future__ import annotations

import argparse
import asyncio
import bisect
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
from instaclone.domain.models import SearchEntry, SearchTerm
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
    ranks: list[str]
    by_username: dict[str, int]
    partitions: dict[str, list[tuple[str, int]]]
    """SearchEntry items: prefix → (sort key, user index), sorted by sort key (``RANK#…``), as
    DynamoDB holds ``SEARCH#{prefix}``."""
    term_partitions: dict[str, list[tuple[str, int]]]
    """SearchTerm items: first 3 letters → (sort key, user index), sorted by sort key
    (``T#{term}#{username}``), as DynamoDB holds ``TERM#{prefix}``."""


@dataclass
class Loaded:
    population: Population
    kinds: Counter[str]
    """Items written, by kind (User, SearchEntry, SearchTerm)."""
    seconds: float
    sizes: Counter[str]
    """SearchEntry items per ``SEARCH#`` partition."""
    term_sizes: Counter[str]
    """SearchTerm items per ``TERM#`` partition."""


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
    term_partitions: dict[str, list[tuple[str, int]]] = defaultdict(list)
    terms: list[list[str]] = []
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
            for entry in entries_for(user):
                batch.put(entry)
                if isinstance(entry, SearchTerm):
                    kinds["SearchTerm"] += 1
                    key = f"T#{entry.term}#{entry.username}"
                    term_partitions[entry.prefix].append((key, i))
                else:
                    assert isinstance(entry, SearchEntry)
                    kinds["SearchEntry"] += 1
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
    for entries in (*partitions.values(), *term_partitions.values()):
        entries.sort()
    population = Population(
        users,
        terms,
        [follower_rank(u.follower_count) for u in users],
        {u.username: i for i, u in enumerate(users)},
        dict(partitions),
        dict(term_partitions),
    )
    return Loaded(
        population,
        kinds,
        seconds,
        Counter({p: len(e) for p, e in partitions.items()}),
        Counter({p: len(e) for p, e in term_partitions.items()}),
    )


def term_run(pop: Population, word: str) -> list[tuple[str, int]]:
    """The SearchTerm items whose term starts with ``word`` (longer than PREFIX letters), in
    sort-key order: what ``begins_with(SK, 'T#{word}')`` reads in ``TERM#{word[:3]}``."""
    items = pop.term_partitions.get(word[:PREFIX], [])
    key = f"T#{word}"
    start = bisect.bisect_left(items, (key,))
    end = start
    while end < len(items) and items[end][0].startswith(key):
        end += 1
    return items[start:end]


async def count_partition(table: Table, pk: str, sk_prefix: str | None = None) -> int:
    """Items under ``pk`` (with a sort key starting with ``sk_prefix``, if given), counted
    by DynamoDB (Select=COUNT, every page)."""
    total, start = 0, None
    while True:
        payload: dict[str, Any] = {
            "TableName": table.name,
            "KeyConditionExpression": "#pk = :pk",
            "ExpressionAttributeNames": {"#pk": SCHEMA.primary.hash},
            "ExpressionAttributeValues": {":pk": {"S": pk}},
            "Select": "COUNT",
        }
        if sk_prefix is not None:
            payload["KeyConditionExpression"] += " AND begins_with(#sk, :sk)"
            assert SCHEMA.primary.sort is not None
            payload["ExpressionAttributeNames"]["#sk"] = SCHEMA.primary.sort
            payload["ExpressionAttributeValues"][":sk"] = {"S": sk_prefix}
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
    each word, by rank), or of this design: for a longest word of more than PREFIX letters,
    the first SCAN_ENTRIES SearchTerm items (by term) with a term starting with it, ranked;
    otherwise the SearchEntry partition of that word read by rank, ``limit + 1`` entries for
    a single word, up to SCAN_ENTRIES for several."""
    wanted = words(query)
    key_word = max(wanted, key=len)
    short = len(wanted) == 1 and len(key_word) <= PREFIX
    candidates: list[int]
    if complete:
        candidates = [i for _, i in pop.partitions.get(key_word[:PREFIX], [])]
    elif len(key_word) > PREFIX:
        read = {i for _, i in term_run(pop, key_word)[:SCAN_ENTRIES]}
        candidates = sorted(read, key=lambda i: (pop.ranks[i], pop.users[i].username))
    else:
        entries = pop.partitions.get(key_word, [])
        candidates = [i for _, i in entries[: limit + 1 if short else SCAN_ENTRIES]]
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
    pop: Population, rng: random.Random, term_sizes: Counter[str]
) -> dict[str, Callable[[], str]]:
    users, terms = pop.users, pop.terms
    accented = sorted(
        {w for w in (FIRST_NAMES + SURNAMES).split() if fold(w) != w.lower() and w.isalpha()}
    )
    # Queries of 4+ letters read TERM# partitions: the biggest of those.
    big3 = [p for p, n in term_sizes.most_common() if len(p) == 3 and p.isalpha()][:20]

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
            if q[:PREFIX] not in pop.partitions and q[:PREFIX] not in pop.term_partitions:
                return q

    def no_match_big() -> str:
        # The first letters of the biggest partitions, then letters nobody's name has.
        return rng.choice(big3) + "".join(rng.choice("qxzj") for _ in range(rng.randint(2, 4)))

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
    }


class CountingConnection(Connection):
    """A real connection that counts the DynamoDB calls made through it, and the items each
    Query read (ScannedCount, whatever their kind), the partitions kinds it read and the read
    units it consumed (as tests/domain/conftest.py's does)."""

    def __init__(self, endpoint: str) -> None:
        super().__init__(
            endpoint=endpoint, region="us-east-1", credentials=StaticCredentials(Key("bench", "s"))
        )
        self.calls: Counter[str] = Counter()
        self.scanned = 0
        self.capacity = 0.0
        self.read: Counter[str] = Counter()
        """Queries by partition kind (``SEARCH#``, ``TERM#``)."""

    async def call(self, action: str, payload: dict[str, Any]) -> dict[str, Any]:
        self.calls[action] += 1
        if action in ("Query", "GetItem"):
            payload = {**payload, "ReturnConsumedCapacity": "TOTAL"}
        if action == "Query":
            for value in payload.get("ExpressionAttributeValues", {}).values():
                text = value.get("S") if isinstance(value, dict) else None
                if isinstance(text, str) and text.startswith(("SEARCH#", "TERM#")):
                    self.read[text.split("#", 1)[0] + "#"] += 1
        response = await super().call(action, payload)
        self.scanned += int(response.get("ScannedCount", 0))
        self.capacity += float(response.get("ConsumedCapacity", {}).get("CapacityUnits", 0.0))
        return response

    def reset(self) -> None:
        self.calls.clear()
        self.scanned = 0
        self.capacity = 0.0
        self.read.clear()


@dataclass
class Stats:
    ms: list[float] = field(default_factory=list)
    calls: list[int] = field(default_factory=list)
    results: list[int] = field(default_factory=list)
    scanned: list[int] = field(default_factory=list)
    rcu: list[float] = field(default_factory=list)
    read: Counter[str] = field(default_factory=Counter)
    """Queries by the partition kind they read (``SEARCH#``: SearchEntry, ``TERM#``:
    SearchTerm)."""
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
        s.read.update(counting.read)
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
            sizes, term_sizes = loaded.sizes, loaded.term_sizes
            items = sum(kinds.values())
            short_terms = sum(
                1
                for entries in pop.term_partitions.values()
                for key, _ in entries
                if len(key.split("#")[1]) <= PREFIX
            )
            print(
                f"\nloaded {len(users):,} users: {items:,} items ({kinds['SearchEntry']:,} "
                f"SearchEntry, {kinds['SearchEntry'] / len(users):.1f} per user, "
                f"{len(sizes):,} SEARCH# partitions; {kinds['SearchTerm']:,} SearchTerm, "
                f"{kinds['SearchTerm'] / len(users):.1f} per user, {len(term_sizes):,} TERM# "
                f"partitions; {short_terms:,} of these SearchTerm items are for terms of "
                f"1-{PREFIX} letters, which no query reads) in {seconds:.0f} s "
                f"({items / seconds:,.0f} items/s; users generated in {made:.1f} s); "
                "followers p50 "
                f"{statistics.median(u.follower_count for u in users):,.0f}, max "
                f"{max(u.follower_count for u in users):,}, ≥100k: "
                f"{sum(u.follower_count >= 100_000 for u in users):,}; ranks used: "
                f"{len({follower_rank(u.follower_count) for u in users})}",
                flush=True,
            )
            print("\nlargest SEARCH# partitions (items, counted by Query Select=COUNT):")
            for n in range(1, PREFIX + 1):
                top = [(p, c) for p, c in sizes.most_common() if len(p) == n][:5]
                counted = [(p, await count_partition(table, f"SEARCH#{p}")) for p, _ in top]
                assert counted == top, f"DynamoDB counts {counted}, generated {top}"
                over = [c for p, c in sizes.items() if len(p) == n and c > SCAN_ENTRIES]
                print(
                    f"- {n} letter(s): "
                    + ", ".join(f"{p!r} {c:,}" for p, c in counted)
                    + f"; {len(over):,} partitions over {SCAN_ENTRIES:,} items"
                    + (f" ({sum(over):,} items)" if over else "")
                )
            print("\nlargest TERM# partitions (items, counted by Query Select=COUNT):")
            top = [(p, c) for p, c in term_sizes.most_common()][:5]
            counted = [(p, await count_partition(table, f"TERM#{p}")) for p, _ in top]
            assert counted == top, f"DynamoDB counts {counted}, generated {top}"
            over = [c for c in term_sizes.values() if c > SCAN_ENTRIES]
            print(
                "- "
                + ", ".join(f"{p!r} {c:,}" for p, c in counted)
                + f"; {len(over):,} partitions over {SCAN_ENTRIES:,} items"
                + (f" ({sum(over):,} items)" if over else "")
            )
            # A query word of PREFIX + 1 letters reads every item whose term starts with it.
            runs: Counter[str] = Counter()
            for entries in pop.term_partitions.values():
                for key, _ in entries:
                    term = key.split("#")[1]
                    if len(term) > PREFIX:
                        runs[term[: PREFIX + 1]] += 1
            top = runs.most_common(5)
            counted = [
                (w, await count_partition(table, f"TERM#{w[:PREFIX]}", f"T#{w}")) for w, _ in top
            ]
            assert counted == top, f"DynamoDB counts {counted}, generated {top}"
            over = [c for c in runs.values() if c > SCAN_ENTRIES]
            print(
                f"- read by a {PREFIX + 1}-letter query (begins_with): "
                + ", ".join(f"{w!r} {c:,}" for w, c in counted)
                + f"; {len(over):,} such words over {SCAN_ENTRIES:,} items"
                + (
                    f" ({sum(over):,} items; a query is cut at {SCAN_ENTRIES:,}, by term)"
                    if over
                    else ""
                )
            )
            classes = query_classes(pop, rng, term_sizes)
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
                " | items read mean | queries reading SEARCH# / TERM# | RCU mean"
                " | differ from complete index | e.g. |"
            )
            print("|---|---|---|---|---|---|---|---|---|---|---|---|")
            for cls, s in stats.items():
                print(
                    f"| {cls} | {len(s.ms)} | {statistics.median(s.ms):.1f} "
                    f"| {pct(s.ms, 0.99):.1f} | {max(s.calls)} | {statistics.mean(s.calls):.2f} "
                    f"| {statistics.mean(s.results):.1f} | {statistics.mean(s.scanned):.0f} "
                    f"| {s.read['SEARCH#']} / {s.read['TERM#']} "
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
