"""The names ``bilingual`` exports resolve to the objects of their modules, lazily."""

from __future__ import annotations

import subprocess
import sys

import pytest

import bilingual


@pytest.mark.parametrize("name", [n for n in bilingual.__all__ if n != "__version__"])
def test_every_exported_name_resolves_to_its_module_object(name):
    import importlib

    value = getattr(bilingual, name)
    assert value is getattr(importlib.import_module(bilingual._API[name]), name)


def test_unknown_name_is_an_attribute_error():
    with pytest.raises(AttributeError, match="no attribute 'Nope'"):
        bilingual.Nope  # noqa: B018


def test_importing_the_package_loads_no_heavy_library():
    code = "import bilingual, sys; print(sorted(m for m in ('torch', 'transformers', 'kiwipiepy', 'ctranslate2') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
