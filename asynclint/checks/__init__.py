"""One module per rule, named after the rule (``blocking_sleep.py`` for ``blocking-sleep``)."""
