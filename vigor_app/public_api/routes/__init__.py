"""The API's endpoints, a module per area, each an `APIRouter` named `router`."""

from vigor_app.public_api.routes import (
    admin,
    admin_config,
    coach,
    exercises,
    me,
    membership,
    plans,
    progress,
    sessions,
    tokens,
    your_data,
)

ROUTERS = [me.router, tokens.router, exercises.router, plans.router, sessions.router, progress.router,
           coach.router, membership.router, your_data.router, admin.router,
           admin_config.router]
