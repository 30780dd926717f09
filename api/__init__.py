"""HTTP only: app factory, settings, pool lifecycle, auth, guards, errors, controllers, the CLI."""
