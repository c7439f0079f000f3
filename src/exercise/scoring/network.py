"""Network measures over the message graph (networkx)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any


def network_metrics(
    cells: list[str],
    edges: Mapping[tuple[str, str], int],
    required: Iterable[tuple[str, str]] = (),
) -> dict[str, Any]:
    """Density, reciprocity, fragmentation and betweenness per cell over the directed
    graph of who sent messages or moves to whom (edge weight: how many); required
    liaison links that carried nothing in either direction are listed as unused."""
    import networkx as nx  # imported when first needed: it is slow to import

    g = nx.DiGraph()
    g.add_nodes_from(cells)
    for (a, b), n in edges.items():
        if a in g and b in g and a != b:
            g.add_edge(a, b, weight=n)
    density = nx.density(g) if len(g) > 1 else 0.0
    reciprocity = nx.overall_reciprocity(g) if g.number_of_edges() else 0.0
    betweenness = nx.betweenness_centrality(g) if len(g) > 2 else {c: 0.0 for c in cells}
    unused = [[a, b] for a, b in required if not g.has_edge(a, b) and not g.has_edge(b, a)]
    return {
        "density": round(density, 4),
        "reciprocity": round(float(reciprocity), 4),
        "components": nx.number_weakly_connected_components(g) if len(g) else 0,
        "betweenness": {c: round(v, 4) for c, v in sorted(betweenness.items())},
        "edges": [
            {"from": a, "to": b, "messages": d["weight"]} for a, b, d in sorted(g.edges(data=True))
        ],
        "unused_required_links": unused,
    }
