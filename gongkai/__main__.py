"""``python -m gongkai``, and the standalone executable's entry (see gongkai.commands.entry)."""

import sys

from gongkai.commands.entry import main

if __name__ == "__main__":
    sys.exit(main())
