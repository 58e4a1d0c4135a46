#!/usr/bin/env python3
"""The README and docs/ are linked both ways (issue 16): every relative markdown link in README.md and docs/*.md
resolves to a file, and its #anchor to a heading (GitHub-style slugs). Links inside code blocks and code spans are
not links.

  tests/docs/doc_links_test.py [REPO]     (default: this checkout)"""
import glob
import os
import re
import sys

repo = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
def strip_code(text):
    out, fence = [], False
    for line in text.split('\n'):
        if re.match(r'^\s*```', line): fence = not fence; out.append(''); continue
        out.append('' if fence else line)
    return out
def slug(h):
    h = h.strip().lower()
    h = re.sub(r'[^\w\- ]', '', h)   # GitHub: drop punctuation except - and _ ; keep letters, digits, spaces
    return h.replace(' ', '-')
def anchors(path):
    seen, res = {}, set()
    for line in strip_code(open(path).read()):
        m = re.match(r'^(#{1,6})\s+(.*?)\s*#*\s*$', line)
        if not m: continue
        s = slug(m.group(2))
        n = seen.get(s, 0); seen[s] = n + 1
        res.add(s if n == 0 else f'{s}-{n}')
    return res
files = [os.path.join(repo, 'README.md')] + sorted(glob.glob(os.path.join(repo, 'docs', '*.md')))
bad = checked = 0
for f in files:
    for i, line in enumerate(strip_code(open(f).read()), 1):
        line = re.sub(r'`[^`]*`', lambda m: 'x' * len(m.group(0)) if '](' not in m.group(0) else m.group(0), line)
        for m in re.finditer(r'\[[^\]]*\]\(([^)\s]+)\)', line):
            t = m.group(1)
            if re.match(r'^[a-z]+:', t): continue
            checked += 1
            path, _, anchor = t.partition('#')
            target = os.path.normpath(os.path.join(os.path.dirname(f), path)) if path else f
            rel = os.path.relpath(f, repo)
            if not os.path.exists(target):
                print(f'{rel}:{i}: {t}: no such file'); bad += 1; continue
            if anchor:
                if not target.endswith('.md'):
                    print(f'{rel}:{i}: {t}: anchor into a non-markdown file'); bad += 1
                elif anchor not in anchors(target):
                    print(f'{rel}:{i}: {t}: no heading with that anchor'); bad += 1
print(f'{checked} relative links checked in {len(files)} files, {bad} broken')
sys.exit(1 if bad else 0)
