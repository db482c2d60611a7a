"""``python -m gongkai``, and the standalone executable's entry (see gongkai.commands.programs)."""

import sys

from gongkai.commands.programs import main

if __name__ == "__main__":
    sys.exit(main())
