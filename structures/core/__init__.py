"""Structure data screens: creation, edition, services, bank details, billing mandate and
SIRET change; and the form bases the other screens of structures share."""
