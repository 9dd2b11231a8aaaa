"""Qualifications (habilitations): what a person must hold, valid on the day, to book a resource."""
