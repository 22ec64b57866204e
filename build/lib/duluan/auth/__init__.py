"""Who may do what where: users, the unit tree, roles, declared actions, API tokens, audit log."""
