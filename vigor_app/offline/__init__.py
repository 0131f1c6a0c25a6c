"""The installable app's offline side: the service worker, made for the build it serves."""
