"""An example sprintgen plugin: the `agentic-rag` profile and the `gitlab-csv` output format."""

__version__ = "0.1.0"
