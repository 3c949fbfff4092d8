"""Gunicorn's logger with the personal-data mask on its handlers (access and error log).

``gunicorn --logger-class dangjian.webserver.MaskedLogger``: the access log's request lines
hold query strings, so they get the same ``dangjian.logs.MaskPersonalData`` filter as every
other log line.
"""
from gunicorn.glogging import Logger

from dangjian.logs import mask_handlers


class MaskedLogger(Logger):
    def setup(self, cfg):
        super().setup(cfg)
        mask_handlers(self.error_log)
        mask_handlers(self.access_log)
