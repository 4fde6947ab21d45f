"""Logging filters, loaded by LOGGING before the apps are ready (so no model imports here)."""

import logging


class RefusalsWithoutTraceback(logging.Filter):
    """On django.request: a 403 is an expected refusal (another organisation's page); log the
    line but not a 20-line traceback (review I2). Errors keep theirs."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "status_code", None) == 403:
            record.exc_info = None
            record.exc_text = None
        return True
