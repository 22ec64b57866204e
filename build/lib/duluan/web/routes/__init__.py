"""One module per area of the site; each route declares its action (see duluan.web.deps)."""
