"""docs/guide.md runs as written: every ```python and ```sh block, in order,
section by section, in a scratch directory with CXM_DATA_DIR set to the
source tree's sample data and the built cxm program on PATH. Every ```c
block is compiled against the built library and run, every ```lua block runs
with the built module, and what each prints must be the ```text block that
follows it (published CDNOW numbers, docs/models.md)."""
import os
import re
import shlex
import subprocess
import sys
import tempfile
import unittest

SRC = os.environ.get("top_srcdir", os.path.join(os.path.dirname(__file__), "..", ".."))
BUILD = os.environ.get("top_builddir", os.path.join(SRC, "_build"))
CXM = os.environ.get("CXM")
LANGUAGES = "python|sh|c|lua|text"
SKIPPED = object()  # what a skipped block "printed"


def sections(text):
    """[(title, [(language, code), ...])] for the '## ' sections (the intro is section 0)."""
    result, title, blocks = [], "introduction", []
    for part in re.split(r"^(## .*)$", text, flags=re.M):
        if part.startswith("## "):
            result.append((title, blocks))
            title, blocks = part[3:].strip(), []
        else:
            blocks += re.findall(r"^```(%s)\n(.*?)^```" % LANGUAGES, part, flags=re.S | re.M)
    result.append((title, blocks))
    return result


def preload(env):
    """Sanitizer builds: the uninstrumented program or interpreter loads ASan first."""
    if env.get("CXM_SANITIZER_PRELOAD"):
        return dict(env, LD_PRELOAD=env["CXM_SANITIZER_PRELOAD"])
    return env


def run_c(code, env):
    """Compile a C block against the built library (as pkg-config would) and run it."""
    with open("guide.c", "w", encoding="utf-8") as f:
        f.write(code)
    compiler = shlex.split(env.get("CXM_TEST_CC") or "cc")
    flags = shlex.split(env.get("CXM_TEST_CFLAGS", "")) + shlex.split(env.get("CXM_TEST_LDFLAGS", ""))
    build = subprocess.run(compiler + flags + [
        "-I" + os.path.join(SRC, "include"), "-I" + os.path.join(BUILD, "include"),
        "guide.c", "-o", "guide", "-L" + os.path.join(BUILD, "lib", ".libs"), "-lcxm", "-lm"],
        env=env, capture_output=True, text=True)
    if build.returncode != 0:
        return build
    return subprocess.run(["./guide"], env=preload(env), capture_output=True, text=True)


def run_lua(code, env):
    with open("guide.lua", "w", encoding="utf-8") as f:
        f.write(code)
    return subprocess.run([env["LUA"], "guide.lua"], env=preload(env), capture_output=True,
                          text=True)


class Guide(unittest.TestCase):
    def run_block(self, title, language, code, env, namespace):
        """Run one block; for C and Lua return what it printed."""
        if language == "sh":
            done = subprocess.run(["bash", "-e", "-o", "pipefail", "-c", code],
                                  env=env, capture_output=True, text=True)
        elif language == "python":
            exec(compile(code, f"guide.md: {title}", "exec"), namespace)
            return None
        elif language == "c":
            done = run_c(code, env)
        else:
            if not env.get("LUA") or not os.path.exists(
                    os.path.join(BUILD, "bindings", "lua", ".libs", "cxm_core.so")):
                self.skipTest("Lua or the built Lua module is missing")
            done = run_lua(code, env)
        self.assertEqual(done.returncode, 0, f"{title}:\n{code}\n{done.stdout}{done.stderr}")
        return done.stdout

    def test_every_example_runs(self):
        if not CXM:
            self.skipTest("CXM (the built cxm program) is not set")
        text = open(os.path.join(SRC, "docs", "guide.md"), encoding="utf-8").read()
        env = dict(os.environ, CXM_DATA_DIR=os.path.join(SRC, "data"),
                   PATH=os.path.dirname(CXM) + os.pathsep + os.environ["PATH"],
                   MPLBACKEND="Agg")
        here = os.getcwd()
        with tempfile.TemporaryDirectory() as work:
            os.chdir(work)
            os.environ["CXM_DATA_DIR"] = env["CXM_DATA_DIR"]
            try:
                ran, compared, printed = 0, 0, None
                for title, blocks in sections(text):
                    namespace = {"__name__": "guide"}
                    for language, code in blocks:
                        with self.subTest(section=title, block=code.splitlines()[0]):
                            if language == "text":
                                # What the C or Lua block before it prints.
                                if printed is SKIPPED:
                                    self.skipTest("the block before it did not run")
                                self.assertIsNotNone(printed, f"{title}: a text block follows "
                                                              "no C or Lua block")
                                self.assertEqual(printed, code, title)
                                compared += 1
                                continue
                            printed = SKIPPED
                            printed = self.run_block(title, language, code, env, namespace)
                            ran += 1
                self.assertGreaterEqual(ran, 14)
                self.assertGreaterEqual(compared, 2 if os.environ.get("LUA") else 1)
            finally:
                os.chdir(here)


if __name__ == "__main__":
    unittest.main()
