"""Logging filters, loaded by LOGGING before the apps are ready (so no model imports here)."""

import logging


class RefusalsWithoutTraceback(logging.Filter):
    """On django.request: a 403 (another organisation's page) and a 400 (a forged or malformed
    request, such as a quiz POST naming questions outside its form) are expected refusals; log
    the line but not a 20-line traceback (review I2; a scanner sends thousands). Errors keep
    theirs."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "status_code", None) in (400, 403):
            record.exc_info = None
            record.exc_text = None
        return True
