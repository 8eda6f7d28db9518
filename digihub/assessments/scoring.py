"""How a DMA is scored: plain functions over the stored questionnaire and answers.

* A question's points: the points of the chosen options (one for a single-choice question,
  any number for a multiple-choice one), counted up to the question's ``max_points``.
* A dimension's score (0–100): 100 × the points of its counted questions ÷ the points they could
  reach (their ``max_points``), rounded half up to two decimals.
* A skipped optional question (the respondent ticked "skip", or left it empty) follows its
  dimension's ``skipped`` rule: ``exclude`` leaves it out of both sums, so the score is the
  share of the points the answered questions could reach (nobody is punished for not knowing);
  ``zero`` counts it as answered with no points. A required question must be answered before the
  assessment can be submitted. A dimension in which nothing at all counts scores 0.
* The overall score is the mean of the dimension scores (six in the EU DMA), rounded half up to
  two decimals.
* The maturity level (band) follows the overall score rounded half up to a whole number:
  Basic 0–25, Average 26–50, Moderately advanced 51–70, Advanced 71–100.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from .models import Band, Dimension, Question, Skipped

HUNDRED = Decimal(100)
TWO_PLACES = Decimal("0.01")
# (band, highest whole score in it)
BANDS: tuple[tuple[Band, int], ...] = (
    (Band.BASIC, 25),
    (Band.AVERAGE, 50),
    (Band.MODERATE, 70),
    (Band.ADVANCED, 100),
)


@dataclass(frozen=True)
class Given:
    """What was answered to one question: the chosen options' points, or skipped."""

    points: tuple[int, ...] = ()
    skipped: bool = False


def question_points(question: Question, given: Given) -> int:
    chosen = given.points[:1] if question.kind == "single" else given.points
    return min(sum(chosen), question.max_points)


def is_answered(given: Given | None) -> bool:
    return given is not None and not given.skipped and bool(given.points)


def dimension_score(
    dimension: Dimension, questions: Iterable[Question], answers: Mapping[int, Given]
) -> Decimal:
    """The dimension's score; ``answers`` maps question ids to what was given. A required
    question without an answer is an error (``ValueError``): check completeness first.

    A multiple-choice question with nothing ticked and not skipped counts as answered with no
    points (ticking none of the items is an answer), unless it is optional and skipped."""
    earned = reachable = 0
    for question in questions:
        given = answers.get(question.pk)
        if (
            given is not None
            and not given.skipped
            and (given.points or question.kind == "multiple")
        ):
            earned += question_points(question, given)
            reachable += question.max_points
        elif question.optional:
            if dimension.skipped == Skipped.ZERO:
                reachable += question.max_points
        else:
            raise ValueError(f"question {question.pk} is required")
    if reachable == 0:
        return Decimal("0.00")
    return (HUNDRED * earned / reachable).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def overall_score(scores: Iterable[Decimal]) -> Decimal:
    values = list(scores)
    if not values:
        return Decimal("0.00")
    return (sum(values, Decimal(0)) / len(values)).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def band_of(score: Decimal) -> Band:
    whole = int(Decimal(score).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    for band, upper in BANDS:
        if whole <= upper:
            return band
    return Band.ADVANCED
