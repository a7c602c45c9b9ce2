"""Messages to residents and staff (e-mail, SMS, LINE) through one outbox."""
