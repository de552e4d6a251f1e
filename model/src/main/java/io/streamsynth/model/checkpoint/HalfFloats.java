package io.streamsynth.model.checkpoint;

/** IEEE 754 binary16 to float32, exactly; Java 17 has no {@code Float.float16ToFloat} yet (it came in 20). */
final class HalfFloats {
    private HalfFloats() {
    }

    /** The float32 holding the same value as the half-precision bits {@code h} (NaN payloads kept, as far as they fit). */
    static float fromHalf(short h) {
        int bits = h & 0xffff;
        int sign = (bits & 0x8000) << 16;
        int exponent = (bits >>> 10) & 0x1f;
        int mantissa = bits & 0x3ff;
        if (exponent == 0x1f) {
            return Float.intBitsToFloat(sign | 0x7f800000 | (mantissa << 13));
        }
        if (exponent == 0) {
            // zero or subnormal: mantissa x 2^-24, exact in float32
            float magnitude = mantissa * 0x1p-24f;
            return sign == 0 ? magnitude : -magnitude;
        }
        return Float.intBitsToFloat(sign | ((exponent + 127 - 15) << 23) | (mantissa << 13));
    }
}
