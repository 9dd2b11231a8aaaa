"""The home page: what I have today and this week."""
