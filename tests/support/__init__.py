"""Everything the template's tests share: which variants, which checks, which runners.

A test module imports from here (and from the standard library and its
dependencies) and never from another test module; nothing here imports a test
module (tests/test_layout.py holds both rules).

- template:  where the template is, its cookiecutter.json, the tools of this venv
- hooks:     the hooks' constants (one reader) and the hooks rendered as cookiecutter does
- variants:  the options and rules, one variant_id, and the named covering sets
- baking:    the three ways to bake (pytest-cookies, the command line, in-process)
- checks:    the static checks, each `project -> problems`
- runners:   processes, HTTP, gunicorn, nginx and the project's own suite
- venvs:     one hash-keyed cache of virtual environments
- servers:   the real servers' URLs and throwaway databases on them
- stacks:    a generated project's compose stack under a real Docker engine
- summary:   the pytest plugin that prints the matrix summary
"""
