"""How the production build splits the front end's scripts into files.

Left to itself, the bundler gives every module shared by two pages its own file: a signed-in page
asked for about 60 scripts, one per Radix component and one per icon, and on a phone's slow
connection each costs a round trip before the page can paint. This plugin (listed in
rxconfig.py) adds two groups to the build's `vite.config.js`:

- ``vendor``: the libraries every page runs (React and its router, Radix Themes and the
  primitives under it, Emotion, the socket.io client, the toasts), one long-cached file;
- ``icons``: the Lucide icons the pages name (each page names its icons; nothing is looked up
  by a name known only at run time, which would pull in every icon);
- ``charts``: Recharts and the libraries under it, one file that only the pages with a chart
  (Progress, an exercise's history, the admin's usage) load.

Libraries only some pages use (the charts, the file drop zone) stay out of ``vendor``, so they
load only on the pages that show them.
"""

from __future__ import annotations

import reflex as rx

# Packages under node_modules that every page's script needs.
VENDOR_PACKAGES = (
    "react", "react-dom", "scheduler", "react-router", "@react-router", "cookie", "set-cookie-parser",
    "@radix-ui", "radix-ui", "@floating-ui", "aria-hidden", "react-remove-scroll", "react-remove-scroll-bar",
    "react-style-singleton", "use-callback-ref", "use-sidecar", "get-nonce", "detect-node-es", "tslib",
    "classnames", "clsx", "@emotion", "stylis", "@babel", "hoist-non-react-statics", "react-is",
    "socket.io-client", "socket.io-parser", "engine.io-client", "engine.io-parser", "@socket.io", "debug", "ms",
    "xmlhttprequest-ssl", "sonner", "universal-cookie", "mergician", "react-helmet", "react-side-effect",
    "react-fast-compare", "object-assign", "prop-types", "react-error-boundary", "react-debounce-input",
    "lodash.debounce", "json5", "dequal", "use-sync-external-store",
)

# Recharts and what it runs on: only the pages with a chart load them.
CHART_PACKAGES = (
    "recharts", "@reduxjs", "react-redux", "redux", "redux-thunk", "immer", "reselect", "es-toolkit",
    "decimal.js-light", "eventemitter3", "tiny-invariant", "victory-vendor", "d3-array", "d3-color", "d3-ease",
    "d3-format", "d3-interpolate", "d3-path", "d3-scale", "d3-shape", "d3-time", "d3-time-format", "d3-timer",
    "internmap",
)

# Reflex writes this group into every vite.config.js; ours go right after it.
ANCHOR = """              name: "reflex-env",
            },"""


def _pattern(packages: tuple[str, ...]) -> str:
    names = "|".join(name.replace(".", r"\.").replace("/", r"[\\/]") for name in packages)
    return rf"/node_modules[\\/]({names})[\\/]/"


def groups_js() -> str:
    return f"""
            {{
              test: {_pattern(VENDOR_PACKAGES)},
              name: "vendor",
              priority: 20,
            }},
            {{
              test: {_pattern(CHART_PACKAGES)},
              name: "charts",
              priority: 15,
            }},
            {{
              test: /node_modules[\\/]lucide-react[\\/]/,
              name: "icons",
              priority: 10,
            }},"""


def add_chunk_groups(config: str) -> str:
    """`vite.config.js` with the vendor and icon groups added after Reflex's own group."""
    if ANCHOR not in config:
        msg = "vite.config.js has changed shape: update vigor_app/bundle.py for this Reflex version"
        raise RuntimeError(msg)
    if 'name: "vendor"' in config:
        return config
    return config.replace(ANCHOR, ANCHOR + groups_js(), 1)


class ChunkGroups(rx.plugins.Plugin):
    """Adds the script groups above to the build's configuration before each compile."""

    def pre_compile(self, **context) -> None:
        context["add_modify_task"]("vite.config.js", add_chunk_groups)
