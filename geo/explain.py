"""Explanations: why each candidate place name of a text was mapped where it was, or not at all.

Input: ``Explanation`` records from ``Geoparser.explain``.  Output: the
lines ``python -m geo extract --explain`` prints, one block per candidate:
the recognition rule that kept or vetoed it, the evidence around it, why
the resolver kept the name, and the places it weighed with their scores.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from geo.models import Cue, Place
from geo.resolve import Scored


@dataclass(frozen=True, slots=True)
class Explanation:
    """Why one candidate span of a text was mapped where it was, or not at all.

    ``rule`` and ``reason`` are the recognition verdict; ``support`` says why
    the resolver kept the name (empty when it dropped it or recognition
    vetoed it); ``candidates`` are the places weighed, best first, with the
    parts of their scores.
    """

    start: int
    end: int
    text: str
    kind: str
    rule: str
    reason: str
    cues: tuple[Cue, ...]
    mapped: bool
    support: str
    place: Place | None
    candidates: tuple[Scored, ...]

    @property
    def outcome(self) -> str:
        """One word: mapped, unplaced (a place the gazetteer cannot place), dropped or vetoed."""
        if self.mapped:
            return "mapped" if self.place is not None else "unplaced"
        return "dropped" if self.candidates else "vetoed"


def describe_place(place: Place) -> str:
    """ "Calais, 32, FR (P.PPL, 74,433 people, GeoNames 3029162)"."""
    where = ", ".join(part for part in (place.name, place.admin1, place.country_code) if part)
    facts = [place.feature]
    if place.population:
        facts.append(f"{place.population:,} people")
    if place.geonameid:
        facts.append(f"GeoNames {place.geonameid}")
    return f"{where} ({', '.join(facts)})"


def explain_lines(explanations: Iterable[Explanation]) -> list[str]:
    """Readable lines for a list of explanations, in text order."""
    lines = []
    for item in explanations:
        verdict = f"{'kept' if item.mapped or item.candidates else 'vetoed'} by {item.rule}: {item.reason}"
        lines.append(f"{item.text!r} at {item.start}-{item.end}, {item.kind}: {item.outcome}")
        lines.append(f"    recognition: {verdict}")
        if item.cues:
            lines.append(f"    evidence: {'; '.join(str(cue) for cue in item.cues)}")
        if item.mapped:
            lines.append(f"    kept because {item.support or 'the text says so'}")
        elif item.candidates:
            lines.append("    dropped: nothing in the article supports it, and it does not stand alone")
        for rank, scored in enumerate(item.candidates):
            parts = " + ".join(f"{label} {value:.2f}" for label, value in scored.parts)
            marker = "chosen" if rank == 0 else "      "
            lines.append(f"    {marker} {scored.score:5.2f}  {describe_place(scored.place)} = {parts}")
    return lines
