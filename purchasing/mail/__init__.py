"""E-mail through an outbox: business changes write their messages in the same transaction; a job sends them.

``models``: the outbox, its attachments, users' notification preferences. ``outbox``: writing a message
(idempotent, rendered from ``templates/mail/``). ``delivery``: sending due messages through SMTP.
``messages``: the messages people need (one function per event). ``scan`` and ``digest``: the daily commands.
"""
