"""`python -m facilitator.library check [ROOT]`: check the library files without a Flask app."""

import sys

from .parse import main

if len(sys.argv) < 2 or sys.argv[1] != "check":
    print("usage: python -m facilitator.library check [ROOT]")
    sys.exit(2)
sys.exit(main(sys.argv[1:]))
