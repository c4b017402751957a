#!/bin/sh
# Two databases on one server: the case store (shuoshi) and Rasa's tracker store (rasa), each
# with its own owner. Runs once, when the data volume is first created.
set -eu
psql -v ON_ERROR_STOP=1 -U postgres <<SQL
CREATE ROLE shuoshi LOGIN PASSWORD '${APP_DB_PASSWORD}';
CREATE DATABASE shuoshi OWNER shuoshi;
CREATE ROLE rasa LOGIN PASSWORD '${APP_DB_PASSWORD}';
CREATE DATABASE rasa OWNER rasa;
SQL
