package io.streamsynth.model.data;

import java.util.zip.CRC32;

/**
 * Checks the CRC of every complete chunk of a PNG (PNG specification, section 5.3: a CRC-32 over
 * the chunk's type and data). The JDK's PNG reader does not check them, so a corrupted file could
 * decode into wrong pixels; libpng and PIL reject it, and so do we. A stream cut short ends the
 * walk without a verdict: truncation is the decoder's to judge.
 */
final class PngChecksums {
    private static final byte[] SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

    private PngChecksums() {}

    static boolean isPng(byte[] bytes) {
        if (bytes.length < SIGNATURE.length) {
            return false;
        }
        for (int i = 0; i < SIGNATURE.length; i++) {
            if (bytes[i] != SIGNATURE[i]) {
                return false;
            }
        }
        return true;
    }

    /** The type of the first complete chunk whose CRC is wrong, or null when all are right. */
    static String firstBadChunk(byte[] png) {
        int at = SIGNATURE.length;
        CRC32 crc = new CRC32();
        while (at + 12 <= png.length) {
            long length = readInt(png, at) & 0xffffffffL;
            if (length > png.length - at - 12L) {
                return null;
            }
            int dataLength = (int) length;
            crc.reset();
            crc.update(png, at + 4, 4 + dataLength);
            long stored = readInt(png, at + 8 + dataLength) & 0xffffffffL;
            if (crc.getValue() != stored) {
                return new String(png, at + 4, 4, java.nio.charset.StandardCharsets.ISO_8859_1);
            }
            at += 12 + dataLength;
        }
        return null;
    }

    private static int readInt(byte[] b, int at) {
        return ((b[at] & 0xff) << 24) | ((b[at + 1] & 0xff) << 16) | ((b[at + 2] & 0xff) << 8) | (b[at + 3] & 0xff);
    }
}
