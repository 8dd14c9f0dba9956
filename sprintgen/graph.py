"""The dependency graph of a backlog (networkx): validation, critical path, ordering.

The index-level helpers at the end work on tasks numbered 0..n-1 (`preds[i]` lists what task i depends on); the
scheduler and the forecast share them, so each rule (an order, a chain, a closure) has one implementation.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass
from typing import Any, Callable, Iterator, Sequence

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
    # the bulk methods: a third of the time of one add_edge call per dependency
    graph.add_nodes_from((story.key, {"weight": story.estimate.likely}) for story in backlog.stories)
    graph.add_edges_from((dep, story.key) for story in backlog.stories for dep in story.depends_on)
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


# --- index-level helpers: tasks 0..n-1, preds[i] lists the tasks i depends on ---------------------------------------


def successor_lists(preds: Sequence[Sequence[int]]) -> list[list[int]]:
    """For every task, the tasks that depend on it (in increasing order of the dependent)."""
    succ: list[list[int]] = [[] for _ in preds]
    for task, task_preds in enumerate(preds):
        for p in task_preds:
            succ[p].append(task)
    return succ


def kahn_order(preds: Sequence[Sequence[int]], succ: Sequence[Sequence[int]], key: Callable[[int], Any]
               ) -> list[int]:
    """Tasks in an order where every task follows its predecessors; among the ready ones, the lowest key first."""
    indegree = [len(p) for p in preds]
    heap = [(key(t), t) for t in range(len(preds)) if indegree[t] == 0]
    heapq.heapify(heap)
    order = []
    while heap:
        _, task = heapq.heappop(heap)
        order.append(task)
        for s in succ[task]:
            indegree[s] -= 1
            if indegree[s] == 0:
                heapq.heappush(heap, (key(s), s))
    return order


def tail_weights(sizes: Sequence[float], succ: Sequence[Sequence[int]], order: Sequence[int]) -> list[float]:
    """For each task, its size plus the heaviest chain of dependents after it (critical-path priority)."""
    tail = [0.0] * len(sizes)
    for task in reversed(order):
        tail[task] = sizes[task] + max((tail[s] for s in succ[task]), default=0.0)
    return tail


def chain_depths(succ: Sequence[Sequence[int]], order: Sequence[int]) -> list[int]:
    """For each task, the number of tasks on the longest chain that starts with it (itself included)."""
    depth = [0] * len(succ)
    for task in reversed(order):
        depth[task] = 1 + max((depth[s] for s in succ[task]), default=0)
    return depth


def descendant_masks(succ: Sequence[Sequence[int]], order: Sequence[int]) -> list[int]:
    """For each task, the set of every task that depends on it, directly or not, as a bit mask."""
    below = [0] * len(succ)
    for task in reversed(order):
        mask = 0
        for s in succ[task]:
            mask |= below[s] | (1 << s)
        below[task] = mask
    return below


def bits(mask: int) -> Iterator[int]:
    """Indices of the set bits of a mask, lowest first."""
    while mask:
        low = mask & -mask
        yield low.bit_length() - 1
        mask ^= low
