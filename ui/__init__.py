"""The Qt desktop app: a face on the services of :mod:`dvdesk`."""
