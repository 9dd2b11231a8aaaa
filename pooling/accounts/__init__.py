"""People: users, their memberships of organisations, sign-in, invitations and API tokens."""
