"""The docs stay true: every environment variable the settings read is documented."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def test_every_setting_read_from_the_environment_is_documented():
    source = (ROOT / "filiere" / "settings.py").read_text()
    names = set(re.findall(r'env_(?:str|bool|int|list)\("([A-Z_]+)"', source))
    documented = set(
        re.findall(r"^\| `([A-Z_]+)` \|", (ROOT / "docs" / "configuration.md").read_text(), re.M)
    )
    assert names, "no environment variable found in settings.py"
    assert names - documented == set(), f"undocumented settings: {sorted(names - documented)}"
    assert documented - names == set(), f"documented but unused: {sorted(documented - names)}"


def test_readme_starts_with_the_two_commands():
    head = (ROOT / "README.md").read_text().split("\n\n", 3)[:3]
    assert "make run" in "\n".join(head) and "make test" in "\n".join(head)
