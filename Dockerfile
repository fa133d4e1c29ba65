# The kit's images, built by docker-compose.yml (targets `platform` and `grader`).
#
#   platform  the app and analytics services. The grader package (for `grade serve`, which
#             lays the learner's files over starter/ and runs uvicorn on it), shared/,
#             starter/, course.toml and the task docs. No hidden tests and no solutions: the
#             learner's code runs in this image, so it must find neither. Runs as `kit`,
#             not root.
#   grader    platform plus the hidden tests: the grader service. It never runs the learner's
#             code (it grades the app service over HTTP), so it may run as root, which it
#             needs to record progress in /kit/.grade-state.json and to write its results to
#             a bind-mounted folder owned by whoever runs it.
#
# solutions/ is left out of the build context (.dockerignore), so no image can hold it. A
# learner release of the kit (`grade release`) has no hidden tests: both targets still build.
#
# The base image is pinned to an exact tag. A digest (...@sha256:...) would pin it byte for
# byte; none is given because it could not be resolved where this file was written.

FROM python:3.11.10-slim-bookworm AS base
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1
WORKDIR /kit
# The dependencies alone first, read from pyproject.toml: this layer is rebuilt when they
# change, not on every edit of the kit's code.
COPY pyproject.toml /tmp/pyproject.toml
RUN python -c "import tomllib; deps = tomllib.load(open('/tmp/pyproject.toml', 'rb'))['project']['dependencies']; open('/tmp/requirements.txt', 'w').write('\n'.join(deps) + '\n')" \
 && pip install --no-cache-dir -r /tmp/requirements.txt \
 && rm /tmp/pyproject.toml /tmp/requirements.txt

# The kit's files, split in two: /src for every image, /withheld (the hidden tests, and the
# reviewed equivalent mutants, which describe the solutions' code) for the grader image only.
# This stage is never shipped: what it moves never reaches a layer of the platform image.
FROM base AS source
WORKDIR /src
# release.tom[l]: the marker of a learner release, copied when it exists.
COPY pyproject.toml README.md course.toml release.tom[l] ./
COPY grader/ grader/
COPY shared/ shared/
COPY starter/ starter/
COPY tasks/ tasks/
RUN mkdir -p /withheld/grader/checks \
 && if [ -d grader/hidden ]; then mv grader/hidden /withheld/grader/hidden; fi \
 && if [ -f grader/checks/equivalent_mutants.toml ]; then mv grader/checks/equivalent_mutants.toml /withheld/grader/checks/; fi \
 && chmod -R a+rX /src /withheld

FROM base AS platform
COPY --from=source /src /kit
# Editable, not `pip install .`: the grader finds course.toml, starter/ and its tests next to
# its own package (grader.KIT_ROOT), so the package must stay in /kit, not in site-packages.
RUN pip install --no-cache-dir --no-deps --editable . \
 && useradd --create-home --uid 10001 --user-group --shell /usr/sbin/nologin kit
USER kit
EXPOSE 8000 8001
CMD ["grade", "serve", "--impl", "starter", "--host", "0.0.0.0", "--port", "8000"]

FROM platform AS grader
USER root
COPY --from=source /withheld/ /kit/
CMD ["grade", "list"]
