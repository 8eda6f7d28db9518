from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from digihub.core.dates import validate_plausible_date
from digihub.core.forms import SafeTextForm

from .models import Dimension

SKIP = "skip"


class DimensionForm(forms.Form):
    """One dimension's questions: radios for one answer, tick boxes for several; an optional
    question has a "skip" choice. Field names are ``q<id>``; the texts are shown translated."""

    def __init__(
        self, *args: Any, dimension: Dimension, initial_answers: dict[int, Any], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.dimension = dimension
        self.questions = list(dimension.questions.all())  # type: ignore[attr-defined]
        for q in self.questions:
            choices = [(str(o.pk), gettext(o.text)) for o in q.options.all()]
            name = f"q{q.pk}"
            previous = initial_answers.get(q.pk)
            if q.kind == "single":
                if q.optional:
                    choices.append((SKIP, gettext("Skip: I do not know / not applicable")))
                field: forms.Field = forms.ChoiceField(
                    label=gettext(q.text),
                    choices=choices,
                    widget=forms.RadioSelect,
                    required=False,
                    help_text=gettext(q.help) if q.help else "",
                )
                if previous is not None:
                    field.initial = (
                        SKIP if previous[1] else (str(previous[0][0]) if previous[0] else None)
                    )
            else:
                field = forms.MultipleChoiceField(
                    label=gettext(q.text),
                    choices=choices,
                    widget=forms.CheckboxSelectMultiple,
                    required=False,
                    help_text=gettext(q.help) if q.help else gettext("Tick all that apply."),
                )
                if previous is not None:
                    field.initial = [str(pk) for pk in previous[0]]
            self.fields[name] = field
            if q.kind == "multiple" and q.optional:
                skip = forms.BooleanField(
                    label=gettext("Skip: I do not know / not applicable"), required=False
                )
                skip.initial = bool(previous and previous[1])
                self.fields[f"{name}_skip"] = skip

    def given(self) -> dict[int, tuple[list[int], bool]]:
        """Question id → (chosen option ids, skipped), for the questions on this page. A
        single-choice question left empty is not saved (it stays unanswered)."""
        result: dict[int, tuple[list[int], bool]] = {}
        for q in self.questions:
            value = self.cleaned_data.get(f"q{q.pk}")
            if q.kind == "single":
                if value == SKIP:
                    result[q.pk] = ([], True)
                elif value:
                    result[q.pk] = ([int(value)], False)
            else:
                skipped = bool(self.cleaned_data.get(f"q{q.pk}_skip"))
                result[q.pk] = ([] if skipped else [int(v) for v in value or []], skipped)
        return result


class StartForm(SafeTextForm):
    how = forms.ChoiceField(
        label=_("How"),
        choices=[
            ("link", _("Send the customer a link to fill it in")),
            ("advisor", _("Fill it in now, together with the customer")),
        ],
        widget=forms.RadioSelect,
        initial="link",
    )
    respondent: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        queryset=None,  # type: ignore[arg-type]
        required=False,
        label=_("Who answers (the link goes to this contact)"),
    )

    def __init__(self, *args: Any, company: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["respondent"].queryset = company.contacts.filter(  # type: ignore[attr-defined]
            erased_at__isnull=True
        ).exclude(email="")


class ReasonForm(SafeTextForm):
    reason = forms.CharField(
        label=_("Why"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )


class InvestmentForm(SafeTextForm):
    amount = forms.DecimalField(
        label=_("Investment facilitated (EUR)"),
        required=False,
        min_value=0,
        max_digits=14,
        decimal_places=2,
    )


class KpiForm(SafeTextForm):
    hub: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        queryset=None, required=False, label=_("Hub"), empty_label=_("All hubs")
    )  # type: ignore[arg-type]
    start = forms.DateField(
        label=_("From"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        validators=[validate_plausible_date],
    )
    end = forms.DateField(
        label=_("Until"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        validators=[validate_plausible_date],
    )

    def __init__(self, *args: Any, hubs: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["hub"].queryset = hubs  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end and start > end:
            self.add_error("end", _("The period ends after it starts."))
        return data
