"""makemessages that also finds the project's own translation markers.

The report writes its counted sentences through ``_n(singular, plural, n)`` and ``_noun(...)``
(digihub/reporting/document.py), and the maturity questionnaire marks its texts with
``N_`` (``gettext_noop``, digihub/assessments/dma.py). xgettext only knows the standard names,
so without these keywords those strings would silently drop out of the catalogues.
"""

from __future__ import annotations

from django.core.management.commands.makemessages import Command as MakeMessagesCommand


class Command(MakeMessagesCommand):
    xgettext_options = [
        *MakeMessagesCommand.xgettext_options,
        "--keyword=N_",
        "--keyword=_n:1,2",
        "--keyword=_noun:1,2",
    ]
