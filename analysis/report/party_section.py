"""The report's regional party-building section: three lists, road adoption, demonstration areas.

Added to the coverage report when ``ReportInputs.party`` holds the layers
(:class:`analysis.party_inputs.PartyLayers`): the PDF/HTML section, XLSX sheets and GeoPackage
layers come from the same tables as ``servicecircle lists | adoption | demo-area``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from analysis.coverage import CoverageResult
from analysis.report.document import Table
from analysis.report.labels import plabel


@dataclass
class PartySection:
    """Tables by group ("lists", "adoption", "demo_area"), intro sentences, the adoption run
    (for its map) and the GeoPackage layers."""

    tables: dict[str, dict[str, Table]] = field(default_factory=dict)
    intro: dict[str, str] = field(default_factory=dict)
    adoption: object | None = None
    layers: dict[str, pd.DataFrame] = field(default_factory=dict)

    def all_tables(self) -> list[Table]:
        """Every table of the section, group by group (for the XLSX).

        Returns
        -------
        list of Table
        """
        return [t for group in self.tables.values() for t in group.values()]


def party_section(result: CoverageResult, inputs, lang: str) -> PartySection | None:
    """The section for ``inputs.party`` (None when no party layer was given or no network).

    Parameters
    ----------
    result : CoverageResult
        The coverage run (for the demonstration-area figures).
    inputs : ReportInputs
        ``party`` (:class:`analysis.party_inputs.PartyLayers`), ``network`` (projected metric CRS)
        and ``stations``.
    lang : str
        ``"zh"`` or ``"en"``.

    Returns
    -------
    PartySection or None
        Lists when units and needs are given, adoption when units are given (default distances:
        100 m along the network, rivers within 150 m), demonstration areas when given; None when
        none of them could be built.
    """
    party = getattr(inputs, "party", None)
    network = getattr(inputs, "network", None)
    if party is None or network is None:
        return None
    from analysis.adoption import DEFAULT_RIVER_MAX_M, adopt_roads
    from analysis.demo_area import demo_area_figures
    from analysis.lists import DEFAULT_MATCH_M, build_lists
    from analysis.report.party import adoption_layers, adoption_tables, demo_area_table, lists_layers, lists_tables

    sec = PartySection()
    if party.units is not None and party.needs is not None:
        lists = build_lists(network, party.units, party.needs, party.projects)
        sec.tables["lists"] = lists_tables(lists, lang)
        sec.intro["lists"] = plabel("lists_intro", lang, d=DEFAULT_MATCH_M)
        sec.layers.update(lists_layers(lists, party.units))
    if party.units is not None:
        adoption = adopt_roads(network, party.units, area=party.demo_areas, rivers=party.rivers)
        sec.tables["adoption"] = adoption_tables(adoption, lang)
        sec.intro["adoption"] = plabel("adoption_intro", lang, d=adoption.distance_m, r=DEFAULT_RIVER_MAX_M)
        sec.adoption = adoption
        sec.layers.update(adoption_layers(adoption))
    if party.demo_areas is not None:
        fig = demo_area_figures(party.demo_areas, result, units=party.units, stations=inputs.stations,
                                communities=getattr(party, "communities", None), grids=getattr(party, "grids", None))
        sec.tables["demo_area"] = {"demo_areas": demo_area_table(fig, lang)}
        sec.intro["demo_area"] = plabel("demo_area_intro", lang)
        sec.layers["demo_areas"] = party.demo_areas
    return sec if sec.tables else None
