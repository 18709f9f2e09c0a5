"""The headless command line: every operation of dvdesk, without the GUI."""
