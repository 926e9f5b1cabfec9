"""The customer's register, and the bot's own texts checked with the same markers."""

from __future__ import annotations

import pytest

from bot.config import load_settings
from bot.culture.catalog import ResponseCatalog
from bot.nlu.register_identifier import RegisterIdentifier

CHECKED_LANGUAGES = ("de", "fr", "it", "es", "pt", "hi", "hi-Latn", "ja", "zh")


@pytest.fixture(scope="module")
def identifier() -> RegisterIdentifier:
    return RegisterIdentifier.from_culture_dir(load_settings().culture_dir)


@pytest.mark.parametrize(
    ("language", "text", "expected"),
    [
        ("de", "Kannst du mir sagen, wo mein Paket ist?", "informal"),
        ("de", "Können Sie mir bitte sagen, wo mein Paket ist?", "formal"),
        ("fr", "tu peux m'aider avec ma commande ?", "informal"),
        ("fr", "Pourriez-vous m'aider avec ma commande ?", "formal"),
        ("es", "¿Puedes decirme dónde está mi pedido?", "informal"),
        ("es", "¿Podría usted decirme dónde está mi pedido?", "formal"),
        ("it", "Puoi aiutarmi con il mio ordine?", "informal"),
        ("pt", "Você pode me ajudar com meu pedido?", "informal"),
        ("pt", "O senhor poderia me ajudar com o pedido?", "formal"),
        ("hi", "क्या आप मेरी मदद कर सकते हैं?", "formal"),
        ("hi", "तुम मेरी मदद करो", "informal"),
        ("hi-Latn", "aap meri help kar sakte hain?", "formal"),
        ("hi-Latn", "tum meri help karo yaar", "informal"),
        ("ja", "注文した商品がまだ届いていません。確認していただけますか。", "formal"),
        ("ja", "注文したやつまだ届かないんだけど、確認してくれる？", "informal"),
        ("zh", "请问您能帮我查一下订单吗？", "formal"),
        ("zh", "你能帮我查下订单吗", "informal"),
    ],
)
def test_recognises_the_customers_register(
    identifier: RegisterIdentifier, language: str, text: str, expected: str
) -> None:
    guess = identifier.identify(text, language)
    assert guess.name == expected
    assert guess.confidence > 0.5


def test_no_markers_is_undecided(identifier: RegisterIdentifier) -> None:
    guess = identifier.identify("482913", "de")
    assert (guess.name, guess.confidence) == ("formal", 0.5)
    assert identifier.identify("anything", "tr").confidence == 0.5


def test_bot_texts_keep_their_register(
    identifier: RegisterIdentifier, catalog: ResponseCatalog
) -> None:
    """No informal pronoun leaks into a formal text, and no formal one into an informal text."""
    leaks = []
    for language in CHECKED_LANGUAGES:
        markers = identifier.markers[language]
        for key, by_register in catalog.texts[language].items():
            for register, other in (("formal", "informal"), ("informal", "formal")):
                for variant in by_register.get(register, []):
                    texts = [variant.get("text", "")]
                    texts += [b.get("title", "") for b in variant.get("buttons") or []]
                    for text in texts:
                        found = markers.hits(str(text), other)
                        if found:
                            leaks.append(f"{language} {key} ({register}): {other} {found}")
    assert not leaks, "\n".join(leaks)
