"""City → branch, however a file or a person writes the city."""

from billing.models import Branch
from core.importing import Row, RowError


def city_key(text: str) -> str:
    """«Кемерово», «г. Кемерово», «г.Кемерово», «КЕМЕРОВО» and the code «kemerovo» alike.

    The spellings found in the billing system's exports and typed by operators
    (issue 16 collected them from four imports); a non-breaking space is a space.
    """
    text = " ".join(text.split()).lower()
    return text.removeprefix("г.").strip()


class Branches:
    """Every branch by its name and its code, loaded once for a whole file."""

    def __init__(self) -> None:
        self.all = list(Branch.objects.order_by("name"))
        self._by_key = {}
        for branch in self.all:
            for text in (branch.name, branch.code):
                self._by_key[city_key(text)] = branch

    def find(self, city: str) -> Branch | None:
        return self._by_key.get(city_key(city))

    def of_row(self, row: Row, column: str = "city") -> Branch:
        """The branch a row's `column` names; RowError when there is none."""
        city = row.text(column, max_length=64)
        branch = self.find(city)
        if branch is None:
            names = " или ".join(b.name for b in self.all)
            raise RowError(column, f"«{city}» — нет такого города ({names})")
        return branch
