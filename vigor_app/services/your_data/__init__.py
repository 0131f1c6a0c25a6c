"""A person's own data: exporting it (JSON, CSV), importing workouts from Strong or Hevy, and deleting the account with everything in it."""
