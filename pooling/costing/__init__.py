"""Cost periods and the fair sharing of their costs; allocation, rounding, settlement and staff are pure."""
