"""The CAPTCHA of registration and login: a Cyrillic word on a picture, as in the seed
(«сруб»), and the same word spelled aloud for a person who cannot see the picture.

Flite, the speech synthesiser django-simple-captcha uses, has English voices only: the
audio says each letter by its Russian name written for an English voice («эс, эр, у, бэ»).
"""

import secrets
import subprocess  # nosec B404: flite is called with a fixed argument list
import tempfile
from pathlib import Path

from captcha.models import CaptchaStore
from django.conf import settings
from django.http import FileResponse, HttpRequest, HttpResponse

# Short everyday words of letters that read and sound distinct (no ё, й, ъ, ь, щ, ы).
WORDS = (
    "сруб", "мост", "лось", "кедр", "уголь", "шахта", "река", "берег", "гора", "тайга",
    "сосна", "ветер", "север", "заря", "поле", "луна", "гроза", "лодка", "домна", "печь",
    "сталь", "рельс", "ток", "лампа", "бочка", "книга", "вагон", "метро", "хлеб",
    "сыр", "мед", "соль", "чай", "каша", "сад", "двор", "окно", "дверь", "стол",
    "стул", "кран", "завод", "цех", "склад", "порт", "руда", "кокс", "медь", "олово",
)  # fmt: skip

LETTER_NAMES = {
    "а": "ah", "б": "beh", "в": "veh", "г": "geh", "д": "deh", "е": "yeh", "ж": "zheh",
    "з": "zeh", "и": "ee", "к": "kah", "л": "el", "м": "em", "н": "en", "о": "oh", "п": "peh",
    "р": "er", "с": "es", "т": "teh", "у": "oo", "ф": "ef", "х": "khah", "ц": "tseh",
    "ч": "cheh", "ш": "shah", "ь": "myagkiy znak", "э": "eh", "ю": "yoo", "я": "yah",
}  # fmt: skip


def cyrillic_word() -> tuple[str, str]:
    """django-simple-captcha's challenge: (the word drawn, the answer expected)."""
    word = secrets.choice(WORDS)
    return word.upper(), word


def spoken(word: str) -> str:
    """The word's letters by their Russian names, for flite's English voice."""
    return ", ".join(LETTER_NAMES.get(letter, letter) for letter in word.lower())


def audio(request: HttpRequest, key: str) -> HttpResponse:
    """The CAPTCHA's word spelled aloud (WAV); 410 when the picture has expired."""
    store = CaptchaStore.objects.filter(hashkey=key).first()
    if store is None or not settings.CAPTCHA_FLITE_PATH:
        return HttpResponse(status=410)
    path = Path(tempfile.gettempdir()) / f"captcha-{secrets.token_hex(8)}.wav"
    subprocess.run(  # noqa: S603  # nosec B603: fixed program, the text is one argument
        [settings.CAPTCHA_FLITE_PATH, "-t", spoken(store.challenge), "-o", str(path)],
        check=True,
        timeout=10,
    )
    response = FileResponse(path.open("rb"), content_type="audio/wav")
    path.unlink()  # the open file stays readable until the response closes it
    return response
