"""Calendar and planning pages, and the iCal feeds."""
