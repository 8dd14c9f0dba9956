"""sprintgen: turn an LLM architecture profile into a sprint plan, a roadmap and a Jira backlog."""

__version__ = "0.1.0"
