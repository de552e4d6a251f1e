#!/usr/bin/env bash
# Creates the job's six topics on the compose broker (run once by the "topics" service).
# Settings follow what `train --create-topics` would create (pipeline/.../kafka/TopicSetup.java):
# images take an event of --max-event-bytes plus 64 KiB of framing; checkpoints in one partition,
# kept forever, with messages of --checkpoint-chunk-bytes plus 64 KiB, at least 8 MiB. Set
# MAX_EVENT_BYTES and CHECKPOINT_CHUNK_BYTES to the job's flags when they differ from the defaults;
# `train` refuses topics that cannot take what the job writes.
set -euo pipefail

bootstrap=${BOOTSTRAP_SERVERS:-kafka:9092}
partitions=${PARTITIONS:-2}
max_event_bytes=${MAX_EVENT_BYTES:-2097152}
chunk_bytes=${CHECKPOINT_CHUNK_BYTES:-524288}
images_max=$((max_event_bytes + 65536))
checkpoints_max=$((chunk_bytes + 65536 > 8388608 ? chunk_bytes + 65536 : 8388608))
dead_letters_max=$((images_max + 65536 > 8454144 ? images_max + 65536 : 8454144))
topics=${KAFKA_TOPICS:-/opt/kafka/bin/kafka-topics.sh}

create() {
  "$topics" --bootstrap-server "$bootstrap" --create --if-not-exists --replication-factor 1 "$@"
}

create --topic images --partitions "$partitions" --config max.message.bytes="$images_max" --config retention.ms=604800000
create --topic checkpoints --partitions 1 --config max.message.bytes="$checkpoints_max" --config retention.ms=-1
create --topic embeddings --partitions "$partitions"
create --topic dead-letters --partitions 1 --config max.message.bytes="$dead_letters_max"
# version-complete markers: small, kept forever (an index that starts late finds the newest complete version)
create --topic embedding-versions --partitions 1 --config retention.ms=-1
# per-catalog settings, key = catalog: compaction keeps each catalog's newest record (README, "Catalog settings")
create --topic catalogs --partitions 1 --config cleanup.policy=compact

"$topics" --bootstrap-server "$bootstrap" --describe --topic 'images|checkpoints|embeddings|dead-letters|embedding-versions|catalogs'
