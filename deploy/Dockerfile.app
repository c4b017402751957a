# The gateway and the action server (one image, two commands). Python 3.11, as the app venv.
FROM python:3.11-slim
WORKDIR /app
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY actions ./actions
RUN pip install --no-cache-dir .
# The district profile and migrations ship inside the package; var/ holds nothing needed here
# (secrets come from the environment).
ENV VAR_DIR=/app/var HOME=/tmp
RUN mkdir -p /app/var && chown 10001 /app/var
USER 10001
