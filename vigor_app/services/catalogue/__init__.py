"""The exercise catalogue: the exercise file in memory, its table (with custom exercises), browsing it, and matching names from other apps to it."""
