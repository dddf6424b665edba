"""A self-hostable daily email digest of trending machine-learning papers."""
