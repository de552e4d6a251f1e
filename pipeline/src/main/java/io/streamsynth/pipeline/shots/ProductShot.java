package io.streamsynth.pipeline.shots;

/**
 * One rendered product shot: the encoded file and how it was made.
 *
 * @param name  a file name without extension, unique within the catalog ({@code <split>-<index>})
 * @param label the class, as text ("0" to "9" for Fashion-MNIST)
 * @param look  the canvas, garment box and colours, upright
 * @param bytes the encoded image, as a file of {@code kind} holds it
 */
public record ProductShot(String name, String label, ShotKind kind, ShotLook look, byte[] bytes) {
    /** {@code name.extension}. */
    public String fileName() {
        return name + "." + kind.extension();
    }
}
