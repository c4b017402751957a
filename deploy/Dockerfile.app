# The gateway and the action server (one image, two commands). Python 3.11, as the app venv.
FROM python:3.11-slim
WORKDIR /app
COPY requirements/app.lock ./requirements/app.lock
# Hash-locked (`make lock`): every package is the one reviewed, byte for byte.
RUN pip install --no-cache-dir --require-hashes -r requirements/app.lock
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY actions ./actions
RUN pip install --no-cache-dir --no-deps .
# The district profile and migrations ship inside the package; var/ holds nothing needed here
# (secrets come from the environment).
ENV VAR_DIR=/app/var HOME=/tmp
RUN mkdir -p /app/var && chown 10001 /app/var
USER 10001
