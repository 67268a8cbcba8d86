"""Run a command and write its tree's rusage as JSON: ``python -I -S rusage_launcher.py OUT -- CMD...``.

Why a launcher: Linux keeps a process's peak RSS across ``execve``, and a child
forked from the bench inherits the bench's own resident size as its starting
peak — every small hop would report the bench's ~200 MiB.  This script is a
small process (no site, no project imports): the command forked from it starts
from its few MiB, so ``wait4`` reports the command's own peak.  Standard
library only, run as a file, never imported by the project.
"""

import json
import os
import subprocess
import sys


def main() -> int:
    out_path, separator, *command = sys.argv[1:]
    if separator != "--" or not command:
        print("usage: rusage_launcher.py OUT -- COMMAND [ARG ...]", file=sys.stderr)
        return 2
    process = subprocess.Popen(command)
    _, status, usage = os.wait4(process.pid, 0)
    code = os.waitstatus_to_exitcode(status)
    with open(out_path, "w", encoding="utf-8") as handle:
        json.dump(
            {"maxrss_kib": usage.ru_maxrss, "cpu_s": usage.ru_utime + usage.ru_stime, "returncode": code},
            handle,
        )
    return code if code >= 0 else 128 - code


if __name__ == "__main__":
    sys.exit(main())
