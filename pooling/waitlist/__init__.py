"""The waitlist: people waiting for a taken slot, offered it when its units are freed."""
