#!/usr/bin/env python3
"""Write cxm(1) from docs/cxm.1.in and the usage text of every command.

The command sections are generated from `cxm help COMMAND`, so the manual
page documents every subcommand and option the program really has;
tests/man.sh fails when the committed page is stale (`make update-man`).

usage: gen-man.py CXM TEMPLATE > cxm.1
"""
import re
import subprocess
import sys


def escape(text):
    """Text for roff: backslashes and hyphens escaped, no control lines."""
    text = text.replace("\\", "\\e").replace("-", "\\-")
    if text.startswith((".", "'")):
        text = "\\&" + text
    return text


def commands(cxm):
    out = subprocess.run([cxm, "--help"], check=True, capture_output=True, text=True).stdout
    names, listing = [], False
    for line in out.splitlines():
        if line.startswith("Commands:"):
            listing = True
        elif listing and line.startswith("  "):
            names.append(line.split()[0])
        elif listing:
            listing = False
    return names


OPTION = re.compile(r"^( {2,})(-\S.*?|[A-Z]\S*.*?)(?: {2,}(\S.*))?$")


def section(cxm, name):
    text = subprocess.run([cxm, "help", name], check=True, capture_output=True, text=True).stdout
    lines = text.rstrip("\n").splitlines()
    out = [f".SS {name}"]
    usage = lines[0]
    assert usage.startswith("usage: "), usage
    out += [".B " + escape(usage[len("usage: "):]), ".PP"]
    i = 1
    paragraph = []
    option_indent = None

    def flush():
        if paragraph:
            out.append(escape(" ".join(paragraph)))
            paragraph.clear()

    while i < len(lines):
        line = lines[i]
        i += 1
        if not line.strip():
            flush()
            option_indent = None
            out.append(".PP")
            continue
        if line.startswith("Example"):
            flush()
            out += [escape(line.split(":", 1)[0] + ":"), ".PP", ".RS", ".nf"]
            rest = line.split(":", 1)[1].strip()
            if rest:
                out.append(escape(rest))
            while i < len(lines) and lines[i].startswith(" "):
                out.append(escape(lines[i].strip()))
                i += 1
            out += [".fi", ".RE"]
            continue
        m = OPTION.match(line)
        if m and (option_indent is None or len(m.group(1)) <= option_indent):
            flush()
            option_indent = len(m.group(1))
            out += [".TP", ".B " + escape(m.group(2).strip())]
            if m.group(3):
                paragraph.append(m.group(3).strip())
            continue
        paragraph.append(line.strip())
    flush()
    # No empty paragraphs: a .PP directly before another paragraph macro or at
    # the end of the section says nothing.
    cleaned = []
    for k, entry in enumerate(out):
        following = out[k + 1] if k + 1 < len(out) else None
        if entry == ".PP" and following in (None, ".PP", ".TP"):
            continue
        cleaned.append(entry)
    return "\n".join(cleaned)


def main():
    cxm, template = sys.argv[1], sys.argv[2]
    body = "\n".join(section(cxm, name) for name in commands(cxm))
    page = open(template, encoding="utf-8").read().replace("@COMMANDS@", body)
    sys.stdout.write(page)


if __name__ == "__main__":
    main()
