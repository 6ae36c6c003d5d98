#!/usr/bin/python3
"""Runs a command and prints, every half second, the CPU each of its threads
used (by thread name, from /proc/PID/task/*/stat) and the whole process's
(which also counts threads that ended between two samples).

    /usr/bin/python3 bench/threadtop.py build/redline -q batch RULEBOOK APPS -o out.gpkg --threads 2

redline names its threads (redline-read, redline-screen, redline-write,
redline-json), so the trace shows which stage holds a core and when one is
idle: the README's "Why --threads 2 is ... and not 2x" comes from it.
Percentages are of one core; a 2-core machine tops out at 200.
"""
import collections
import os
import subprocess
import sys
import time

INTERVAL = 0.5


def cpu_ticks(stat_text):
    fields = stat_text[stat_text.rindex(")") + 2:].split()
    return int(fields[11]) + int(fields[12])  # utime + stime


def main(argv):
    if not argv:
        sys.exit(__doc__)
    tick = os.sysconf("SC_CLK_TCK")
    child = subprocess.Popen(argv)
    names = collections.OrderedDict()
    previous, previous_total, rows = {}, 0, []
    start = time.monotonic()
    while child.poll() is None:
        time.sleep(INTERVAL)
        now = time.monotonic() - start
        current = {}
        try:
            total = cpu_ticks(open(f"/proc/{child.pid}/stat").read())
            for tid in os.listdir(f"/proc/{child.pid}/task"):
                try:
                    text = open(f"/proc/{child.pid}/task/{tid}/stat").read()
                except OSError:
                    continue  # the thread ended meanwhile
                current[tid] = (text[text.index("(") + 1:text.rindex(")")], cpu_ticks(text))
        except OSError:
            break  # the process ended meanwhile
        by_name = collections.Counter()
        for tid, (name, ticks) in current.items():
            by_name[name] += ticks - previous.get(tid, (name, 0))[1]
            names[name] = True
        rows.append((now, by_name, total - previous_total))
        previous, previous_total = current, total
    scale = 100.0 / tick / INTERVAL
    print("t (s)  " + " ".join(f"{n[:15]:>15}" for n in names) + "  process")
    for now, by_name, total in rows:
        print(f"{now:5.1f}  " + " ".join(f"{by_name[n] * scale:15.0f}" for n in names) + f"  {total * scale:7.0f}")
    return child.wait()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
