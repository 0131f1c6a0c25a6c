"""Training: logging workouts set by set, and what grows from them: streaks, records, milestones, achievements, progress, the dashboard, next-time suggestions and body metrics."""
