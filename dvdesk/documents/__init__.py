"""Official documents: minutes, periodic reports, statistics workbooks, the number register.

Everything here returns bytes or writes to a path; the GUI previews and prints
the same PDFs the command line writes.
"""
