#!/usr/bin/env bash
# Merges the flat "key: value" lines of a settings file (docker/flink/flink-settings.yaml) into
# $FLINK_HOME/conf/config.yaml with Flink's own parser, bin/config-parser-utils.sh, the tool the
# official image's Dockerfile and entrypoint use. Everything else the distribution sets in
# config.yaml is kept.
#
#   merge-settings.sh SETTINGS_FILE
set -euo pipefail

settings=${1:?usage: merge-settings.sh SETTINGS_FILE}
flink_home=${FLINK_HOME:-/opt/flink}

args=()
while IFS= read -r line || [ -n "$line" ]; do
  # skip blank lines and comments
  trimmed="${line#"${line%%[![:space:]]*}"}"
  if [ -z "$trimmed" ] || [ "${trimmed:0:1}" = '#' ]; then
    continue
  fi
  if [[ "$trimmed" != *": "* ]]; then
    echo "merge-settings.sh: not a 'key: value' line: $line" >&2
    exit 1
  fi
  key="${trimmed%%: *}"
  value="${trimmed#*: }"
  args+=("-D${key}=${value}")
done < "$settings"

echo "merging ${#args[@]} settings into $flink_home/conf/config.yaml"
/bin/bash "$flink_home/bin/config-parser-utils.sh" "$flink_home/conf" "$flink_home/bin" "$flink_home/lib" "${args[@]}"
