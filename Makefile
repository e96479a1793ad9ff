# sms_twilio_gateway: the two commands of the README, and the developers' extras.
# Each target does its own set-up (scripts/setup.sh, idempotent).
.PHONY: run test lint bench faults setup simulator clean

run:  ## Odoo on http://localhost:8069 with demo data, the addon and the Twilio simulator
	@scripts/run.sh

test:  ## every test: tools/ (pytest) and Odoo's (the addon's + Odoo's own SMS tests)
	@scripts/test.sh

lint:  ## ruff and pylint-odoo's mandatory checks
	@scripts/setup.sh && scripts/lint.sh

bench:  ## stock Odoo 19 and the addon side by side against the simulator (BENCH_SCALE=0.1 to iterate; results in docs/BENCHMARKS.md)
	@scripts/bench.sh

faults:  ## the fault suite: kill -9 mid-batch, 429/500/drop/timeout storm, several drainers
	@scripts/fault_suite.sh $(FAULTS_ARGS)

setup:
	@scripts/setup.sh

simulator:  ## the Twilio simulator alone, on 127.0.0.1:8899
	@scripts/setup.sh && .venv/bin/python -m tools.twilio_simulator serve --port 8899

clean:
	rm -rf var
