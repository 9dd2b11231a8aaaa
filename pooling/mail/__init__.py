"""E-mail: an outbox written in the transaction of the change, delivered after the commit."""
