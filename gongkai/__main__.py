"""``python -m gongkai``, and the standalone executable's entry (see gongkai.commands.entry)."""

from gongkai.commands.entry import run

if __name__ == "__main__":
    run()
