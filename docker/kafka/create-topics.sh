#!/usr/bin/env bash
# Creates the job's four topics on the compose broker (run once by the "topics" service).
# Settings follow what `train --create-topics` would create (pipeline/.../kafka/TopicSetup.java):
# checkpoints in one partition, kept forever, with 8 MiB messages (the job writes 512 KiB chunks).
set -euo pipefail

bootstrap=${BOOTSTRAP_SERVERS:-kafka:9092}
partitions=${PARTITIONS:-2}
topics=/opt/kafka/bin/kafka-topics.sh

create() {
  "$topics" --bootstrap-server "$bootstrap" --create --if-not-exists --replication-factor 1 "$@"
}

create --topic images --partitions "$partitions" --config retention.ms=604800000
create --topic checkpoints --partitions 1 --config max.message.bytes=8388608 --config retention.ms=-1
create --topic embeddings --partitions "$partitions"
create --topic dead-letters --partitions 1 --config max.message.bytes=8454144

"$topics" --bootstrap-server "$bootstrap" --describe --topic 'images|checkpoints|embeddings|dead-letters'
