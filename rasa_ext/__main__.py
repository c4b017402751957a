"""Rasa's own command line with rasa_ext.speedups applied first: `python -m rasa_ext train ...`
is `rasa train ...`, only without parsing the same YAML again and again (`shuoshi train` runs
it; the Rasa server gets the same fixes when it loads the relay channel)."""

import sys

from rasa.__main__ import main

from rasa_ext import speedups

if __name__ == "__main__":
    sys.argv[0] = "rasa"
    speedups.apply()
    sys.exit(main())
