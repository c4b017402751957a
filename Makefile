# The two front doors: `make run` and `make test`. Both set up what they need on a fresh machine.
.PHONY: setup run test train lint chat clean lock

setup:
	@bash scripts/bootstrap.sh

run: setup
	@.venv/bin/shuoshi run

chat: setup
	@.venv/bin/shuoshi chat

train: setup
	@.venv/bin/shuoshi train

test:
	@SHUOSHI_NEED_BROWSER=1 bash scripts/bootstrap.sh
	@bash scripts/test.sh

lint: setup
	@.venv/bin/ruff check . && .venv/bin/mypy && .venv/bin/lint-imports

# Recompiles requirements/*.lock (hashes included) after a dependency changed in pyproject.toml
# or requirements/rasa.txt; commit the three files. `make lock UPGRADE=1` takes newest versions.
lock: setup
	@bash scripts/lock.sh

clean:
	rm -rf models var .rasa
