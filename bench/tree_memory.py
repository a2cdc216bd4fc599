"""Peak memory of a command's whole process tree (the run, its OCR process, its parse children).

    python bench/tree_memory.py -- extract run DIR --schema S --out OUT --quiet

Samples /proc every 0.1 s (Linux) and prints the peaks: the summed PSS of the tree (each shared
page counted once, split among its sharers: what the tree costs the machine), the summed RSS,
the largest single process's RSS and private memory, and the main process's RSS. (/proc is read
directly so that the bench needs no extra dependency.)
"""
from __future__ import annotations

import os
import subprocess
import sys
import time


def process_tree(pid: int) -> list[int]:
    """The process and every descendant, from /proc's children lists."""
    out = [pid]
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as f:
                for child in f.read().split():
                    out += process_tree(int(child))
    except OSError:
        pass
    return out


def _rollup(pid: int) -> dict[str, int] | None:
    got = {}
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                key, _, rest = line.partition(":")
                parts = rest.split()
                if parts and parts[0].isdigit():
                    got[key] = int(parts[0])       # kB
    except OSError:
        return None
    return got


def main() -> int:
    cmd = sys.argv[1:]
    if cmd[:1] == ["--"]:
        cmd = cmd[1:]
    if not cmd:
        print("usage: python bench/tree_memory.py -- COMMAND [ARGS...]", file=sys.stderr)
        return 2
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL)
    peak = dict.fromkeys(("tree PSS", "tree RSS", "largest process RSS",
                          "largest process private", "main process RSS"), 0)
    procs = 0
    while proc.poll() is None:
        rows = [r for r in map(_rollup, process_tree(proc.pid)) if r]
        if rows:
            procs = max(procs, len(rows))
            for key, val in (("tree PSS", sum(r.get("Pss", 0) for r in rows)),
                             ("tree RSS", sum(r.get("Rss", 0) for r in rows)),
                             ("largest process RSS", max(r.get("Rss", 0) for r in rows)),
                             ("largest process private",
                              max(r.get("Private_Clean", 0) + r.get("Private_Dirty", 0)
                                  for r in rows)),
                             ("main process RSS", rows[0].get("Rss", 0))):
                peak[key] = max(peak[key], val)
        time.sleep(0.1)
    print("peak memory, MB: " + ", ".join(f"{k} {v / 1024:.0f}" for k, v in peak.items())
          + f" (up to {procs} processes; exit {proc.returncode})")
    return proc.returncode


if __name__ == "__main__":
    sys.exit(main())
