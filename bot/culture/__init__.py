"""Languages, registers and wording: everything that decides how a reply reads."""
