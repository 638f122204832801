"""Pages: they parse the request, call the engine or a service, render. Nothing
imports this package but the URL configuration."""
