"""CityLoop's web console (issue 15): server-rendered pages for the people who run the loop at desks, served by
the API's own app under /console/ (console/app.py: its router and templates). A presentation layer like api/: it
calls the domains' services (never a store, never the API's controllers). How to add an area: console/README.md.

Nothing is imported here, so that the worker's housekeeping (console/sessions.py) does not load the pages."""
