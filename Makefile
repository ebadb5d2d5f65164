# The two front-door commands (see README.md). Everything else is in scripts/.
.PHONY: run test

run:
	@bash scripts/run.sh

test:
	@bash scripts/test.sh
