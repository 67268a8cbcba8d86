# syntax=docker/dockerfile:1
#
# One image for every Airflow role of the production stack (docker-compose.yml):
# api-server, scheduler, dag-processor, triggerer, Celery workers and the
# one-shot init.  The pipeline's Python environment is the project's own hashed
# lock (requirements.lock, which includes apache-airflow-providers-celery,
# celery[redis] and psycopg2-binary) plus the deployment extras
# (docker/requirements-deploy.lock: setuptools, the build backend), so the
# image runs exactly the versions the test suite ran, tests/celery included.  Build:  docker compose build   (or: docker build -t govperf .)
FROM python:3.11-slim

# LibreOffice (Writer only, no GUI) converts .doc to .docx; the Noto CJK fonts
# keep Chinese text measurable in converted documents; curl serves the health
# checks.  apt-packages.txt is the project's own list of Debian packages (the
# one scripts/setup.sh installs locally), so the image follows it — less the
# packages marked `test` (the browser the test suite drives).
COPY apt-packages.txt /tmp/apt-packages.txt
RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
        libreoffice-writer-nogui \
        fonts-noto-cjk \
        curl \
        $(sed -e 's/#.*//' /tmp/apt-packages.txt | awk 'NF && $2 != "test" {print $1}') \
    && rm -rf /var/lib/apt/lists/* /tmp/apt-packages.txt

ENV PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    AIRFLOW_HOME=/opt/airflow \
    HOME=/home/airflow

# Dependencies first (a layer that changes only with the locks).  Every
# package is pinned and hash-checked.  --no-deps because both files are
# complete locks (pip's resolver rejects a hashed lock that pins an extra's
# target without the extra, e.g. mashumaro[msgpack]); `pip check` then refuses
# the build unless the two files form one consistent environment.  pip
# compiles bytecode at install, so no process pays for it at start-up.
COPY requirements.lock /tmp/locks/requirements.lock
COPY docker/requirements-deploy.lock /tmp/locks/requirements-deploy.lock
RUN pip install --require-hashes --no-deps \
        -r /tmp/locks/requirements.lock \
        -r /tmp/locks/requirements-deploy.lock \
    && pip check \
    && rm -rf /tmp/locks

# The project itself, installed editable with --no-deps (its dependencies are
# all above).  Editable on purpose: extractors.settings finds dbt/ beside the
# package (PROJECT_ROOT), and docker-compose.yml mounts the checkout read-only
# over /opt/govperf, so the containers run the mounted code.
COPY pyproject.toml /opt/govperf/pyproject.toml
COPY extractors /opt/govperf/extractors
COPY dags /opt/govperf/dags
COPY dbt /opt/govperf/dbt
COPY expectations /opt/govperf/expectations
COPY docker /opt/govperf/docker
RUN pip install --no-deps --no-build-isolation -e /opt/govperf \
    && cd / \
    && python -c "import extractors.settings as s; assert str(s.PROJECT_ROOT) == '/opt/govperf', s.PROJECT_ROOT"

# An unprivileged user (uid 50000, group 0 as in Airflow's own image).  The
# directories below exist in the image so that named volumes mounted there
# start out owned by this user.
RUN useradd --uid 50000 --gid 0 --create-home --home-dir /home/airflow airflow \
    && mkdir -p /opt/airflow/logs /data /warehouse \
    && chown -R airflow:0 /opt/airflow /data /warehouse /home/airflow

USER airflow
WORKDIR /opt/govperf
EXPOSE 8080
CMD ["airflow", "version"]
