"""The in-app inbox: what happened to my bookings, what awaits my approval."""
