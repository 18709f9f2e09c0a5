"""Operations on an office's data. The CLI and the GUI both call these; neither touches SQL."""
