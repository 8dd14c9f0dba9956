"""The dependency graph of a backlog (networkx): validation, critical path, longest chain, ordering."""

from __future__ import annotations

from dataclasses import dataclass

import networkx as nx

from sprintgen.errors import GraphError
from sprintgen.model import Backlog


@dataclass
class DependencyGraph:
    """A validated DAG over story keys; an edge a -> b means b depends on a (a blocks b)."""

    graph: nx.DiGraph
    order: list[str]  # a topological order that keeps profile order where dependencies allow

    @property
    def stories(self) -> list[str]:
        """Story keys in the graph's stable topological order."""
        return self.order


def build_graph(backlog: Backlog) -> DependencyGraph:
    """Build and validate the graph; a cycle is a GraphError that prints it as `a -> b -> a`."""
    graph = nx.DiGraph()
    for story in backlog.stories:
        graph.add_node(story.key, weight=story.estimate.likely)
    for story in backlog.stories:
        for dep in story.depends_on:
            graph.add_edge(dep, story.key)
    position = {s.key: i for i, s in enumerate(backlog.stories)}
    try:
        order = list(nx.lexicographical_topological_sort(graph, key=position.__getitem__))
    except nx.NetworkXUnfeasible:
        cycle = _a_cycle(graph)
        raise GraphError(f"dependency cycle: {' -> '.join(cycle)}", file=backlog.source,
                         hint="remove one of these depends_on links") from None
    return DependencyGraph(graph, order)


def _a_cycle(graph: nx.DiGraph) -> list[str]:
    """One cycle, starting from its smallest key so the message is stable."""
    edges = nx.find_cycle(graph)
    nodes = [u for u, _ in edges]
    start = nodes.index(min(nodes))
    nodes = nodes[start:] + nodes[:start]
    return nodes + [nodes[0]]


def critical_path(dag: DependencyGraph, weight: dict[str, float]) -> tuple[list[str], float]:
    """The chain of dependent stories with the largest total weight (likely points), and that total."""
    best: dict[str, float] = {}
    previous: dict[str, str | None] = {}
    for node in dag.order:
        preds = list(dag.graph.predecessors(node))
        if preds:
            p = max(preds, key=best.__getitem__)
            best[node] = best[p] + weight[node]
            previous[node] = p
        else:
            best[node] = weight[node]
            previous[node] = None
    if not best:
        return [], 0.0
    end = max(dag.order, key=lambda k: best[k])
    path = [end]
    while previous[path[-1]] is not None:
        path.append(previous[path[-1]])
    return list(reversed(path)), best[end]


def milestone_ranks(backlog: Backlog, dag: DependencyGraph) -> dict[str, int]:
    """Story key -> index of the first milestone that needs it (its own stories and everything they wait for).

    Planning and the forecast pull a story forward by this rank, so a thin first slice is not queued behind the
    layers of the epics listed before it."""
    rank: dict[str, int] = {}
    for index, milestone in enumerate(backlog.milestones):
        for key in milestone.stories:
            for needed in (key, *nx.ancestors(dag.graph, key)):
                rank.setdefault(needed, index)
    return rank
