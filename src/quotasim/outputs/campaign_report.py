"""Placeholder: the campaign report is being written (issue 2)."""


def campaign_report(result) -> str:
    raise NotImplementedError
