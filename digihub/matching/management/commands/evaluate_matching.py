"""Replay past partner choices against the ranking: is the chosen partner in the top 3?"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from digihub.matching import text
from digihub.matching.evaluation import Outcome, evaluate_generated, replay
from digihub.matching.models import Recommendation

TARGET = 0.80


class Command(BaseCommand):
    help = (
        "Replays the decided questions of this database and a generated history with a known "
        "structure; prints for how many decisions with a clear fit the chosen partner was in "
        "the ranking's top 3 (target 80 %)."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--decisions", type=int, default=300, help="generated decisions")
        parser.add_argument("--partners", type=int, default=24, help="generated partners")
        parser.add_argument("--noise", type=float, default=0.10, help="share of random choices")
        parser.add_argument(
            "--seeds",
            default="19,5,11,23,42",
            help="generated histories, one per seed (comma-separated); mean and lowest printed",
        )
        parser.add_argument("--seed", type=int, default=None, help="one seed only")
        parser.add_argument(
            "--method", choices=["postgres", "tokens"], default=None, help="text method"
        )
        parser.add_argument("--no-generated", action="store_true", help="only this database")

    def _print(self, title: str, outcome: Outcome) -> None:
        if not outcome.decisions:
            self.stdout.write(f"{title}: no decisions to replay")
            return
        top3 = outcome.share_top3
        verdict = (
            "no decision with a clear fit to judge"
            if not outcome.clear
            else "met"
            if top3 >= TARGET
            else "MISSED"
        )
        other = (
            f"; without a clear fit {outcome.other}, of which {outcome.other_top3} in the top 3"
            if outcome.other
            else ""
        )
        self.stdout.write(
            f"{title}: {outcome.decisions} decisions, {outcome.clear} with a clear fit: "
            f"chosen partner first {outcome.clear_top1} ({outcome.clear_top1 / max(1, outcome.clear):.0%}), "
            f"in the top 3 {outcome.clear_top3} ({top3:.1%}) — target {TARGET:.0%} {verdict}{other}"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        here = replay(method=options["method"])
        self._print("This database, knowledge partners", here["knowledge"])
        self._print("This database, commercial partners", here["commercial"])
        shown = Recommendation.objects.filter(chosen_at__isnull=False, shown_at__isnull=False)
        if shown.exists():
            in_top3 = shown.filter(chosen_rank__lte=3).count()
            self.stdout.write(
                f"Recorded choices after a shown ranking: {shown.count()}, chosen in the "
                f"shown top 3: {in_top3}"
            )
        if options["no_generated"]:
            return
        seeds = (
            [options["seed"]]
            if options["seed"] is not None
            else [int(s) for s in options["seeds"].split(",") if s.strip()]
        )
        self.stdout.write(
            f"Generated histories ({options['decisions']} decisions, {options['partners']} "
            f"partners, {options['noise']:.0%} random choices, text: "
            f"{options['method'] or text.method()}):"
        )
        shares = []
        together = Outcome()
        for seed in seeds:
            outcome = evaluate_generated(
                decisions=options["decisions"],
                partners=options["partners"],
                noise=options["noise"],
                seed=seed,
                method=options["method"],
            )["knowledge"]
            self._print(f"  seed {seed}", outcome)
            shares.append(outcome.share_top3)
            together.decisions += outcome.decisions
            together.clear += outcome.clear
            together.clear_top1 += outcome.clear_top1
            together.clear_top3 += outcome.clear_top3
        if len(seeds) > 1:
            # One seed is one history: a rate met by the mean but not by the lowest seed is
            # not met for every history of this structure.
            lowest = min(shares)
            mean = sum(shares) / len(shares)
            self.stdout.write(
                f"  {len(seeds)} seeds: top 3 mean {mean:.1%}, lowest {lowest:.1%}, together "
                f"{together.clear_top3} of {together.clear} ({together.share_top3:.1%}) — "
                f"target {TARGET:.0%} {'met' if lowest >= TARGET else 'MISSED'} for every seed"
            )
