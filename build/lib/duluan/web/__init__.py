"""The web entry point: FastAPI app, routes, templates, static assets (sole FastAPI user)."""
