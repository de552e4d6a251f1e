package io.streamsynth.pipeline.kafka;

import io.streamsynth.model.data.ImageDecoder;
import io.streamsynth.model.data.ImageSet;
import io.streamsynth.operators.kafka.ImageEventJson;
import io.streamsynth.operators.types.ItemKey;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** Writes labelled images to the images topic as documented JSON events with PNG payloads. */
public final class ImageEventProducer implements AutoCloseable {
    private final KafkaProducer<byte[], byte[]> producer;
    private final String topic;
    private long sent;
    private final java.util.concurrent.atomic.AtomicReference<Exception> firstFailure =
            new java.util.concurrent.atomic.AtomicReference<>();

    public ImageEventProducer(String bootstrapServers, Properties clientProperties, String topic) {
        Properties p = new Properties();
        p.putAll(clientProperties);
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, "20");
        p.putIfAbsent(ProducerConfig.ACKS_CONFIG, "all");
        this.producer = new KafkaProducer<>(p);
        this.topic = topic;
    }

    /** Sends image {@code index} of the set as item {@code itemId} with its label as the class. */
    public void send(String catalog, String itemId, ImageSet images, int index, boolean train) {
        byte[] png = ImageDecoder.encodePng(images.channels(), images.height(), images.width(),
                images.imageBytes(index));
        String label = Integer.toString(images.labels()[index]);
        long now = System.currentTimeMillis();
        sendEvent(catalog, itemId, ImageEventJson.encode(LabelledImageEvents.eventId(itemId, now), catalog, itemId,
                label, png, now, train));
    }

    /** Sends an event's bytes under the item's key ({@link ItemKey}: catalog and item id). */
    public void sendEvent(String catalog, String itemId, byte[] value) {
        sendRaw(ItemKey.encode(catalog, itemId), value);
    }

    /** Deletes an item: a tombstone, the item's key with a null value. */
    public void sendTombstone(String catalog, String itemId) {
        sendRaw(ItemKey.encode(catalog, itemId), null);
    }

    /** Sends any bytes as an event under a key given as text, for demonstrations and tests of the dead-letter path. */
    public void sendRaw(String key, byte[] value) {
        sendRaw(key == null ? null : key.getBytes(StandardCharsets.UTF_8), value);
    }

    /** Sends any key and value bytes (either may be null). */
    public void sendRaw(byte[] key, byte[] value) {
        producer.send(new ProducerRecord<>(topic, key, value),
                (metadata, e) -> {
                    if (e != null) {
                        firstFailure.compareAndSet(null, e);
                    }
                });
        sent++;
    }

    public long sent() {
        return sent;
    }

    /** Waits for every send; throws the first failure any of them had (authorization, size, ...). */
    public void flush() {
        producer.flush();
        Exception failure = firstFailure.get();
        if (failure != null) {
            throw new IllegalStateException("sending to " + topic + " failed: " + failure.getMessage(), failure);
        }
    }

    @Override
    public void close() {
        producer.close();
    }
}
