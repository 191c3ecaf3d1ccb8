"""Every public function, class, method and property of the cxm package has a
docstring, so that help() answers (issue: Python docstrings readable with help())."""
import importlib
import inspect
import unittest

import cxm

MODULES = ["cxm", "cxm.chain", "cxm.journey", "cxm.sim", "cxm.plotting", "cxm.utils",
           "cxm.datasets"]
try:
    import dask  # noqa: F401  (cxm.dask needs it)
    MODULES.append("cxm.dask")
except ImportError:
    pass


def public(module):
    names = getattr(module, "__all__", None) or [n for n in dir(module) if not n.startswith("_")]
    for name in names:
        obj = getattr(module, name, None)
        if inspect.isfunction(obj) or inspect.isclass(obj):
            yield f"{module.__name__}.{name}", obj
            if inspect.isclass(obj):
                for member_name, member in inspect.getmembers(obj):
                    if member_name.startswith("_"):
                        continue
                    if inspect.isfunction(member) or isinstance(member, property):
                        yield f"{module.__name__}.{name}.{member_name}", member


class Docstrings(unittest.TestCase):
    def test_everything_public_is_documented(self):
        undocumented = []
        for module_name in MODULES:
            for name, obj in public(importlib.import_module(module_name)):
                if not inspect.getdoc(obj):
                    undocumented.append(name)
        self.assertEqual(sorted(set(undocumented)), [])

    def test_help_describes_the_package(self):
        self.assertIn("libcxm", inspect.getdoc(cxm))


if __name__ == "__main__":
    unittest.main()
