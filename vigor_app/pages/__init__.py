"""The pages. Importing this package imports every module in it, and each page registers
itself there (``rx.page``, or ``app_page``/``admin_page`` with its navigation entry): a new
page is a new module here, and nothing else names it."""

import importlib
import pkgutil

for _module in pkgutil.iter_modules(__path__):
    importlib.import_module(f"{__name__}.{_module.name}")
