"""The gongkai command line and what each command does."""
