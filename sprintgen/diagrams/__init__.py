"""Diagrams of a plan: Mermaid (Gantt, dependency graphs) and Graphviz dot."""
