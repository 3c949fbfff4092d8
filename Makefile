# dangjian — two commands from a fresh clone:
#   make run    install everything, migrate, load demo data once, serve + Celery worker/beat
#   make test   install what the tests need and run the whole suite
PYTHON ?= python3.11
VENV   := .venv
PY     := $(VENV)/bin/python
PIP    := $(VENV)/bin/pip
PORT   ?= 8000
SCALE  ?= small
export DJANGO_SETTINGS_MODULE ?= dangjian.settings.local

.PHONY: run test install vendor migrate demo lint check bench serve load clean

$(VENV)/.stamp-deps: requirements.txt requirements-dev.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV) || python3 -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -r requirements-dev.txt
	@touch $@

install: $(VENV)/.stamp-deps vendor

# Front-end libraries come from the npm registry into git-ignored static/vendor/.
static/vendor/.stamp: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	mkdir -p static/vendor/bootstrap static/vendor/bootstrap-icons/fonts static/vendor/htmx static/vendor/echarts
	cp node_modules/bootstrap/dist/css/bootstrap.min.css node_modules/bootstrap/dist/css/bootstrap.min.css.map static/vendor/bootstrap/
	cp node_modules/bootstrap/dist/js/bootstrap.bundle.min.js node_modules/bootstrap/dist/js/bootstrap.bundle.min.js.map static/vendor/bootstrap/
	cp node_modules/bootstrap-icons/font/bootstrap-icons.min.css static/vendor/bootstrap-icons/
	cp node_modules/bootstrap-icons/font/fonts/* static/vendor/bootstrap-icons/fonts/
	cp node_modules/htmx.org/dist/htmx.min.js static/vendor/htmx/
	cp node_modules/echarts/dist/echarts.min.js static/vendor/echarts/
	@touch $@

vendor: static/vendor/.stamp

migrate: install
	$(PY) manage.py migrate --noinput

demo: migrate
	$(PY) manage.py seed_demo --scale $(SCALE) --if-empty

run: demo
	@PORT=$(PORT) $(PY) -m dangjian.devserver

test: install
	$(PY) -m pytest --ds=dangjian.settings.test -n 2 --dist loadfile $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .

check: install
	$(PY) manage.py makemigrations --check --dry-run
	$(PY) manage.py check

# make bench [SCALE=dandong|province|small] [FRESH=1]: a PostgreSQL database of its own on 127.0.0.1
# (dangjian_bench_<scale>, created and seeded once, reused afterwards), two scoring runs, rollups,
# throughput and a crawl of every page each demo role reaches, printed as Markdown
# (portal/management/commands/bench.py).  BENCH_ARGS passes options, e.g.
#   make bench BENCH_ARGS="--only-crawl --roles district,street --runs 3"
BENCH_SCALE := $(if $(filter command line environment,$(origin SCALE)),$(SCALE),dandong)
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/dangjian_bench_$(BENCH_SCALE)

bench: $(VENV)/.stamp-deps
	DATABASE_URL=$(BENCH_DATABASE_URL) DJANGO_DEBUG=0 $(PY) manage.py bench --scale $(BENCH_SCALE) $(if $(FRESH),--fresh) $(BENCH_ARGS)

# make serve [SCALE=small|dandong] [WORKERS=4] [THREADS=1] [CELERY_CONCURRENCY=2] [PORT=8000] [LOAD=1]:
# the production shape — gunicorn, one Celery worker, one beat — on PostgreSQL + Redis (dangjian/serve.py).
# DATABASE_URL / REDIS_URL from the environment, else the local services with a database of its own
# (dangjian_serve_<scale>, created, migrated and seeded once); LOAD=1 lifts the residents' rate limits.
SERVE_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/dangjian_serve_$(SCALE)
SERVE_REDIS_URL ?= redis://127.0.0.1:6379/14
SERVE_ENV = DATABASE_URL="$${DATABASE_URL:-$(SERVE_DATABASE_URL)}" REDIS_URL="$${REDIS_URL:-$(SERVE_REDIS_URL)}" \
	PORT=$(PORT) SCALE=$(SCALE) $(if $(WORKERS),WORKERS=$(WORKERS)) $(if $(THREADS),THREADS=$(THREADS)) \
	$(if $(CELERY_CONCURRENCY),CELERY_CONCURRENCY=$(CELERY_CONCURRENCY))

serve: install
	@$(SERVE_ENV) $(if $(LOAD),SERVE_LOAD=1) $(PY) -m dangjian.serve

# make load [USERS=50] [DURATION=2m] [SCALE=…]: Locust headless against make serve on 127.0.0.1:$(PORT)
# (started in its load-test mode when nothing answers there), a Markdown report (portal/load/run.py).
USERS ?= 50
DURATION ?= 2m

load: install
	@$(SERVE_ENV) USERS=$(USERS) DURATION=$(DURATION) $(PY) -m portal.load.run

clean:
	rm -rf $(VENV) node_modules static/vendor staticfiles var
