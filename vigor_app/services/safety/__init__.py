"""What may be said: screening a person's message to the coach (red flags, harmful requests) and screening what an AI wrote before anyone sees it."""
