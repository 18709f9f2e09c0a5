"""Record forms: fields, repeating parts, inline validation, undo, drafts."""
