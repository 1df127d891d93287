"""The web shell: base layout, the front page, API docs, and front-end packages from npm."""
