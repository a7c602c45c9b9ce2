"""Notifications to residents and staff (issue 6).

- `channels`: email (Django's mail backend, SMTP in production), SMS (HTTP gateway) and LINE
  (Messaging API push) behind one small interface;
- `render`: editor templates or built-in wording, in the recipient's language;
- `outbox`: writing Notification rows in the caller's transaction, claiming and delivering them;
- `events`: which case events and form actions notify whom (signal receivers).
"""
