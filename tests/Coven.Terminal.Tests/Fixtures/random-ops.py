#!/usr/bin/env python3
"""Deterministic random terminal operations for differential tests against tmux.

    python3 random-ops.py SEED [COUNT]

Writes COUNT (default 400) random operations for a 60x20 screen: text (ASCII, CJK, Hangul, emoji,
combining marks, tabs, long runs), cursor movement, erase, insert/delete, scroll regions, scrolling,
index/reverse index, save/restore, SGR, autowrap on/off, origin mode, REP and back-tab.

A few things are deliberately not generated because tmux 3.3a (the reference) differs from
VT510/xterm there and the model follows xterm:
  - REP is only emitted at the start of a line (tmux clamps REP to the line, xterm wraps) and only
    after ASCII (tmux repeats nothing after a non-ASCII character);
  - CHT (CSI I) is not emitted (tmux ignores it);
  - DECSTBM is always preceded by origin mode off (tmux homes to the absolute top-left even in
    origin mode);
  - insert mode (IRM) is not emitted (tmux's wrap in insert mode shifts differently);
  - IL/DL are only emitted with the cursor inside the margins (outside, tmux acts on the whole
    screen; VT510/xterm ignore them).
"""
import random
import sys

seed = int(sys.argv[1])
limit = int(sys.argv[2]) if len(sys.argv) > 2 else 400
cols, rows = 60, 20
r = random.Random(seed)
words = ["hello", "world", "中文", "한국", "x", "abc def", "e\u0301", "😀", "─│┌", "tab\there", "long" * 20]
out = []
for _ in range(limit):
    k = r.randrange(22)
    n = r.randint(0, 5)
    if k < 5:
        out.append(r.choice(words))
    elif k == 5:
        out.append(f"\x1b[{r.randint(1, rows)};{r.randint(1, cols)}H")
    elif k == 6:
        out.append(f"\x1b[{n}{r.choice('ABCDEFG')}")
    elif k == 7:
        out.append(f"\x1b[{r.choice(['', '0', '1', '2'])}{r.choice('JK')}")
    elif k == 8:
        c = r.choice('LM@PX')
        if c in 'LM':
            t = r.randint(1, rows - 1)
            b = r.randint(t + 1, rows)
            out.append(f"\x1b[?6l\x1b[{t};{b}r\x1b[{r.randint(t, b)};{r.randint(1, cols)}H")
        out.append(f"\x1b[{n}{c}")
    elif k == 9:
        t = r.randint(1, rows - 1)
        b = r.randint(t + 1, rows)
        out.append(f"\x1b[?6l\x1b[{t};{b}r")
    elif k == 10:
        out.append("\x1b[r")
    elif k == 11:
        out.append(r.choice(["\r\n", "\n", "\r", "\b", "\t"]))
    elif k == 12:
        out.append(f"\x1b[{r.choice(['0', '1', '4', '7', '31', '42', '38;5;100', '1;33'])}m")
    elif k == 13:
        out.append(r.choice(["\x1bM", "\x1bD", "\x1bE", "\x1b7", "\x1b8"]))
    elif k == 14:
        out.append(f"\x1b[{n}{r.choice('ST')}")
    elif k == 15:
        out.append(f"\x1b[{r.randint(1, rows)}d")
    elif k == 16:
        out.append(f"\x1b[{r.randint(1, cols)}`")
    elif k == 17:
        out.append(r.choice(["\x1b[?7l", "\x1b[?7h"]))
    elif k == 18:
        out.append(f"\ry\x1b[{n}b")
    elif k == 19:
        out.append(r.choice(["\x1b[?6h", "\x1b[?6l"]))
    elif k == 20:
        out.append(f"\x1b[{n}Z")
    else:
        out.append("y" * r.randint(1, 80))
sys.stdout.write("".join(out))
sys.stdout.flush()
